package org.seqrec.local;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.seqrec.avro.DeadLetter;
import org.seqrec.avro.Recommendation;
import org.seqrec.avro.ScoredItem;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.SequenceEntry;
import org.seqrec.avro.SequenceFeature;
import org.seqrec.cli.CommandLine;
import org.seqrec.job.JobConfig;
import org.seqrec.job.SequenceJob;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.schemas.DecodeException;

/**
 * The whole system on one machine: a real Kafka broker (child process), the job on a local Flink
 * MiniCluster with RocksDB state and the web UI, a replay of MovieLens with a candidate pool and
 * ranking requests, and a live view of what comes out (sequences, recommendations with movie titles,
 * dead letters). Runs until the replay is fully processed (or Ctrl-C), then shuts everything down.
 *
 * <p>Options: {@code --speed-up} (event-time compression, default 1e7), {@code --max-rate} (events/s,
 * default 3000), {@code --limit} (replay only the first N events), {@code --web-port} (default 8081),
 * {@code --bad-records} (malformed records injected to show the dead-letter path, default 5),
 * {@code --pool-size} (candidate pool: the most-rated movies, default 300), {@code --request-every-ms}
 * (a ranking request for the user who just acted, default every 200 ms), and any job option
 * ({@code --sequence.max-length 128}, {@code --scoring.model-path ...}, ...).
 */
public final class LocalRunner {

    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicLong features = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();
    private final AtomicLong answers = new AtomicLong();
    private final AtomicLong refreshes = new AtomicLong();

    static final ConfigOption<Double> SPEED_UP = Replay.SPEED_UP;
    static final ConfigOption<Double> MAX_RATE = Replay.MAX_RATE;
    static final ConfigOption<Integer> LIMIT = Replay.LIMIT;
    static final ConfigOption<String> DATA = Replay.DATA;
    static final ConfigOption<Integer> WEB_PORT = ConfigOptions.key("web-port").intType().defaultValue(8081)
            .withDescription("Port of Flink's web UI.");
    static final ConfigOption<Integer> BAD_RECORDS = ConfigOptions.key("bad-records").intType().defaultValue(5)
            .withDescription("Malformed records injected to show the dead-letter path.");
    static final ConfigOption<Integer> POOL_SIZE = ConfigOptions.key("pool-size").intType().defaultValue(300)
            .withDescription("Candidate pool: the most-rated movies.");
    static final ConfigOption<Long> REQUEST_EVERY_MS = ConfigOptions.key("request-every-ms").longType()
            .defaultValue(200L).withDescription("A ranking request for the user who just acted, this often.");
    static final List<ConfigOption<?>> OWN_OPTIONS = List.of(SPEED_UP, MAX_RATE, LIMIT, DATA, WEB_PORT, BAD_RECORDS,
            POOL_SIZE, REQUEST_EVERY_MS);

    public static void main(String[] args) throws Exception {
        List<ConfigOption<?>> options = new ArrayList<>(OWN_OPTIONS);
        options.addAll(JobConfig.OPTIONS);
        Map<String, String> all = CommandLine.of("LocalRunner", options).withOpenPrefix(JobConfig.KAFKA_CLIENT_PREFIX)
                .parseOrExit(List.of(), args);
        Map<String, String> own = new HashMap<>();
        Map<String, String> jobArgs = new HashMap<>();
        List<String> ownKeys = OWN_OPTIONS.stream().map(ConfigOption::key).toList();
        all.forEach((key, value) -> (ownKeys.contains(key) ? own : jobArgs).put(key, value));
        new LocalRunner().run(Configuration.fromMap(own), jobArgs);
    }

