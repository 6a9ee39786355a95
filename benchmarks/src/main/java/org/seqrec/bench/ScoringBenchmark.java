package org.seqrec.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.seqrec.avro.CandidatePoolUpdate;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.PoolOp;
import org.seqrec.avro.RankingRequest;
import org.seqrec.avro.Recommendation;
import org.seqrec.cli.CommandLine;
import org.seqrec.job.JobConfig;
import org.seqrec.job.SequenceJob;
import org.seqrec.job.ingest.Interaction;
import org.seqrec.job.scoring.Device;
import org.seqrec.job.scoring.ModelMetadata;
import org.seqrec.job.scoring.RankingModel;
import org.seqrec.job.scoring.ScoringBatch;
import org.seqrec.job.sequence.PackedSequence;
import org.seqrec.local.KafkaBroker;
import org.seqrec.local.MovieLens;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.schemas.DecodeException;
import org.seqrec.testing.JobTopics;
import org.seqrec.testing.Topics;

/**
 * The whole system with scoring on, end to end: a real broker, the job on a local MiniCluster with
 * RocksDB state and exactly-once sinks, AttnMVP through ONNX Runtime, measured from the outside by a
 * read_committed reader of the output topics. In one run:
 *
 * <ol>
 *   <li><b>Ceiling</b>: bare ONNX Runtime on the very histories and candidate lists the job will score
 *       (the first {@code events} MovieLens interactions, each scored on the user's sequence after it),
 *       at batch sizes 1 to 128, in this process before the job starts.
 *   <li><b>Scoring on every event</b> ({@code pool.refresh-interval = 0}): the steady rate, by production time, of
 *       recommendations of a bounded run over those events, against the ceiling at the job's batch size.
 *   <li><b>Coalesced refreshes</b> (the default 10 s interval): all of ml-latest-small, events/s.
 *   <li><b>Rank requests</b>, C = 100, against sequences already in state: requests/s.
 *   <li><b>Latency vs load</b>: an unbounded job fed at 25 %, 50 % and 90 % of the every-event rate with
 *       event time = send time; latency = when a read_committed reader sees the recommendation minus the
 *       event time (so it includes waiting for the checkpoint that commits it: 1 s here).
 * </ol>
 *
 * <p>Results are printed and written to {@code docs/benchmark-data/scoring-*.csv}.
 *
 * <p>Run: {@code scripts/bench.sh scoring [--events E] [--seconds S] [--device cpu|cuda]}.
 */
public final class ScoringBenchmark {

    private static final Path MODEL = Path.of("model-export", "models", "attn_mvp.onnx");
    private static final Path DATA = Path.of("docs", "benchmark-data");
    private static final int N = 256;
    private static final int BATCH = 64;
    private static final int CANDIDATES = 100;
    private static final int POOL = 200;
    private static final int[] CEILING_BATCHES = {1, 8, 16, 32, 64, 128};
    private static final double[] LOADS = {0.25, 0.5, 0.9};
    private static final AvroCodec<Recommendation> RECOMMENDATIONS = AvroCodec.of(Recommendation.class);

    private final Device device;
    private final List<InteractionEvent> movieLens;
    private final List<String> pool;
    private final KafkaBroker broker;
    private final List<String> report = new ArrayList<>();

    private ScoringBenchmark(Device device, List<InteractionEvent> movieLens, KafkaBroker broker) {
        this.device = device;
        this.movieLens = movieLens;
        this.broker = broker;
        this.pool = MovieLens.mostInteracted(movieLens, POOL);
    }

    static final ConfigOption<Integer> EVENTS = ConfigOptions.key("events").intType().defaultValue(12_000)
            .withDescription("MovieLens events scored in the throughput runs.");
    static final ConfigOption<Integer> SECONDS = ConfigOptions.key("seconds").intType().defaultValue(30)
            .withDescription("Length of each load step of the latency run.");

