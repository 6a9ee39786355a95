package org.seqrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.RankingRequest;
import org.seqrec.avro.Recommendation;
import org.seqrec.avro.SequenceFeature;
import org.seqrec.local.KafkaBroker;
import org.seqrec.local.MovieLens;
import org.seqrec.local.ReplayProducer;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.testing.FlinkCluster;
import org.seqrec.testing.JobTopics;
import org.seqrec.testing.LogCapture;
import org.seqrec.testing.Topics;

/**
 * The Kafka broker goes away in the middle of a run, once the job commits in its stride, and comes back on
 * the same data and ports: the job recovers by itself and nothing is duplicated. After an outage shorter
 * than the transaction timeout every event still has exactly one feature record and every request one
 * answer. After one longer than the timeout the broker aborts, as expired, the transactions that were open
 * when it went away; if the checkpoint that holds one completes once the broker is back, its commit fails
 * and its records are lost, which the sink's committer reports (docs/guarantees.md, "Commits the broker
 * aborted"). The brokers are the test's own, so the shared one stays up for the other tests.
 */
class BrokerOutageITCase {

    private static final int EVENTS = 20_000;
    private static final int STOP_AFTER_FEATURES = 3_000;
    private static final String COMMIT_FAILED = "Unable to commit transaction";
    private static final Duration SETTLED = Duration.ofSeconds(20);

    @Test
    void shouldRecoverFromABrokerOutageWithoutLossOrDuplicates(@TempDir Path dir) throws Exception {
        Outcome outcome = runThroughOutage(dir, Map.of(), Duration.ofSeconds(30), Map.of());
        assertThat(outcome.features).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(outcome.eventIds);
        assertThat(outcome.answers).doesNotHaveDuplicates().hasSize(EVENTS / 1000);
    }

    /**
     * The broker looks for expired transactions every 10 s by default; here every 0.5 s, so that it aborts
     * them as soon as it is back, before the job's first checkpoint after the outage can commit them: the
     * worst case for the job.
     */
    @Test
    void shouldRecoverFromAnOutageLongerThanTheTransactionTimeoutLosingOnlyWhatItReports(@TempDir Path dir)
            throws Exception {
        Outcome outcome = runThroughOutage(dir,
                Map.of("transaction.abort.timed.out.transaction.cleanup.interval.ms", "500"), Duration.ofSeconds(20),
                Map.of("sink.transaction-timeout", "8s", "checkpoint.tolerable-failures", "3"));
        assertThat(outcome.features).doesNotHaveDuplicates().isSubsetOf(outcome.eventIds);
        assertThat(outcome.answers).doesNotHaveDuplicates();
        Set<String> delivered = new HashSet<>(outcome.features);
        List<Integer> lost = IntStream.range(0, EVENTS).filter(i -> !delivered.contains(outcome.eventIds.get(i)))
                .boxed().toList();
        assertThat(lost).as("only input read before the outage can be lost; all sent after it began is delivered")
                .allMatch(i -> i < outcome.sentBeforeOutage);
        if (!outcome.log.contains(COMMIT_FAILED)) {
            assertThat(lost).as("no commit failed, so nothing is lost").isEmpty();
            assertThat(outcome.answers).hasSize(EVENTS / 1000);
        }
        if (!lost.isEmpty() || outcome.answers.size() < EVENTS / 1000) {
            assertThat(outcome.log).as("%d events without a feature record: the loss is reported", lost.size())
                    .contains(COMMIT_FAILED);
        }
    }

    /**
     * What a read_committed consumer finds after the run: feature records by trigger event id, answers by
     * request id; and how many events had been handed to the producer when the broker stopped.
     */
    private record Outcome(List<String> eventIds, List<String> features, List<String> answers, long sentBeforeOutage,
            String log) {}

