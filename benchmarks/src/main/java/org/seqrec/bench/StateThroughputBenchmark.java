package org.seqrec.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.cli.CommandLine;
import org.seqrec.job.JobConfig;
import org.seqrec.job.SequenceJob;
import org.seqrec.local.KafkaBroker;
import org.seqrec.local.MovieLens;
import org.seqrec.local.ReplayProducer;

/**
 * The feature half end to end, scoring off, at one or more parallelisms in the same run: the MovieLens
 * stream (repeated {@code copies} times with fresh event ids) is written once to a topic per parallelism
 * p with p partitions (keyed by user, so the same events split by user), then each topic is read back by
 * a bare Kafka consumer (the ceiling: raw consume rate) and by the job at parallelism p on a local
 * MiniCluster (decode, validate, RocksDB sequence state, exactly-once feature and dead-letter sinks), as a
 * bounded run timed from submission to completion. Each slot gets 256 MiB of managed memory for RocksDB.
 * The broker runs in this JVM and shares the machine's cores with the job. The jobs run in the order
 * given, and a parallelism may repeat: the first job also pays the JVM's warm-up, so {@code 1,2,1,2}
 * shows how much of a difference is order rather than parallelism.
 *
 * <p>Run: {@code scripts/bench.sh throughput [copies] [N] [parallelisms]} (defaults 3, 256, {@code 1,2,1,2});
 * the table goes to stdout and docs/benchmark-data/state-throughput.csv.
 */
public final class StateThroughputBenchmark {

    private static final Path CSV = Path.of("docs/benchmark-data/state-throughput.csv");
    private static final long MANAGED_MEMORY_PER_SLOT_MIB = 256;

    record Result(int run, int parallelism, long events, double rawPerSecond, double jobPerSecond, double jobSeconds) {}

    static final ConfigOption<Integer> COPIES = ConfigOptions.key("copies").intType().defaultValue(3)
            .withDescription("Copies of ml-latest-small to replay.");
    static final ConfigOption<Integer> N = ConfigOptions.key("n").intType().defaultValue(256)
            .withDescription("Longest sequence kept per user.");
    static final ConfigOption<List<Integer>> PARALLELISMS = ConfigOptions.key("parallelisms").intType().asList()
            .defaultValues(1, 2, 1, 2).withDescription("One run per parallelism, in this order.");

    public static void main(String[] args) throws Exception {
        Configuration options = CommandLine.of("StateThroughputBenchmark", List.of(COPIES, N, PARALLELISMS))
                .configurationOrExit(List.of(), args);
        int copies = options.get(COPIES);
        int n = options.get(N);
        int[] parallelisms = options.get(PARALLELISMS).stream().mapToInt(Integer::intValue).toArray();
        List<InteractionEvent> base = MovieLens.events(MovieLens.DEFAULT_DIR);
        List<Result> results = new ArrayList<>();
        try (KafkaBroker broker = KafkaBroker.start()) {
            for (int p : parallelisms) {
                broker.createTopics(p, topic("interactions", p), topic("sequence-features", p), topic("dead-letters", p));
            }
            long total = produce(broker.bootstrapServers(), base, copies, parallelisms);
            System.out.printf("%,d events (%d copies of ml-latest-small) on a topic per parallelism, N = %d, %d processors%n",
                    total, copies, n, Runtime.getRuntime().availableProcessors());
            for (int p : parallelisms) {
                int run = results.size() + 1;
                double raw = consumeAll(broker.bootstrapServers(), topic("interactions", p), p, total);
                System.out.printf("run %d, p = %d: raw Kafka consume %,10.0f events/s%n", run, p, raw);
                double seconds = runJob(broker.bootstrapServers(), p, n);
                System.out.printf("run %d, p = %d: job end to end %,10.0f events/s (%.1f s, including start-up),"
                        + " job / raw %.2f%n", run, p, total / seconds, seconds, total / seconds / raw);
                results.add(new Result(run, p, total, raw, total / seconds, seconds));
            }
        }
        print(results, copies, n);
        Csv csv = new Csv("run", "parallelism", "partitions", "events", "copies", "N", "raw_consume_per_s", "job_events_per_s",
                "job_s", "job_over_raw");
        for (Result r : results) {
            csv.row(r.run, r.parallelism, r.parallelism, r.events, copies, n, r.rawPerSecond, r.jobPerSecond, r.jobSeconds,
                    r.jobPerSecond / r.rawPerSecond);
        }
        csv.write(CSV);
    }

