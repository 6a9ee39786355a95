package org.seqrec.job.bootstrap;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.seqrec.cli.CommandLine;
import org.seqrec.job.JobConfig;

/**
 * The state bootstrap's options, typed and validated like {@link JobConfig}: its own {@code bootstrap.*} keys,
 * and the job's options (the same {@code --config-file} works), from which it takes the rules that shape state
 * ({@code sequence.max-length}, {@code sequence.ttl}, {@code validation.*}). Every {@code bootstrap.*} key is
 * listed in {@link #OPTIONS} and documented in the README.
 */
public final class BootstrapConfig {

    static final String PREFIX = "bootstrap.";

    public static final ConfigOption<String> INPUT = ConfigOptions.key("bootstrap.input")
            .stringType().noDefaultValue()
            .withDescription("Comma-separated files or directories (local paths or Flink file system URIs) of historical"
                    + " interactions: *.avro (Avro container files of InteractionEvent) and *.csv (MovieLens ratings or"
                    + " tags). A directory contributes its *.avro and *.csv files. Required.");
    public static final ConfigOption<String> SAVEPOINT = ConfigOptions.key("bootstrap.savepoint")
            .stringType().noDefaultValue()
            .withDescription("Where the savepoint is written; must not exist yet. Required.");
    public static final ConfigOption<String> REJECTS = ConfigOptions.key("bootstrap.rejects")
            .stringType().noDefaultValue()
            .withDescription("CSV file of the rejected records with their reasons; default: the savepoint path followed"
                    + " by -rejects.csv.");
    public static final ConfigOption<String> UNTIL = ConfigOptions.key("bootstrap.until")
            .stringType().noDefaultValue()
            .withDescription("Hand-over instant (ISO-8601): only events before it are bootstrapped; the job reads the"
                    + " rest from Kafka. Default: the latest event time in the files.");
    public static final ConfigOption<Integer> MAX_PARALLELISM = ConfigOptions.key("bootstrap.max-parallelism")
            .intType().defaultValue(128)
            .withDescription("Maximum parallelism (key groups) of the savepoint: the job's pipeline.max-parallelism.");
    public static final ConfigOption<Duration> PROGRESS_INTERVAL = ConfigOptions.key("bootstrap.progress-interval")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("How often progress is printed.");

    /** Every bootstrap option, in the order the README documents them. */
    public static final List<ConfigOption<?>> OPTIONS =
            List.of(INPUT, SAVEPOINT, REJECTS, UNTIL, MAX_PARALLELISM, PROGRESS_INTERVAL);

    /** The bootstrap's command line: its own options and every option of the job. */
    public static final CommandLine COMMAND_LINE = CommandLine.of("StateBootstrap",
            Stream.concat(OPTIONS.stream(), JobConfig.OPTIONS.stream()).toList())
            .withOpenPrefix(JobConfig.KAFKA_CLIENT_PREFIX);

    /** The savepoint writer's limit on key groups. */
    private static final int UPPER_BOUND_MAX_PARALLELISM = 1 << 15;

    private final Configuration values;
    private final JobConfig job;

    private BootstrapConfig(Configuration values, JobConfig job) {
        this.values = values;
        this.job = job;
    }

    /** Parses {@code --key value} arguments: {@code bootstrap.*} keys here, every other key as the job's. */
    public static BootstrapConfig fromArgs(String... args) {
        Map<String, String> own = new LinkedHashMap<>();
        Map<String, String> jobSettings = new LinkedHashMap<>();
        COMMAND_LINE.parse(args).forEach((key, value) -> (key.startsWith(PREFIX) ? own : jobSettings).put(key, value));
        List<String> problems = new ArrayList<>();
        BootstrapConfig config = new BootstrapConfig(Configuration.fromMap(own), JobConfig.fromMap(jobSettings));
        config.validate(problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid bootstrap configuration:\n  - " + String.join("\n  - ", problems));
        }
        return config;
    }

    public <T> T get(ConfigOption<T> option) {
        return values.get(option);
    }

    /** The job's options: the rules the bootstrapped state follows. */
    public JobConfig job() {
        return job;
    }

    public List<String> inputs() {
        return Arrays.stream(get(INPUT).split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    public String rejects() {
        String rejects = get(REJECTS);
        return rejects != null ? rejects : get(SAVEPOINT) + "-rejects.csv";
    }

    /** The hand-over instant if one was chosen, else {@code null}: then the files' latest event time decides. */
    public Instant until() {
        String until = get(UNTIL);
        return until == null ? null : Instant.parse(until);
    }

    /** Types are already checked by {@link #COMMAND_LINE}; these are the rules between values. */
    private void validate(List<String> problems) {
        if (get(INPUT) == null || inputs().isEmpty()) {
            problems.add(INPUT.key() + " is required: " + INPUT.description());
        }
        if (get(SAVEPOINT) == null || get(SAVEPOINT).isBlank()) {
            problems.add(SAVEPOINT.key() + " is required: " + SAVEPOINT.description());
        }
        try {
            until();
        } catch (DateTimeParseException e) {
            problems.add(UNTIL.key() + " must be an ISO-8601 instant such as 2018-09-24T14:27:30Z, not '"
                    + get(UNTIL) + "'");
        }
        int maxParallelism = get(MAX_PARALLELISM);
        if (maxParallelism < 1 || maxParallelism > UPPER_BOUND_MAX_PARALLELISM) {
            problems.add(MAX_PARALLELISM.key() + " must be between 1 and " + UPPER_BOUND_MAX_PARALLELISM + ", got "
                    + maxParallelism);
        }
        if (get(PROGRESS_INTERVAL).toMillis() <= 0) {
            problems.add(PROGRESS_INTERVAL.key() + " must be positive, got " + get(PROGRESS_INTERVAL));
        }
    }
}