    public static void main(String[] args) throws Exception {
        Configuration options = CommandLine.of("ScoringBenchmark", List.of(EVENTS, SECONDS, ModelCostBenchmark.DEVICE))
                .configurationOrExit(List.of(), args);
        int events = options.get(EVENTS);
        int seconds = options.get(SECONDS);
        Device device = options.get(ModelCostBenchmark.DEVICE);
        Files.createDirectories(DATA);
        try (KafkaBroker broker = KafkaBroker.start()) {
            ScoringBenchmark bench = new ScoringBenchmark(device, MovieLens.events(MovieLens.DEFAULT_DIR), broker);
            double ceiling = bench.ceiling(events);
            double everyEvent = bench.scoringOnEveryEvent(events, ceiling);
            bench.coalescedRefreshes();
            bench.rankRequests(5000, ceiling);
            bench.latencyVsLoad(everyEvent, seconds);
            System.out.println();
            System.out.println("Summary:");
            bench.report.forEach(System.out::println);
        }
    }

    /**
     * Bare ONNX Runtime users/s on the job's own inputs, per batch size, with and without the scorer's split
     * by shape; returns the better of the two at the job's batch size: the ceiling the job is held to.
     */
    private double ceiling(int events) throws Exception {
        ModelMetadata metadata;
        List<long[]> items = new ArrayList<>();
        List<long[]> actions = new ArrayList<>();
        List<long[]> candidates = new ArrayList<>();
        try (RankingModel model = RankingModel.load(MODEL, device, 1, N)) {
            metadata = model.metadata();
            Map<String, PackedSequence> sequences = new HashMap<>();
            for (InteractionEvent event : movieLens.subList(0, events)) {
                PackedSequence sequence = sequences.computeIfAbsent(event.getUserId(), u -> PackedSequence.empty());
                sequence.add(new Interaction(event.getEventId(), event.getUserId(), event.getItemId(),
                        event.getAction(), event.getEventTime().toEpochMilli()), N);
                int n = Math.min(sequence.size(), metadata.maxHistory());
                long[] itemRow = new long[n];
                long[] actionRow = new long[n];
                Set<String> seen = new HashSet<>();
                for (int j = 0; j < n; j++) {
                    int at = sequence.size() - n + j;
                    itemRow[j] = metadata.itemIndex(sequence.itemId(at));
                    actionRow[j] = metadata.actionIndex(sequence.action(at));
                }
                for (int j = 0; j < sequence.size(); j++) {
                    seen.add(sequence.itemId(j));
                }
                items.add(itemRow);
                actions.add(actionRow);
                candidates.add(pool.stream().filter(i -> !seen.contains(i)).limit(CANDIDATES)
                        .mapToLong(metadata::itemIndex).toArray());
            }
            double meanHistory = items.stream().mapToInt(r -> r.length).average().orElse(0);
            log(String.format("Ceiling: bare ONNX Runtime (%s, 1 intra-op thread) on the job's %,d inputs"
                    + " (mean history %.0f, C = %d):", model.device(), events, meanHistory, CANDIDATES));
            List<String> csv = new ArrayList<>(List.of("batch_size,split_by_shape,users_per_s,scorings_per_s"));
            double atJobBatch = 0;
            for (boolean split : new boolean[] {false, true}) {
                for (int b : CEILING_BATCHES) {
                    double usersPerSecond = usersPerSecond(model, metadata, items, actions, candidates, b, split);
                    log(String.format("  B = %3d%s: %,8.1f users/s (%,.0f scorings/s)", b,
                            split ? ", split by shape" : "", usersPerSecond, usersPerSecond * CANDIDATES));
                    csv.add(String.format(Locale.ROOT, "%d,%b,%.2f,%.0f", b, split, usersPerSecond,
                            usersPerSecond * CANDIDATES));
                    if (b == BATCH) {
                        atJobBatch = Math.max(atJobBatch, usersPerSecond);
                    }
                }
            }
            Files.write(DATA.resolve("scoring-ceiling.csv"), csv);
            return atJobBatch;
        }
    }