    private static Outcome runThroughOutage(Path dir, Map<String, String> brokerSettings, Duration outage,
            Map<String, String> jobSettings) throws Exception {
        List<InteractionEvent> events = MovieLens.events(MovieLens.DEFAULT_DIR_FROM_MODULE).subList(0, EVENTS);
        try (KafkaBroker broker = KafkaBroker.start(brokerSettings); MiniCluster cluster = FlinkCluster.standalone(1, 2);
                LogCapture log = new LogCapture()) {
            JobTopics topics = JobTopics.create(broker);
            Map<String, String> settings = topics.settings();
            settings.putAll(Map.of("scoring.model-path",
                    Path.of("..", "model-export", "models", "attn_mvp.onnx").toString(), "scoring.device", "cpu",
                    "checkpoint.interval", "1s", "checkpoint.dir", dir.toUri().toString()));
            settings.putAll(jobSettings);
            JobConfig config = JobConfig.fromMap(settings);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            SequenceJob.fromConfig(config).build(env);
            JobID job = cluster.submitJob(env.getStreamGraph().getJobGraph()).get().getJobID();

            AtomicLong sent = new AtomicLong();
            AtomicReference<Exception> replayFailure = new AtomicReference<>();
            Thread replay = new Thread(() -> {
                AvroCodec<RankingRequest> requests = AvroCodec.of(RankingRequest.class);
                try (ReplayProducer producer = new ReplayProducer(config.kafkaClientProperties(),
                        topics.interactions(), 1e12, 1000);
                        KafkaProducer<byte[], byte[]> requestProducer = Topics.producer(broker)) {
                    producer.replay(events, count -> {
                        sent.set(count);
                        if (count % 1000 == 0) {
                            String user = events.get((int) count - 1).getUserId();
                            Topics.send(requestProducer, topics.requests(), user, requests.encode(new RankingRequest(
                                    "req-" + count, user, List.of("1", "318"), 1, Instant.now())));
                        }
                    });
                } catch (Exception e) {
                    replayFailure.set(e);
                }
            }, "replay");
            replay.start();
            // Once the job commits in its stride, transactions with records in them are open on the broker.
            Topics.awaitCommitted(broker, topics.features(), STOP_AFTER_FEATURES);
            broker.stop();
            long sentBeforeOutage = sent.get();
            Thread.sleep(outage.toMillis());
            broker.restart();
            replay.join();
            assertThat(replayFailure.get()).as("the producers ride out the outage").isNull();

            AvroCodec<SequenceFeature> features = AvroCodec.of(SequenceFeature.class);
            AvroCodec<Recommendation> recommendations = AvroCodec.of(Recommendation.class);
            Callable<List<String>> triggers = () -> Topics.readCommitted(broker, topics.features()).stream()
                    .map(r -> Topics.decode(features, r.value()).getTriggerEventId()).toList();
            Callable<List<String>> answers = () -> Topics.readCommitted(broker, topics.recommendations()).stream()
                    .map(r -> Topics.decode(recommendations, r.value()).getRequestId()).toList();
            awaitSettled(() -> triggers.call().size() + answers.call().size(), EVENTS + EVENTS / 1000);
            cluster.cancelJob(job).get();
            return new Outcome(events.stream().map(InteractionEvent::getEventId).toList(), triggers.call(),
                    answers.call(), sentBeforeOutage, log.text());
        }
    }

    /**
     * Waits until the committed outputs reach the expected count, or, where a commit was lost, stop growing
     * for {@link #SETTLED} (checkpoints complete every second, so a running job commits well within it).
     */
    private static void awaitSettled(Callable<Integer> committed, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        int last = -1;
        long unchangedSince = System.nanoTime();
        while (true) {
            int count = committed.call();
            if (count >= expected) {
                return;
            }
            if (count != last) {
                last = count;
                unchangedSince = System.nanoTime();
            } else if (System.nanoTime() - unchangedSince > SETTLED.toNanos() || System.nanoTime() > deadline) {
                return;
            }
            Thread.sleep(1000);
        }
    }
}
