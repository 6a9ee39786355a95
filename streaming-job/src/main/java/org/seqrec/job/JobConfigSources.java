package org.seqrec.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the job's options come from, each source overriding the one before:
 * <ol>
 *   <li>the options' defaults;</li>
 *   <li>Flink's configuration, as the job's {@code main} sees it (its {@code config.yaml}, {@code -D}
 *       options, a FlinkDeployment's {@code flinkConfiguration}), under the prefix {@value #FLINK_PREFIX}:
 *       {@code seqrec.scoring.device: cuda};</li>
 *   <li>the properties file that {@code config-file} names (given as an argument or in Flink's
 *       configuration as {@code seqrec.config-file}; the argument wins);</li>
 *   <li>the job's {@code --key value} arguments.</li>
 * </ol>
 * So a platform sets cluster-wide values in Flink's configuration, secrets go in the file, and a
 * submission's arguments win. A {@value #FLINK_PREFIX} key that is no option stops start-up like an
 * unknown argument; Flink's other keys are Flink's.
 */
public final class JobConfigSources {

    public static final String FLINK_PREFIX = "seqrec.";

    private static final Logger LOG = LoggerFactory.getLogger(JobConfigSources.class);

    private JobConfigSources() {}

    /** The job's options from Flink's configuration and the arguments, validated. */
    public static JobConfig resolve(ReadableConfig flink, String... args) {
        Map<String, String> fromFlink = fromFlink(flink);
        Map<String, String> arguments = JobConfig.arguments(args);
        LOG.info("seqrec options set in Flink's configuration ({}*): {}; as arguments: {}", FLINK_PREFIX,
                fromFlink.keySet(), arguments.keySet());
        return JobConfig.fromMap(fromFlink, arguments);
    }

    /** The {@value #FLINK_PREFIX} keys of Flink's configuration, without the prefix. */
    static Map<String, String> fromFlink(ReadableConfig flink) {
        List<String> known = JobConfig.OPTIONS.stream().map(ConfigOption::key).toList();
        Map<String, String> settings = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        flink.toMap().forEach((key, value) -> {
            if (!key.startsWith(FLINK_PREFIX)) {
                return;
            }
            String option = key.substring(FLINK_PREFIX.length());
            if (known.contains(option) || option.startsWith(JobConfig.KAFKA_CLIENT_PREFIX)) {
                settings.put(option, value);
            } else {
                problems.add("Flink's configuration sets '" + key + "', which is not a seqrec option: a key "
                        + FLINK_PREFIX + "<option> takes an option of README.md's Configuration table or "
                        + FLINK_PREFIX + JobConfig.KAFKA_CLIENT_PREFIX + "<kafka client property>");
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid configuration:\n  - " + String.join("\n  - ", problems));
        }
        return settings;
    }
}
