package org.seqrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.RankingRequest;
import org.seqrec.avro.Recommendation;
import org.seqrec.local.MovieLens;
import org.seqrec.local.ReplayProducer;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.testing.FeatureLog;
import org.seqrec.testing.FlinkCluster;
import org.seqrec.testing.JobTopics;
import org.seqrec.testing.Topics;

/**
 * Exactly-once under failure: the whole MovieLens stream with ranking requests mixed in, while a
 * TaskManager is killed five times at random moments (each loss forces a restore of every task from
 * the last checkpoint, with the killed producers' transactions left open on the broker). Under
 * read_committed every event has exactly one feature record, every request exactly one answer, and
 * every user's final sequence is what a failure-free run computes.
 */
class RecoveryITCase {

    static final Path MODEL = Path.of("..", "model-export", "models", "attn_mvp.onnx");
    private static final int N = 64;
    private static final int FAILURES = 5;

    @Test
    void shouldLoseAndDuplicateNothingAcrossTaskManagerLosses(@TempDir Path checkpoints) throws Exception {
        JobTopics topics = JobTopics.create();
        Map<String, String> settings = topics.settings();
        settings.putAll(Map.of("scoring.model-path", MODEL.toString(), "scoring.device", "cpu",
                "sequence.max-length", String.valueOf(N), "checkpoint.interval", "1s",
                "checkpoint.dir", checkpoints.toUri().toString()));
        JobConfig config = JobConfig.fromMap(settings);

        try (MiniCluster cluster = FlinkCluster.standalone(2, 1)) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            SequenceJob.fromConfig(config).build(env);
            JobID job = cluster.submitJob(env.getStreamGraph().getJobGraph()).get().getJobID();

            List<InteractionEvent> events = MovieLens.events(MovieLens.DEFAULT_DIR_FROM_MODULE);
            Random random = new Random(2026);
            AtomicInteger failures = new AtomicInteger();
            Thread chaos = new Thread(() -> {
                try {
                    while (failures.get() < FAILURES) {
                        Thread.sleep(2000 + random.nextInt(3000));
                        cluster.terminateTaskManager(0).get();
                        cluster.startTaskManager();
                        failures.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "chaos");

            Map<String, RankingRequest> sentRequests = new HashMap<>();
            AvroCodec<RankingRequest> requestCodec = AvroCodec.of(RankingRequest.class);
            try (ReplayProducer replay = new ReplayProducer(config.kafkaClientProperties(), topics.interactions(), 1e12, 4000);
                    KafkaProducer<byte[], byte[]> producer = Topics.producer()) {
                chaos.start();
                replay.replay(events, sent -> {
                    if (sent % 300 == 0) {
                        InteractionEvent last = events.get((int) sent - 1);
                        RankingRequest request = new RankingRequest("req-" + sent, last.getUserId(),
                                List.of("1", "2", "3", "318", "999999"), 3, Instant.now());
                        sentRequests.put(request.getRequestId(), request);
                        Topics.send(producer, topics.requests(), last.getUserId(), requestCodec.encode(request));
                    }
                });
                chaos.join();
            }
            assertThat(failures.get()).isEqualTo(FAILURES);

            Topics.awaitCommitted(topics.features(), events.size());
            Topics.awaitCommitted(topics.recommendations(), sentRequests.size());
            Thread.sleep(3000);
            cluster.cancelJob(job).get();

            FeatureLog.read(topics.features()).assertOneRecordPerEvent(events).assertFinalSequences(events, N);

            AvroCodec<Recommendation> recommendationCodec = AvroCodec.of(Recommendation.class);
            List<String> answered = Topics.readCommitted(topics.recommendations()).stream()
                    .map(r -> Topics.decode(recommendationCodec, r.value()).getRequestId()).toList();
            assertThat(answered).as("one answer per request").doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(sentRequests.keySet());
            assertThat(Topics.readCommitted(topics.deadLetters())).isEmpty();
        }
    }
}
