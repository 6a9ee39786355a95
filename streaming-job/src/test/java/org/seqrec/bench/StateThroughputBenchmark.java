package org.seqrec.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
import org.seqrec.job.JobConfig;
import org.seqrec.job.SequenceJob;
import org.seqrec.local.KafkaBroker;
import org.seqrec.local.MovieLens;
import org.seqrec.local.ReplayProducer;

/**
 * The feature half end to end, scoring off: the MovieLens stream (repeated {@code copies} times with
 * fresh event ids) is written to a real broker once, then read back twice in the same run: by a bare
 * Kafka consumer (the ceiling: raw consume rate) and by the job at parallelism 1 on a local MiniCluster
 * (decode, validate, RocksDB sequence state, exactly-once feature and dead-letter sinks), as a bounded
 * run timed from submission to completion.
 *
 * <p>Run: {@code scripts/bench.sh throughput [copies] [N]}.
 */
public final class StateThroughputBenchmark {

    public static void main(String[] args) throws Exception {
        int copies = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        List<InteractionEvent> base = MovieLens.events(MovieLens.DEFAULT_DIR);
        try (KafkaBroker broker = KafkaBroker.start()) {
            broker.createTopics(1, "interactions", "sequence-features", "dead-letters");
            Properties kafka = new Properties();
            kafka.setProperty("bootstrap.servers", broker.bootstrapServers());
            long total = 0;
            try (ReplayProducer producer = new ReplayProducer(kafka, "interactions", 1e15, 1e9)) {
                for (int copy = 0; copy < copies; copy++) {
                    int c = copy;
                    List<InteractionEvent> events = base.stream().map(e -> InteractionEvent.newBuilder(e)
                            .setEventId(e.getEventId() + "#" + c).build()).toList();
                    total += producer.replay(events, sent -> { });
                }
            }
            System.out.printf("%,d events on 1 partition (%d copies of ml-latest-small), N = %d%n", total, copies, n);

            double raw = consumeAll(broker.bootstrapServers(), total);
            System.out.printf("raw Kafka consume:            %,10.0f events/s%n", raw);

            Configuration flink = new Configuration();
            flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
            flink.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(256));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, flink);
            JobConfig config = JobConfig.fromMap(Map.of("kafka.bootstrap-servers", broker.bootstrapServers(),
                    "source.bounded", "true", "source.starting-offsets", "earliest", "scoring.enabled", "false",
                    "sequence.max-length", String.valueOf(n), "checkpoint.interval", "10s",
                    "checkpoint.dir", "file:///tmp/seqrec/bench-checkpoints"));
            long start = System.nanoTime();
            SequenceJob.fromConfig(config).execute(env);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("job, parallelism 1, end to end: %,10.0f events/s (%.1f s, including start-up)%n",
                    total / seconds, seconds);
            System.out.printf("job / raw consume:             %10.2f%n", total / seconds / raw);
        }
    }

    private static double consumeAll(String bootstrap, long expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition("interactions", 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long start = System.nanoTime();
            long read = 0;
            while (read < expected) {
                read += consumer.poll(Duration.ofMillis(500)).count();
            }
            return read / ((System.nanoTime() - start) / 1e9);
        }
    }
}