    /**
     * Scores random batches of the inputs (early short histories and later long ones mixed, as a busy
     * job's batches mix users) for at least 5 s after a warm-up, tensors built beforehand: ONNX Runtime
     * alone. With {@code split}, each batch is first split by shape as the job's scorer does
     * ({@link ScoringBatch#bucketed}).
     */
    private static double usersPerSecond(RankingModel model, ModelMetadata metadata, List<long[]> items,
            List<long[]> actions, List<long[]> candidates, int b, boolean split) throws Exception {
        Random random = new Random(b);
        List<List<ScoringBatch>> batches = new ArrayList<>();
        for (int k = 0; k < 64; k++) {
            long[][] i = new long[b][];
            long[][] a = new long[b][];
            long[][] c = new long[b][];
            for (int row = 0; row < b; row++) {
                int at = random.nextInt(items.size());
                i[row] = items.get(at);
                a[row] = actions.get(at);
                c[row] = candidates.get(at);
            }
            batches.add(split
                    ? ScoringBatch.bucketed(i, a, c, metadata.paddingItem()).stream().map(ScoringBatch.Part::batch).toList()
                    : List.of(ScoringBatch.of(i, a, c, metadata.paddingItem())));
        }
        for (ScoringBatch part : batches.get(0)) {
            model.score(part);
        }
        long start = System.nanoTime();
        long users = 0;
        for (int k = 0; System.nanoTime() - start < 5_000_000_000L || k < 3; k++) {
            for (ScoringBatch part : batches.get(k % batches.size())) {
                model.score(part);
                users += part.size();
            }
        }
        return users / ((System.nanoTime() - start) / 1e9);
    }

    private double scoringOnEveryEvent(int events, double ceiling) throws Exception {
        JobTopics topics = JobTopics.create(broker, 1);
        publishPool(topics);
        preload(topics, movieLens.subList(0, events));
        double rate;
        try (CommittedReader out = new CommittedReader(broker.bootstrapServers(), topics.recommendations(),
                ScoringBenchmark::times); ThreadCpu scorer = new ThreadCpu("batch-scorer")) {
            long start = System.nanoTime();
            run(topics, true, "0ms");
            double seconds = (System.nanoTime() - start) / 1e9;
            out.await(events, Duration.ofSeconds(30));
            rate = out.producedRate(0.1, 0.9);
            double cpuPerRecommendation = scorer.seconds() / out.count();
            log(String.format("Scoring on every event (pool.refresh-interval = 0, C = %d, B = %d): %,d events,"
                    + " %,d recommendations; steady %,.1f recommendations/s = events/s (by production time;"
                    + " whole run %,.1f/s, %.0f s with start-up); ÷ ceiling at B = %d: %.2f", CANDIDATES, BATCH, events,
                    out.count(), rate, out.count() / seconds, seconds, BATCH, rate / ceiling));
            log(String.format("  the scorer task's thread (scoring, encoding, the recommendation sink's writer): %.2f ms"
                    + " CPU per recommendation against %.2f ms per user for bare ONNX Runtime; at the steady rate it"
                    + " had %.2f of a core", cpuPerRecommendation * 1e3, 1e3 / ceiling, rate * cpuPerRecommendation));
        }
        Files.write(DATA.resolve("scoring-throughput.csv"), List.of("workload,per_s,ceiling_users_per_s,ratio",
                String.format(Locale.ROOT, "every-event,%.2f,%.2f,%.3f", rate, ceiling, rate / ceiling)));
        return rate;
    }

    private void coalescedRefreshes() throws Exception {
        JobTopics topics = JobTopics.create(broker, 1);
        publishPool(topics);
        preload(topics, movieLens);
        try (CommittedReader features = new CommittedReader(broker.bootstrapServers(), topics.features(), null);
                CommittedReader out = new CommittedReader(broker.bootstrapServers(), topics.recommendations(), null)) {
            long start = System.nanoTime();
            run(topics, true, "10s");
            double seconds = (System.nanoTime() - start) / 1e9;
            features.await(movieLens.size(), Duration.ofSeconds(30));
            double rate = features.arrivalRate(0.1, 0.9);
            log(String.format("Coalesced refreshes (10 s per user): %,d events, %,d recommendations; steady"
                    + " %,.0f events/s (committed features by arrival; whole run %,.0f/s, %.0f s with start-up)", movieLens.size(), out.count(), rate,
                    movieLens.size() / seconds, seconds));
            appendCsv("scoring-throughput.csv", String.format(Locale.ROOT, "coalesced-events,%.2f,,", rate));
        }
    }

    /** Requests for MovieLens users, all of whose interactions are in state before the first request. */
    private void rankRequests(int count, double ceiling) throws Exception {
        JobTopics topics = JobTopics.create(broker, 1);
        preload(topics, movieLens);
        try (KafkaProducer<byte[], byte[]> producer = Topics.producer(broker);
                CommittedReader features = new CommittedReader(broker.bootstrapServers(), topics.features(), null);
                CommittedReader out = new CommittedReader(broker.bootstrapServers(), topics.recommendations(),
                        ScoringBenchmark::times)) {
            JobClient job = start(topics, false, "10s");
            try {
                answerRequests(topics, count, ceiling, producer, features, out);
            } finally {
                job.cancel().get();
            }
        }
    }