    private void run(Configuration own, Map<String, String> jobArgs) throws Exception {
        List<InteractionEvent> events = MovieLens.events(Path.of(own.get(DATA)));
        int limit = own.get(LIMIT);
        if (limit >= 0 && limit < events.size()) {
            events = events.subList(0, limit);
        }
        Map<String, String> titles = MovieLens.titles(Path.of(own.get(DATA)));

        say("Starting a Kafka broker (KRaft, child process) ...");
        KafkaBroker broker = KafkaBroker.start();
        say("Kafka broker at " + broker.bootstrapServers());
        CountDownLatch done = new CountDownLatch(1);
        JobClient[] job = new JobClient[1];
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            say("Shutting down: job, then broker ...");
            if (job[0] != null) {
                job[0].cancel().exceptionally(e -> null).join();
            }
            broker.close();
            done.countDown();
        }, "local-runner-stop"));

        // CPU unless asked otherwise: 'auto' with the GPU build spends seconds probing for CUDA on a machine without it.
        Map<String, String> settings = new HashMap<>(Map.of(
                "kafka.bootstrap-servers", broker.bootstrapServers(),
                "checkpoint.interval", "2s",
                "source.starting-offsets", "earliest",
                "scoring.device", "cpu"));
        settings.putAll(jobArgs);
        JobConfig config = JobConfig.fromMap(settings);
        broker.createTopics(2, config.get(JobConfig.INTERACTIONS_TOPIC), config.get(JobConfig.FEATURES_TOPIC),
                config.get(JobConfig.DEAD_LETTER_TOPIC), config.get(JobConfig.RANK_REQUESTS_TOPIC),
                config.get(JobConfig.CANDIDATES_TOPIC), config.get(JobConfig.RECOMMENDATIONS_TOPIC));

        Configuration flink = new Configuration();
        flink.set(RestOptions.PORT, own.get(WEB_PORT));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
        env.setParallelism(2);
        SequenceJob.fromConfig(config).build(env);
        job[0] = env.executeAsync("seqrec: local demo");
        say("Job " + job[0].getJobID() + " running; Flink web UI at http://localhost:" + own.get(WEB_PORT));

        Thread watcher = new Thread(() -> watch(config, titles), "output-watcher");
        watcher.setDaemon(true);
        watcher.start();

        int bad = own.get(BAD_RECORDS);
        injectBadRecords(config, bad);
        List<String> popular = MovieLens.mostInteracted(events, own.get(POOL_SIZE));
        DemoRequests requests = new DemoRequests(config, popular);
        requests.publishPool();
        say(String.format("Candidate pool: the %d most-rated movies; a ranking request every %s ms for the user"
                + " who just acted", popular.size(), own.get(REQUEST_EVERY_MS)));
        say(String.format("Replaying %,d MovieLens events (speed-up %s, at most %s events/s) plus %d malformed records",
                events.size(), own.get(SPEED_UP), own.get(MAX_RATE), bad));
        long started = System.nanoTime();
        try (ReplayProducer replay = new ReplayProducer(config.kafkaClientProperties(),
                config.get(JobConfig.INTERACTIONS_TOPIC), own.get(SPEED_UP), own.get(MAX_RATE))) {
            AtomicLong lastReport = new AtomicLong(System.nanoTime());
            AtomicLong lastRequest = new AtomicLong(System.nanoTime());
            long requestEveryNanos = own.get(REQUEST_EVERY_MS) * 1_000_000L;
            List<InteractionEvent> replayed = events;
            replay.replay(events, sent -> {
                long now = System.nanoTime();
                if (now - lastRequest.get() > requestEveryNanos) {
                    lastRequest.set(now);
                    requests.ask(replayed.get((int) sent - 1).getUserId());
                }
                if (now - lastReport.get() > 1_000_000_000L) {
                    lastReport.set(now);
                    double seconds = (now - started) / 1e9;
                    say(String.format("progress: %,d events in (%,.0f/s), %,d feature records, %,d recommendations"
                            + " (%,d answers, %,d pool refreshes), %d dead letters", sent, sent / seconds,
                            features.get(), answers.get() + refreshes.get(), answers.get(), refreshes.get(),
                            deadLetters.get()));
                }
                if (stopping.get()) {
                    throw new IllegalStateException("stopped");
                }
            });
        }
        requests.close();
        long expectedOut = events.size();
        while (!stopping.get()
                && (features.get() < expectedOut || deadLetters.get() < bad || answers.get() < requests.asked())) {
            Thread.sleep(500);
        }
        say(String.format("Done in %.0f s: %,d events replayed; committed: %,d feature records, %,d answers to %,d"
                + " ranking requests, %,d pool refreshes, %d dead letters.", (System.nanoTime() - started) / 1e9,
                events.size(), features.get(), answers.get(), requests.asked(), refreshes.get(), deadLetters.get()));
        System.exit(0);
    }

    /** Sends records that are not events to the interactions topic: the job must dead-letter each and go on. */
    private static void injectBadRecords(JobConfig config, int count) {
        Properties props = config.kafkaClientProperties();
        try (var producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(config.get(JobConfig.INTERACTIONS_TOPIC),
                        ("bad-" + i).getBytes(StandardCharsets.UTF_8),
                        ("not an event #" + i).getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    /** Follows the output topics (read_committed) and shows a sample of what the job writes. */
    private void watch(JobConfig config, Map<String, String> titles) {
        Properties props = config.kafkaClientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "local-runner-watch");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        AvroCodec<SequenceFeature> featureCodec = AvroCodec.of(SequenceFeature.class);
        AvroCodec<DeadLetter> deadLetterCodec = AvroCodec.of(DeadLetter.class);
        AvroCodec<Recommendation> recommendationCodec = AvroCodec.of(Recommendation.class);
        String featureTopic = config.get(JobConfig.FEATURES_TOPIC);
        String recommendationTopic = config.get(JobConfig.RECOMMENDATIONS_TOPIC);
        long lastShown = 0;
        long lastRecommendationShown = 0;
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(featureTopic, recommendationTopic, config.get(JobConfig.DEAD_LETTER_TOPIC)));
            while (!stopping.get()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        if (record.topic().equals(featureTopic)) {
                            features.incrementAndGet();
                            if (System.nanoTime() - lastShown > 3_000_000_000L) {
                                lastShown = System.nanoTime();
                                show(featureCodec.decode(record.value()), titles);
                            }
                        } else if (record.topic().equals(recommendationTopic)) {
                            Recommendation recommendation = recommendationCodec.decode(record.value());
                            (recommendation.getRequestId() != null ? answers : refreshes).incrementAndGet();
                            if (System.nanoTime() - lastRecommendationShown > 3_000_000_000L) {
                                lastRecommendationShown = System.nanoTime();
                                show(recommendation, titles);
                            }
                        } else {
                            deadLetters.incrementAndGet();
                            DeadLetter letter = deadLetterCodec.decode(record.value());
                            say("dead letter: " + letter.getErrorKind() + " at " + letter.getSourceTopic() + "/"
                                    + letter.getSourcePartition() + "@" + letter.getSourceOffset() + ": "
                                    + letter.getMessage());
                        }
                    } catch (DecodeException e) {
                        say("unreadable output record: " + e.getMessage());
                    }
                }
            }
        }
    }

    private static void show(SequenceFeature feature, Map<String, String> titles) {
        List<SequenceEntry> entries = feature.getEntries();
        String recent = entries.subList(Math.max(0, entries.size() - 4), entries.size()).stream()
                .map(e -> titles.getOrDefault(e.getItemId(), "movie " + e.getItemId()) + " [" + e.getAction() + "]")
                .collect(Collectors.joining(", "));
        say(String.format("user %s now has %d events; most recent: %s", feature.getUserId(), entries.size(), recent));
    }

    private static void show(Recommendation recommendation, Map<String, String> titles) {
        String why = recommendation.getRequestId() != null ? "answering request " + recommendation.getRequestId()
                : "pool refresh after event " + recommendation.getTriggerEventId();
        StringBuilder line = new StringBuilder(String.format("recommendations for user %s (%s, %s, %d events of"
                + " history):", recommendation.getUserId(), why, recommendation.getModelArchitecture(),
                recommendation.getHistoryLength()));
        int rank = 1;
        for (ScoredItem item : recommendation.getItems()) {
            line.append(String.format("%n           %d. %-55s score %.3f  P(like) %.3f  P(dislike) %.3f", rank++,
                    titles.getOrDefault(item.getItemId(), "movie " + item.getItemId()), item.getScore(),
                    item.getActionProbabilities().get("like"), item.getActionProbabilities().get("dislike")));
        }
        say(line.toString());
    }

    private static void say(String line) {
        System.out.println("[seqrec] " + line);
    }
}
