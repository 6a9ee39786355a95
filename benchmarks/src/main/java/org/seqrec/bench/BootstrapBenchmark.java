package org.seqrec.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.seqrec.avro.Action;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.cli.CommandLine;
import org.seqrec.job.JobConfig;
import org.seqrec.job.SequenceJob;
import org.seqrec.job.bootstrap.BootstrapConfig;
import org.seqrec.schemas.MovieLensCsv;
import org.seqrec.job.bootstrap.StateBootstrap;
import org.seqrec.local.KafkaBroker;
import org.seqrec.local.MovieLens;
import org.seqrec.local.ReplayProducer;

/**
 * The state bootstrap's rate against the job's streaming ingest rate, in one run on a local MiniCluster at one
 * parallelism: (1) ml-latest-small from its two CSV files; (2) synthetic MovieLens-shaped users, each one with
 * the whole history of a real user (picked by a hash of its number) under ids of its own, written as CSV part
 * files (ratings and tags, one pair per reading task); (3) the job (feature half, scoring off) reading
 * ml-latest-small three times over with fresh event ids from Kafka, bounded, as {@link StateThroughputBenchmark}
 * runs it. Every time is wall clock from submission to completion, start-up included; the broker runs in this
 * JVM.
 *
 * <p>Run: {@code scripts/bench.sh bootstrap [syntheticUsers] [parallelism] [N]} (defaults 20,000, 2, 256); the
 * table goes to stdout and docs/benchmark-data/bootstrap.csv.
 */
public final class BootstrapBenchmark {

    private static final Path CSV = Path.of("docs/benchmark-data/bootstrap.csv");
    private static final long MANAGED_MEMORY_PER_SLOT_MIB = 256;
    private static final int STREAMING_COPIES = 3;

    static final ConfigOption<Integer> USERS = ConfigOptions.key("users").intType().defaultValue(20_000)
            .withDescription("Synthetic MovieLens-shaped users to bootstrap.");
    static final ConfigOption<Integer> PARALLELISM = ConfigOptions.key("parallelism").intType().defaultValue(2)
            .withDescription("Parallelism of the bootstrap and of the streaming job.");
    static final ConfigOption<Integer> N = ConfigOptions.key("n").intType().defaultValue(256)
            .withDescription("Longest sequence kept per user.");

    record Result(String run, long events, long users, double seconds) {}

    public static void main(String[] args) throws Exception {
        Configuration options = CommandLine.of("BootstrapBenchmark", List.of(USERS, PARALLELISM, N))
                .configurationOrExit(List.of(), args);
        int syntheticUsers = options.get(USERS);
        int p = options.get(PARALLELISM);
        int n = options.get(N);
        Path work = Files.createTempDirectory("seqrec-bootstrap-bench");
        List<InteractionEvent> movieLens = MovieLens.events(MovieLens.DEFAULT_DIR);
        System.out.printf("parallelism %d, N = %d, %d processors, work in %s%n", p, n,
                Runtime.getRuntime().availableProcessors(), work);

        List<Result> results = new ArrayList<>();
        Path data = MovieLens.DEFAULT_DIR.toAbsolutePath();
        results.add(bootstrap("ml-latest-small (CSV)", data.resolve("ratings.csv") + "," + data.resolve("tags.csv"),
                work.resolve("ml-savepoint"), p, n));
        Path synthetic = writeSynthetic(movieLens, syntheticUsers, 2 * p, work.resolve("synthetic"));
        results.add(bootstrap(String.format("%,d synthetic users (CSV)", syntheticUsers), synthetic.toString(),
                work.resolve("synthetic-savepoint"), p, n));
        results.add(streaming(movieLens, p, n, work));

        System.out.println();
        System.out.printf("parallelism %d, N = %d:%n%n", p, n);
        System.out.println("| run | events | users | s (start-up included) | events/s | users/s |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
        Csv csv = new Csv("run", "parallelism", "N", "events", "users", "seconds", "events_per_s", "users_per_s");
        for (Result r : results) {
            System.out.printf("| %s | %,d | %,d | %.1f | %,.0f | %,.0f |%n", r.run, r.events, r.users, r.seconds,
                    r.events / r.seconds, r.users / r.seconds);
            csv.row(r.run, p, n, r.events, r.users, r.seconds, r.events / r.seconds, r.users / r.seconds);
        }
        csv.write(CSV);
    }

    private static StreamExecutionEnvironment environment(int p) {
        Configuration flink = new Configuration();
        flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        flink.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(MANAGED_MEMORY_PER_SLOT_MIB * p));
        return StreamExecutionEnvironment.createLocalEnvironment(p, flink);
    }

