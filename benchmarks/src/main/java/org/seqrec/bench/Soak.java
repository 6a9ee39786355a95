package org.seqrec.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.TimeUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.seqrec.avro.CandidatePoolUpdate;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.PoolOp;
import org.seqrec.cli.CommandLine;
import org.seqrec.job.JobConfig;
import org.seqrec.job.SequenceJob;
import org.seqrec.local.KafkaBroker;
import org.seqrec.local.MovieLens;
import org.seqrec.schemas.AvroCodec;

/**
 * The soak run: the job as deployed by default (scoring on, pool refreshes coalesced per user, RocksDB,
 * exactly-once), fed at a fixed rate for a fixed time with MovieLens interactions restamped to the send
 * time. Users are renamed on every pass over the data set, so new users keep arriving and old ones fall
 * quiet and expire by the (shortened) state TTL: the state must level off at what N and the TTL allow.
 * Every 30 s it records the latest checkpoint's full and incremental size and duration (Flink's REST API),
 * the heap's low point in the window (sampled every second), the process RSS (job, RocksDB and ONNX
 * Runtime live in this process; the broker is its own), and the consumer lag of the interactions topic.
 *
 * <p>Run: {@code scripts/bench.sh soak [--minutes 30] [--rate 2000] [--ttl 3min]}; the rows go to
 * {@code docs/benchmark-data/soak.csv}.
 */
public final class Soak {

    private static final int REST_PORT = 18081;
    private static final String GROUP = "seqrec-soak";

    static final ConfigOption<Integer> MINUTES = ConfigOptions.key("minutes").intType().defaultValue(30);
    static final ConfigOption<Double> RATE = ConfigOptions.key("rate").doubleType().defaultValue(2000.0)
            .withDescription("Events per second.");
    static final ConfigOption<Duration> TTL = ConfigOptions.key("ttl").durationType().defaultValue(Duration.ofMinutes(3))
            .withDescription("sequence.ttl of the job under soak.");

    public static void main(String[] args) throws Exception {
        Configuration options = CommandLine.of("Soak", List.of(MINUTES, RATE, TTL)).configurationOrExit(List.of(), args);
        int minutes = options.get(MINUTES);
        double rate = options.get(RATE);
        String ttl = TimeUtils.formatWithHighestUnit(options.get(TTL));
        List<InteractionEvent> movieLens = MovieLens.events(MovieLens.DEFAULT_DIR);
        List<String> pool = MovieLens.mostInteracted(movieLens, 200);

        try (KafkaBroker broker = KafkaBroker.start(); Admin admin = broker.admin()) {
            // Time-based retention, so half an hour of feature records does not fill the disk.
            Map<String, String> retention = Map.of("retention.ms", "120000", "segment.ms", "30000");
            admin.createTopics(List.of("interactions", "rank-requests", "candidate-pool", "sequence-features",
                    "recommendations", "dead-letters").stream()
                    .map(t -> new NewTopic(t, 1, (short) 1).configs(retention)).toList()).all().get();
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>("candidate-pool", null, AvroCodec.of(CandidatePoolUpdate.class)
                        .encode(new CandidatePoolUpdate(PoolOp.ADD, pool, Instant.now()))));

                Configuration flink = new Configuration();
                flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
                flink.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(256));
                flink.set(RestOptions.PORT, REST_PORT);
                StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, flink);
                SequenceJob.fromConfig(JobConfig.fromMap(Map.of("kafka.bootstrap-servers", broker.bootstrapServers(),
                        "kafka.group-id", GROUP, "source.starting-offsets", "earliest",
                        "sequence.ttl", ttl, "checkpoint.interval", "10s",
                        "checkpoint.dir", "file:///tmp/seqrec/soak-checkpoints"))).build(env);
                JobClient job = env.executeAsync("seqrec-soak");
                try {
                    List<String> rows = run(job, producer, admin, movieLens, rate, minutes);
                    Files.createDirectories(Path.of("docs", "benchmark-data"));
                    Files.write(Path.of("docs", "benchmark-data", "soak.csv"), rows);
                } finally {
                    job.cancel().get();
                }
            }
        }
    }

    private static List<String> run(JobClient job, KafkaProducer<byte[], byte[]> producer, Admin admin,
            List<InteractionEvent> movieLens, double rate, int minutes) throws Exception {
        AvroCodec<InteractionEvent> codec = AvroCodec.of(InteractionEvent.class);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        List<String> rows = new ArrayList<>(List.of("minute,events_sent,lag_events,checkpoint_id,state_size_bytes,"
                + "checkpointed_size_bytes,checkpoint_duration_ms,failed_checkpoints,heap_low_mb,rss_mb"));
        System.out.printf("soak: %d min at %,.0f events/s%n%s%n", minutes, rate, rows.get(0));
        Pacer pacer = new Pacer(rate);
        long start = System.nanoTime();
        long nextSample = start + 30_000_000_000L;
        long nextHeapRead = start;
        long heapLow = Long.MAX_VALUE;
        while (pacer.elapsedSeconds() < minutes * 60) {
            pacer.awaitNext();
            long sent = pacer.sent() - 1;
            int pass = (int) (sent / movieLens.size());
            InteractionEvent base = movieLens.get((int) (sent % movieLens.size()));
            InteractionEvent event = InteractionEvent.newBuilder(base)
                    .setEventId(base.getEventId() + "#" + pass).setUserId(base.getUserId() + "~" + pass)
                    .setEventTime(Instant.now()).build();
            producer.send(new ProducerRecord<>("interactions",
                    event.getUserId().getBytes(StandardCharsets.UTF_8), codec.encode(event)));
            long now = System.nanoTime();
            if (now >= nextHeapRead) {
                heapLow = Math.min(heapLow, memory.getHeapMemoryUsage().getUsed());
                nextHeapRead = now + 1_000_000_000L;
            }
            if (now >= nextSample) {
                JsonNode checkpoints = json.readTree(http.send(HttpRequest.newBuilder(URI.create(
                        "http://localhost:" + REST_PORT + "/jobs/" + job.getJobID() + "/checkpoints")).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                JsonNode latest = checkpoints.path("latest").path("completed");
                String row = String.format(Locale.ROOT, "%.1f,%d,%d,%d,%d,%d,%d,%d,%d,%d",
                        (now - start) / 60e9, pacer.sent(), lag(admin), latest.path("id").asLong(-1),
                        latest.path("state_size").asLong(-1), latest.path("checkpointed_size").asLong(-1),
                        latest.path("end_to_end_duration").asLong(-1), checkpoints.path("counts").path("failed").asLong(),
                        heapLow >> 20, rssMegabytes());
                rows.add(row);
                System.out.println(row);
                heapLow = Long.MAX_VALUE;
                nextSample += 30_000_000_000L;
            }
        }
        return rows;
    }

    /** Interactions written but not yet covered by the job's committed source offsets. */
    private static long lag(Admin admin) throws Exception {
        TopicPartition partition = new TopicPartition("interactions", 0);
        long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all().get().get(partition).offset();
        var committed = admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get().get(partition);
        return end - (committed == null ? 0 : committed.offset());
    }

    private static long rssMegabytes() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }
}
