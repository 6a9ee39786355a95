package org.seqrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
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
import org.seqrec.testing.Topics;

/**
 * The Kafka broker goes away for 30 s in the middle of a run and comes back on the same data and ports:
 * the job recovers by itself and every event still has exactly one feature record, every request one
 * answer. The broker is this test's own, so the shared one stays up for the other tests.
 */
class BrokerOutageITCase {

    private static final int EVENTS = 20_000;

    @Test
    void shouldRecoverFromABrokerOutageWithoutLossOrDuplicates(@TempDir Path dir) throws Exception {
        List<InteractionEvent> events = MovieLens.events(MovieLens.DEFAULT_DIR_FROM_MODULE).subList(0, EVENTS);
        try (KafkaBroker broker = KafkaBroker.start(); MiniCluster cluster = FlinkCluster.standalone(1, 2)) {
            JobTopics topics = JobTopics.create(broker);
            Map<String, String> settings = topics.settings();
            settings.putAll(Map.of("scoring.model-path",
                    Path.of("..", "model-export", "models", "attn_mvp.onnx").toString(), "scoring.device", "cpu",
                    "checkpoint.interval", "1s", "checkpoint.dir", dir.toUri().toString()));
            JobConfig config = JobConfig.fromMap(settings);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            SequenceJob.fromConfig(config).build(env);
            JobID job = cluster.submitJob(env.getStreamGraph().getJobGraph()).get().getJobID();

            AtomicReference<Exception> replayFailure = new AtomicReference<>();
            Thread replay = new Thread(() -> {
                AvroCodec<RankingRequest> requests = AvroCodec.of(RankingRequest.class);
                try (ReplayProducer producer = new ReplayProducer(config.kafkaClientProperties(),
                        topics.interactions(), 1e12, 1000);
                        KafkaProducer<byte[], byte[]> requestProducer = Topics.producer(broker)) {
                    producer.replay(events, sent -> {
                        if (sent % 1000 == 0) {
                            String user = events.get((int) sent - 1).getUserId();
                            Topics.send(requestProducer, topics.requests(), user, requests.encode(new RankingRequest(
                                    "req-" + sent, user, List.of("1", "318"), 1, Instant.now())));
                        }
                    });
                } catch (Exception e) {
                    replayFailure.set(e);
                }
            }, "replay");
            replay.start();
            Thread.sleep(6_000);
            broker.stop();
            Thread.sleep(30_000);
            broker.restart();
            replay.join();
            assertThat(replayFailure.get()).as("the producers ride out the outage").isNull();

            Topics.awaitCommitted(broker, topics.features(), EVENTS);
            Topics.awaitCommitted(broker, topics.recommendations(), EVENTS / 1000);
            Thread.sleep(2000);
            cluster.cancelJob(job).get();

            AvroCodec<SequenceFeature> features = AvroCodec.of(SequenceFeature.class);
            assertThat(Topics.readCommitted(broker, topics.features()))
                    .extracting(r -> Topics.decode(features, r.value()).getTriggerEventId())
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(events.stream().map(InteractionEvent::getEventId).toList());
            AvroCodec<Recommendation> recommendations = AvroCodec.of(Recommendation.class);
            assertThat(Topics.readCommitted(broker, topics.recommendations()))
                    .extracting(r -> Topics.decode(recommendations, r.value()).getRequestId())
                    .doesNotHaveDuplicates().hasSize(EVENTS / 1000);
        }
    }
}