    private void answerRequests(JobTopics topics, int count, double ceiling, KafkaProducer<byte[], byte[]> producer,
            CommittedReader features, CommittedReader out) throws Exception {
        if (!features.await(movieLens.size(), Duration.ofMinutes(5))) {
            throw new IllegalStateException("the job did not take in the interactions within 5 min");
        }
        List<String> users = movieLens.stream().map(InteractionEvent::getUserId).distinct().toList();
        Random random = new Random(11);
        AvroCodec<RankingRequest> codec = AvroCodec.of(RankingRequest.class);
        for (int r = 0; r < count; r++) {
            List<String> candidates = new ArrayList<>(pool);
            Collections.shuffle(candidates, random);
            String user = users.get(random.nextInt(users.size()));
            Topics.send(producer, topics.requests(), user, codec.encode(new RankingRequest("bench-" + r, user,
                    candidates.subList(0, CANDIDATES), 10, Instant.now())));
        }
        producer.flush();
        out.await(count, Duration.ofMinutes(10));
        double rate = out.producedRate(0.1, 0.9);
        log(String.format("Rank requests (C = %d, k = 10, histories in state): %,d requests; steady"
                + " %,.1f requests/s; ÷ ceiling at B = %d: %.2f", CANDIDATES, count, rate, BATCH, rate / ceiling));
        appendCsv("scoring-throughput.csv",
                String.format(Locale.ROOT, "rank-requests,%.2f,%.2f,%.3f", rate, ceiling, rate / ceiling));
    }

    /**
     * One unbounded job, fed at each load in turn with MovieLens interactions restamped to the send time;
     * the first 5 s of each level warm it up and are not counted.
     */
    private void latencyVsLoad(double max, int seconds) throws Exception {
        JobTopics topics = JobTopics.create(broker, 1);
        publishPool(topics);
        List<String> csv = new ArrayList<>(List.of("load_fraction,offered_per_s,achieved_per_s,p50_ms,p99_ms,p999_ms"));
        try (KafkaProducer<byte[], byte[]> producer = Topics.producer(broker);
                CommittedReader out = new CommittedReader(broker.bootstrapServers(), topics.recommendations(),
                        ScoringBenchmark::times)) {
            JobClient job = start(topics, false, "0ms");
            try {
                csv.addAll(levels(topics, max, seconds, producer, out));
            } finally {
                job.cancel().get();
            }
        }
        Files.write(DATA.resolve("scoring-latency.csv"), csv);
    }

    private List<String> levels(JobTopics topics, double max, int seconds, KafkaProducer<byte[], byte[]> producer,
            CommittedReader out) throws Exception {
        List<String> csv = new ArrayList<>();
        AvroCodec<InteractionEvent> codec = AvroCodec.of(InteractionEvent.class);
        int next = 0;
        // Warm-up: the job starts, loads the model and runs its first batches before any level counts.
        for (; next < 500; next++) {
            Topics.send(producer, topics.interactions(), movieLens.get(next).getUserId(), codec.encode(restamped(next)));
        }
        producer.flush();
        if (!out.await(next, Duration.ofMinutes(2))) {
            throw new IllegalStateException("no recommendations for the warm-up events within 2 min");
        }
        for (double load : LOADS) {
            double rate = load * max;
            long levelStart = System.currentTimeMillis();
            Pacer pacer = new Pacer(rate);
            while (pacer.elapsedSeconds() < seconds) {
                pacer.awaitNext();
                InteractionEvent event = restamped(next++);
                Topics.send(producer, topics.interactions(), event.getUserId(), codec.encode(event));
            }
            producer.flush();
            long levelEnd = System.currentTimeMillis();
            // Every interaction is new and the pool is never exhausted, so each one gets a recommendation.
            if (!out.await(next, Duration.ofMinutes(3))) {
                log(String.format("At %.0f %% load the job fell more than 3 min behind; higher loads not run",
                        load * 100));
                break;
            }
            long[] latencies = out.arrivals().stream()
                    .filter(a -> a.eventTime() >= levelStart + 5000 && a.eventTime() < levelEnd)
                    .mapToLong(a -> a.readMillis() - a.eventTime()).sorted().toArray();
            double achieved = latencies.length / ((levelEnd - levelStart - 5000) / 1000.0);
            log(String.format("Latency at %.0f %% load (%,.1f events/s offered, %,.1f recommendations/s"
                    + " committed): p50 %,d ms, p99 %,d ms, p99.9 %,d ms (%,d recommendations)", load * 100, rate,
                    achieved, pct(latencies, 0.5), pct(latencies, 0.99), pct(latencies, 0.999), latencies.length));
            csv.add(String.format(Locale.ROOT, "%.2f,%.2f,%.2f,%d,%d,%d", load, rate, achieved,
                    pct(latencies, 0.5), pct(latencies, 0.99), pct(latencies, 0.999)));
        }
        return csv;
    }

