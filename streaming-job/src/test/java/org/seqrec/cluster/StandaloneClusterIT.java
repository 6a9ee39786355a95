package org.seqrec.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.Recommendation;
import org.seqrec.avro.SequenceFeature;
import org.seqrec.local.MovieLens;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.testing.JobTopics;
import org.seqrec.testing.Topics;

/**
 * The deployable jar on a real multi-process Flink cluster (a JobManager and two TaskManagers in their own
 * JVMs, ONNX Runtime on the cluster's classpath as Flink's lib/ would hold it, never in the job jar),
 * submitted with Flink's CLI, fed real data through a real broker, stopped with a savepoint and resubmitted
 * from it. What MiniCluster hides — classloading, serialization of the job graph, packaging — is real here.
 * Runs in the integration-test phase (failsafe), after the jar is built.
 */
class StandaloneClusterIT {

    private static final Path JOB_JAR = JobJarIT.JOB_JAR;
    private static final Path LIB_CLASSPATH = Path.of("target", "flink-lib.classpath");

    @Test
    void shouldRunTheDeployableJarAndResumeItFromASavepoint(@TempDir Path dir) throws Exception {
        JobTopics topics = JobTopics.create();
        List<String> args = new ArrayList<>();
        Map<String, String> settings = topics.settings();
        settings.putAll(Map.of(
                "scoring.model-path", Path.of("..", "model-export", "models", "attn_mvp.onnx").toAbsolutePath().toString(),
                "scoring.device", "auto", "checkpoint.interval", "1s",
                "checkpoint.dir", dir.resolve("checkpoints").toUri().toString()));
        // Two options come through Flink's own configuration (-D seqrec.<option>), as a platform would set them.
        List<String> flinkOptions = List.of("-Dseqrec.topic.recommendations=" + settings.remove("topic.recommendations"),
                "-Dseqrec.checkpoint.interval=" + settings.remove("checkpoint.interval"));
        settings.forEach((key, value) -> args.addAll(List.of("--" + key, value)));
        List<InteractionEvent> events = MovieLens.events(MovieLens.DEFAULT_DIR_FROM_MODULE).subList(0, 6_000);

        try (StandaloneFlinkCluster cluster = new StandaloneFlinkCluster(dir, Files.readString(LIB_CLASSPATH).trim(), 2);
                KafkaProducer<byte[], byte[]> producer = Topics.producer()) {
            String first = cluster.submit(JOB_JAR.toAbsolutePath(), null, flinkOptions, args);
            cluster.awaitJobState(first, "RUNNING");
            topics.produce(producer, events.subList(0, 3_000), "first");
            Topics.awaitCommitted(topics.features(), 3_000);
            Topics.awaitCommitted(topics.recommendations(), 3);

            String savepoint = cluster.stopWithSavepoint(first, dir.resolve("savepoints"));
            cluster.awaitJobState(first, "FINISHED");
            String second = cluster.submit(JOB_JAR.toAbsolutePath(), savepoint, flinkOptions, args);
            cluster.awaitJobState(second, "RUNNING");
            topics.produce(producer, events.subList(3_000, 6_000), "second");
            Topics.awaitCommitted(topics.features(), 6_000);
            Topics.awaitCommitted(topics.recommendations(), 6);
            cluster.checkAlive();
            cluster.cancel(second);
        }

        AvroCodec<SequenceFeature> features = AvroCodec.of(SequenceFeature.class);
        assertThat(Topics.readCommitted(topics.features()))
                .extracting(r -> Topics.decode(features, r.value()).getTriggerEventId())
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(events.stream().map(InteractionEvent::getEventId).toList());
        AvroCodec<Recommendation> recommendations = AvroCodec.of(Recommendation.class);
        assertThat(Topics.readCommitted(topics.recommendations()))
                .extracting(r -> Topics.decode(recommendations, r.value()).getRequestId())
                .containsExactlyInAnyOrder("first-999", "first-1999", "first-2999", "second-999", "second-1999",
                        "second-2999");
    }
}