    private static String topic(String name, int parallelism) {
        return name + "-p" + parallelism;
    }

    /** The same events, once, to every parallelism's topic; returns the number of events per topic. */
    private static long produce(String bootstrap, List<InteractionEvent> base, int copies, int[] parallelisms)
            throws InterruptedException {
        Properties kafka = new Properties();
        kafka.setProperty("bootstrap.servers", bootstrap);
        Map<Integer, ReplayProducer> producers = new HashMap<>();
        try {
            for (int p : parallelisms) {
                producers.computeIfAbsent(p, q -> new ReplayProducer(kafka, topic("interactions", q), 1e15, 1e9));
            }
            long total = 0;
            for (int copy = 0; copy < copies; copy++) {
                int c = copy;
                List<InteractionEvent> events = base.stream().map(e -> InteractionEvent.newBuilder(e)
                        .setEventId(e.getEventId() + "#" + c).build()).toList();
                for (ReplayProducer producer : producers.values()) {
                    producer.replay(events, sent -> { });
                }
                total += events.size();
            }
            return total;
        } finally {
            producers.values().forEach(ReplayProducer::close);
        }
    }

    /** Seconds from submitting the bounded job at parallelism p to its completion. */
    private static double runJob(String bootstrap, int p, int n) throws Exception {
        Configuration flink = new Configuration();
        flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        flink.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(MANAGED_MEMORY_PER_SLOT_MIB * p));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(p, flink);
        JobConfig config = JobConfig.fromMap(Map.ofEntries(Map.entry("kafka.bootstrap-servers", bootstrap),
                Map.entry("topic.interactions", topic("interactions", p)),
                Map.entry("topic.features", topic("sequence-features", p)),
                Map.entry("topic.dead-letters", topic("dead-letters", p)), Map.entry("kafka.group-id", topic("bench", p)),
                Map.entry("sink.transactional-id-prefix", topic("bench", p)), Map.entry("source.bounded", "true"),
                Map.entry("source.starting-offsets", "earliest"), Map.entry("scoring.enabled", "false"),
                Map.entry("sequence.max-length", String.valueOf(n)), Map.entry("checkpoint.interval", "10s"),
                Map.entry("checkpoint.dir", "file:///tmp/seqrec/bench-checkpoints/" + topic("run", p))));
        long start = System.nanoTime();
        SequenceJob.fromConfig(config).execute(env);
        return (System.nanoTime() - start) / 1e9;
    }

    /** Events/s of one consumer reading every partition of the topic from the beginning. */
    private static double consumeAll(String bootstrap, String topic, int partitions, long expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> all = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                all.add(new TopicPartition(topic, i));
            }
            consumer.assign(all);
            consumer.seekToBeginning(all);
            long start = System.nanoTime();
            long read = 0;
            while (read < expected) {
                read += consumer.poll(Duration.ofMillis(500)).count();
            }
            return read / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static void print(List<Result> results, int copies, int n) {
        System.out.println();
        System.out.printf("N = %d, %d copies of ml-latest-small:%n%n", n, copies);
        System.out.println("| run | parallelism (= partitions) | events | raw consume events/s | job events/s | job s | job ÷ raw |");
        System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (Result r : results) {
            System.out.printf("| %d | %d | %,d | %,.0f | %,.0f | %.1f | %.2f |%n", r.run, r.parallelism, r.events, r.rawPerSecond,
                    r.jobPerSecond, r.jobSeconds, r.jobPerSecond / r.rawPerSecond);
        }
    }
}