    private static Result bootstrap(String run, String input, Path savepoint, int p, int n) throws Exception {
        BootstrapConfig config = BootstrapConfig.fromArgs("--bootstrap.input", input, "--bootstrap.savepoint",
                savepoint.toUri().toString(), "--sequence.max-length", String.valueOf(n));
        long start = System.nanoTime();
        StateBootstrap.Result result = new StateBootstrap(config).run(environment(p), new PrintStream(OutputStream.nullOutputStream()));
        double seconds = (System.nanoTime() - start) / 1e9;
        long events = result.count("records");
        long users = result.count("users");
        System.out.printf("%s: %,d events, %,d users in %.1f s%n", run, events, users, seconds);
        return new Result("bootstrap, " + run, events, users, seconds);
    }

    /**
     * Synthetic user u (1, 2, ...) takes the whole history of the real user picked by a hash of u, under its own
     * user id (so event ids differ too); users go round-robin to {@code parts} pairs of ratings and tags files.
     */
    private static Path writeSynthetic(List<InteractionEvent> events, int users, int parts, Path dir) throws IOException {
        Map<String, List<InteractionEvent>> byUser = new LinkedHashMap<>();
        events.forEach(e -> byUser.computeIfAbsent(e.getUserId(), u -> new ArrayList<>()).add(e));
        List<List<InteractionEvent>> histories = new ArrayList<>(byUser.values());
        Files.createDirectories(dir);
        List<BufferedWriter> ratings = new ArrayList<>();
        List<BufferedWriter> tags = new ArrayList<>();
        long written = 0;
        try {
            for (int part = 0; part < parts; part++) {
                ratings.add(Files.newBufferedWriter(dir.resolve(String.format("part-%03d-ratings.csv", part))));
                tags.add(Files.newBufferedWriter(dir.resolve(String.format("part-%03d-tags.csv", part))));
                ratings.get(part).write(MovieLensCsv.RATINGS_HEADER + "\n");
                tags.get(part).write(MovieLensCsv.TAGS_HEADER + "\n");
            }
            for (long u = 1; u <= users; u++) {
                List<InteractionEvent> history = histories.get(Math.floorMod(Long.hashCode(u * 0x9E3779B97F4A7C15L),
                        histories.size()));
                int part = (int) (u % parts);
                for (InteractionEvent e : history) {
                    long seconds = e.getEventTime().getEpochSecond();
                    if (e.getAction() == Action.TAG) {
                        tags.get(part).write(u + "," + e.getItemId() + ",tag," + seconds + "\n");
                    } else {
                        ratings.get(part).write(u + "," + e.getItemId() + "," + e.getValue() + "," + seconds + "\n");
                    }
                }
                written += history.size();
            }
        } finally {
            for (BufferedWriter writer : ratings) {
                writer.close();
            }
            for (BufferedWriter writer : tags) {
                writer.close();
            }
        }
        System.out.printf("synthetic: %,d users, %,d events in %d ratings and %d tags files%n", users, written, parts,
                parts);
        return dir;
    }

    private static Result streaming(List<InteractionEvent> base, int p, int n, Path work) throws Exception {
        try (KafkaBroker broker = KafkaBroker.start()) {
            broker.createTopics(p, "interactions", "sequence-features", "dead-letters");
            Properties kafka = new Properties();
            kafka.setProperty("bootstrap.servers", broker.bootstrapServers());
            long events = 0;
            try (ReplayProducer producer = new ReplayProducer(kafka, "interactions", 1e15, 1e9)) {
                for (int copy = 0; copy < STREAMING_COPIES; copy++) {
                    int c = copy;
                    events += producer.replay(base.stream().map(e -> InteractionEvent.newBuilder(e)
                            .setEventId(e.getEventId() + "#" + c).build()).toList(), sent -> { });
                }
            }
            JobConfig config = JobConfig.fromMap(Map.ofEntries(Map.entry("kafka.bootstrap-servers", broker.bootstrapServers()),
                    Map.entry("source.bounded", "true"), Map.entry("source.starting-offsets", "earliest"),
                    Map.entry("scoring.enabled", "false"), Map.entry("sequence.max-length", String.valueOf(n)),
                    Map.entry("checkpoint.interval", "10s"),
                    Map.entry("checkpoint.dir", work.resolve("checkpoints").toUri().toString())));
            long start = System.nanoTime();
            SequenceJob.fromConfig(config).execute(environment(p));
            double seconds = (System.nanoTime() - start) / 1e9;
            long users = base.stream().map(InteractionEvent::getUserId).distinct().count();
            System.out.printf("streaming job: %,d events in %.1f s%n", events, seconds);
            return new Result("streaming job from Kafka, ml-latest-small x " + STREAMING_COPIES, events, users, seconds);
        }
    }
}