    /** The i-th MovieLens interaction (cycling), with a fresh event id and the current time as event time. */
    private InteractionEvent restamped(int i) {
        InteractionEvent base = movieLens.get(i % movieLens.size());
        return InteractionEvent.newBuilder(base).setEventId(base.getEventId() + "#" + i)
                .setEventTime(Instant.ofEpochMilli(System.currentTimeMillis())).build();
    }

    private static CommittedReader.Times times(byte[] recommendation) {
        try {
            Recommendation r = RECOMMENDATIONS.decode(recommendation);
            return new CommittedReader.Times(r.getEventTime().toEpochMilli(), r.getProducedTime().toEpochMilli());
        } catch (DecodeException e) {
            throw new IllegalStateException("the job wrote an undecodable recommendation", e);
        }
    }

    private void log(String line) {
        System.out.println(line);
        report.add(line);
    }

    private static long pct(long[] sorted, double q) {
        return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private void run(JobTopics topics, boolean bounded, String refreshInterval) throws Exception {
        StreamExecutionEnvironment env = environment();
        SequenceJob.fromConfig(config(topics, bounded, refreshInterval)).execute(env);
    }

    private JobClient start(JobTopics topics, boolean bounded, String refreshInterval) throws Exception {
        StreamExecutionEnvironment env = environment();
        SequenceJob.fromConfig(config(topics, bounded, refreshInterval)).build(env);
        return env.executeAsync("seqrec-bench");
    }

    private static StreamExecutionEnvironment environment() {
        Configuration flink = new Configuration();
        flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        flink.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(256));
        return StreamExecutionEnvironment.createLocalEnvironment(1, flink);
    }

    private JobConfig config(JobTopics topics, boolean bounded, String refreshInterval) {
        Map<String, String> settings = new HashMap<>(topics.settings());
        settings.putAll(Map.of("source.bounded", String.valueOf(bounded),
                "scoring.model-path", MODEL.toString(), "scoring.device", device.name().toLowerCase(Locale.ROOT),
                "scoring.max-candidates", String.valueOf(CANDIDATES), "pool.refresh-interval", refreshInterval,
                "checkpoint.interval", "1s", "checkpoint.dir", "file:///tmp/seqrec/bench-checkpoints",
                "kafka.group-id", "bench-" + topics.interactions()));
        return JobConfig.fromMap(settings);
    }

    private void publishPool(JobTopics topics) {
        try (KafkaProducer<byte[], byte[]> producer = Topics.producer(broker)) {
            Topics.send(producer, topics.pool(), null, AvroCodec.of(CandidatePoolUpdate.class)
                    .encode(new CandidatePoolUpdate(PoolOp.ADD, pool, Instant.now())));
        }
    }

    /** Writes the events to the interactions topic before the job starts. */
    private void preload(JobTopics topics, List<InteractionEvent> events) {
        AvroCodec<InteractionEvent> codec = AvroCodec.of(InteractionEvent.class);
        try (KafkaProducer<byte[], byte[]> producer = Topics.producer(broker)) {
            for (InteractionEvent event : events) {
                Topics.send(producer, topics.interactions(), event.getUserId(), codec.encode(event));
            }
        }
    }

    private static void appendCsv(String file, String line) throws IOException {
        Files.writeString(DATA.resolve(file), line + "\n", StandardOpenOption.APPEND);
    }
}
