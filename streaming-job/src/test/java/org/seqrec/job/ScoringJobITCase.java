package org.seqrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.seqrec.avro.CandidatePoolUpdate;
import org.seqrec.avro.DeadLetter;
import org.seqrec.avro.ErrorKind;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.PoolOp;
import org.seqrec.avro.RankingRequest;
import org.seqrec.avro.Recommendation;
import org.seqrec.avro.ScoredItem;
import org.seqrec.job.ingest.Interaction;
import org.seqrec.job.scoring.CandidateScorer;
import org.seqrec.job.scoring.Device;
import org.seqrec.job.scoring.RankingModel;
import org.seqrec.job.sequence.PackedSequence;
import org.seqrec.local.MovieLens;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.testing.FlinkCluster;
import org.seqrec.testing.JobTopics;
import org.seqrec.testing.Topics;

/**
 * Real users' MovieLens events, ranking requests and a candidate pool through Kafka and the job
 * (MiniCluster, RocksDB, ONNX Runtime with the shipped AttnMVP model); the recommendations read back
 * under read_committed are checked against the same model evaluated directly on the histories used.
 */
class ScoringJobITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.withReporter(METRICS);

    private static final Path MODEL = Path.of("..", "model-export", "models", "attn_mvp.onnx");
    private static final int MAX_CANDIDATES = 30;

    @Test
    void shouldAnswerEveryRequestOnceAndRefreshEachUserOnceWithTheModelsOwnScores() throws Exception {
        JobTopics topics = JobTopics.create();
        Map<String, List<InteractionEvent>> byUser = new LinkedHashMap<>();
        for (InteractionEvent e : MovieLens.events(MovieLens.DEFAULT_DIR_FROM_MODULE)) {
            byUser.computeIfAbsent(e.getUserId(), u -> new ArrayList<>()).add(e);
        }
        List<String> users = byUser.entrySet().stream().filter(e -> e.getValue().size() <= 60).limit(6)
                .map(Map.Entry::getKey).toList();
        List<String> movies = new ArrayList<>(MovieLens.titles(MovieLens.DEFAULT_DIR_FROM_MODULE).keySet());
        movies.sort(null);
        Random random = new Random(11);
        Instant now = Instant.now();

        Map<String, String> settings = topics.settings();
        settings.putAll(Map.of("scoring.model-path", MODEL.toString(), "scoring.device", "cpu",
                "scoring.batch-size", "8", "scoring.max-candidates", String.valueOf(MAX_CANDIDATES),
                "pool.refresh-interval", "1 h", "pool.top-k", "3", "checkpoint.interval", "1s"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        SequenceJob.fromConfig(JobConfig.fromMap(settings)).build(env);
        JobClient job = env.executeAsync("scoring-itcase");

        AvroCodec<InteractionEvent> eventCodec = AvroCodec.of(InteractionEvent.class);
        AvroCodec<RankingRequest> requestCodec = AvroCodec.of(RankingRequest.class);
        Map<String, RankingRequest> sent = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = Topics.producer()) {
            Topics.send(producer, topics.pool(), null, AvroCodec.of(CandidatePoolUpdate.class).encode(
                    new CandidatePoolUpdate(PoolOp.ADD, movies.subList(0, 25), now)));
            producer.flush();
            // Interactions start once every subtask holds the pool, so each user's first one refreshes.
            awaitGauge("pool.size", 25, 2);
            for (String user : users) {
                for (InteractionEvent e : byUser.get(user)) {
                    Topics.send(producer, topics.interactions(), user, eventCodec.encode(e));
                }
            }
            List<String> askFor = new ArrayList<>(users);
            askFor.add("stranger");
            for (String user : askFor) {
                List<String> candidates = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    candidates.add(movies.get(random.nextInt(movies.size())));
                }
                candidates.add("999999");
                RankingRequest request = new RankingRequest("req-" + user, user, candidates, 5, now);
                sent.put(request.getRequestId(), request);
                Topics.send(producer, topics.requests(), user, requestCodec.encode(request));
            }
            Topics.send(producer, topics.requests(), "bad-empty", requestCodec.encode(
                    new RankingRequest("req-empty", "u", List.of(), 5, now)));
            List<String> tooMany = movies.subList(0, MAX_CANDIDATES + 1);
            Topics.send(producer, topics.requests(), "bad-oversized", requestCodec.encode(
                    new RankingRequest("req-oversized", "u", tooMany, 5, now)));
        }
        int expected = sent.size() + users.size();
        Topics.awaitCommitted(topics.recommendations(), expected);
        Topics.awaitCommitted(topics.deadLetters(), 2);
        Thread.sleep(3000);
        job.cancel().get();

        AvroCodec<Recommendation> codec = AvroCodec.of(Recommendation.class);
        List<Recommendation> out = Topics.readCommitted(topics.recommendations()).stream()
                .map(r -> Topics.decode(codec, r.value())).toList();
        Map<String, List<Recommendation>> answers = out.stream().filter(r -> r.getRequestId() != null)
                .collect(Collectors.groupingBy(Recommendation::getRequestId));
        List<Recommendation> refreshes = out.stream().filter(r -> r.getRequestId() == null).toList();

        assertThat(answers.keySet()).containsExactlyInAnyOrderElementsOf(sent.keySet());
        answers.values().forEach(list -> assertThat(list).as("answers per request").hasSize(1));
        assertThat(answers.get("req-stranger").get(0).getHistoryLength()).isZero();

        try (RankingModel model = RankingModel.load(MODEL, Device.CPU, 1, 256)) {
            CandidateScorer direct = new CandidateScorer(model);
            for (var entry : answers.entrySet()) {
                Recommendation answer = entry.getValue().get(0);
                RankingRequest request = sent.get(entry.getKey());
                assertThat(answer.getModelArchitecture()).isEqualTo("attn_mvp");
                assertThat(answer.getModelVersion()).isEqualTo(model.metadata().version());
                List<String> distinct = request.getCandidateItemIds().stream().distinct().toList();
                assertMatchesModel(direct, answer, history(byUser.getOrDefault(request.getUserId(), List.of()),
                        answer.getHistoryLength()), distinct, 5);
            }

            assertThat(refreshes).extracting(Recommendation::getUserId).containsExactlyInAnyOrderElementsOf(users);
            for (Recommendation refresh : refreshes) {
                List<InteractionEvent> events = byUser.get(refresh.getUserId());
                assertThat(refresh.getTriggerEventId()).isEqualTo(events.get(0).getEventId());
                assertThat(refresh.getHistoryLength()).isEqualTo(1);
                List<String> candidates = movies.subList(0, 25).stream()
                        .filter(m -> !m.equals(events.get(0).getItemId())).sorted().toList();
                assertMatchesModel(direct, refresh, history(events, 1), candidates, 3);
            }
        }

        AvroCodec<DeadLetter> deadLetters = AvroCodec.of(DeadLetter.class);
        Map<String, DeadLetter> letters = Topics.readCommitted(topics.deadLetters()).stream().collect(Collectors.toMap(
                r -> new String(r.key(), StandardCharsets.UTF_8), r -> Topics.decode(deadLetters, r.value())));
        assertThat(letters.get("bad-empty").getErrorKind()).isEqualTo(ErrorKind.MISSING_FIELD);
        assertThat(letters.get("bad-oversized").getErrorKind()).isEqualTo(ErrorKind.INVALID_FIELD);
        assertThat(letters.get("bad-oversized").getMessage()).contains("more than the 30 allowed");
        assertThat(FlinkCluster.counter(METRICS, job.getJobID(), "scoring.requests")).isEqualTo(out.size());
        assertThat(FlinkCluster.counter(METRICS, job.getJobID(), "scoring.batches")).isPositive();
    }

    /** Waits until {@code subtasks} instances of a gauge (e.g. {@code pool.size}) report {@code value}. */
    private static void awaitGauge(String name, int value, int subtasks) throws InterruptedException {
        String shortName = name.substring(name.lastIndexOf('.') + 1);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (METRICS.getMetricsByGroup().entrySet().stream()
                .filter(e -> e.getKey().getMetricIdentifier(shortName).endsWith("." + name))
                .map(e -> e.getValue().get(shortName))
                .filter(m -> m instanceof Gauge<?> g && Integer.valueOf(value).equals(g.getValue()))
                .count() < subtasks) {
            assertThat(System.nanoTime()).as("%s reaching %d", name, value).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** The top-k of the recommendation is the model's own ranking of the candidates on that history. */
    private static void assertMatchesModel(CandidateScorer direct, Recommendation actual, PackedSequence history,
            List<String> candidates, int k) throws Exception {
        String[] ids = candidates.toArray(String[]::new);
        CandidateScorer.Scores scores = direct.score(List.of(history), List.<String[]>of(ids)).get(0);
        int[] best = scores.topK(k);
        assertThat(actual.getItems()).extracting(ScoredItem::getItemId)
                .containsExactly(java.util.Arrays.stream(best).mapToObj(i -> ids[i]).toArray(String[]::new));
        for (int rank = 0; rank < best.length; rank++) {
            ScoredItem item = actual.getItems().get(rank);
            assertThat((double) item.getScore()).isCloseTo(scores.rankingScores()[best[rank]],
                    org.assertj.core.data.Offset.offset(1e-5));
            assertThat((double) item.getActionProbabilities().get("like")).isCloseTo(
                    scores.probability(best[rank], 2), org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    /** The first {@code length} events of the user, as the job held them when it scored. */
    private static PackedSequence history(List<InteractionEvent> events, int length) {
        PackedSequence sequence = PackedSequence.empty();
        for (InteractionEvent e : events.subList(0, length)) {
            sequence.add(new Interaction(e.getEventId(), e.getUserId(), e.getItemId(), e.getAction(),
                    e.getEventTime().toEpochMilli()), 256);
        }
        return sequence;
    }
}
