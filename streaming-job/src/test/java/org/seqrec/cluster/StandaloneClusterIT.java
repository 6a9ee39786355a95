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
import org.seqrec.testing.FeatureLog;
import org.seqrec.testing.JobTopics;
import org.seqrec.testing.Topics;

/**
 * The deployable jar on a real multi-process Flink cluster (a JobManager and two TaskManagers in their own
 * JVMs, ONNX Runtime on the cluster's classpath as Flink's lib/ would hold it, never in the job jar),
 * submitted with Flink's CLI, fed real data through a real broker, stopped with a savepoint and resubmitted
 * from it; and, with ZooKeeper high availability, the JobManager killed mid-run and replaced. What MiniCluster
 * hides — classloading, serialization of the job graph, packaging — is real here.
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

    /**
     * With ZooKeeper high availability (a real ZooKeeper server), the JobManager's JVM is killed while the
     * job runs and a new one started: it takes the job over from ZooKeeper and the HA storage, restores its
     * latest checkpoint without anyone resubmitting it, and every event has exactly one feature record.
     */
    @Test
    void shouldResumeFromTheLatestCheckpointWhenAKilledJobManagerIsReplaced(@TempDir Path dir) throws Exception {
        JobTopics topics = JobTopics.create();
        Map<String, String> settings = topics.settings();
        settings.putAll(Map.of("scoring.enabled", "false", "checkpoint.interval", "1s",
                "checkpoint.dir", dir.resolve("checkpoints").toUri().toString()));
        List<String> args = new ArrayList<>();
        settings.forEach((key, value) -> args.addAll(List.of("--" + key, value)));
        List<InteractionEvent> events = MovieLens.events(MovieLens.DEFAULT_DIR_FROM_MODULE).subList(0, 6_000);

        try (ZooKeeperServer zooKeeper = ZooKeeperServer.start(dir);
                StandaloneFlinkCluster cluster = new StandaloneFlinkCluster(dir, Files.readString(LIB_CLASSPATH).trim(),
                        2, Map.of("high-availability.type", "zookeeper",
                                "high-availability.zookeeper.quorum", zooKeeper.quorum(),
                                "high-availability.storageDir", dir.resolve("ha").toUri().toString(),
                                // The killed JobManager keeps its leadership until its ZooKeeper session expires.
                                "high-availability.zookeeper.client.session-timeout", "6 s",
                                "heartbeat.interval", "2 s", "heartbeat.timeout", "20 s"));
                KafkaProducer<byte[], byte[]> producer = Topics.producer()) {
            String job = cluster.submit(JOB_JAR.toAbsolutePath(), null, List.of(), args);
            cluster.awaitJobState(job, "RUNNING");
            topics.produce(producer, events.subList(0, 3_000), "first");
            Topics.awaitCommitted(topics.features(), 3_000);

            topics.produce(producer, events.subList(3_000, 4_500), "second");
            long latestBeforeKill = cluster.latestCheckpoint(job).orElseThrow();
            cluster.killJobManager();
            topics.produce(producer, events.subList(4_500, 6_000), "third");
            cluster.startJobManager();
            cluster.awaitJobState(job, "RUNNING");
            Topics.awaitCommitted(topics.features(), 6_000);
            assertThat(cluster.restoredCheckpoint(job)).as("the new JobManager restored the latest checkpoint")
                    .hasValueSatisfying(id -> assertThat(id).isGreaterThanOrEqualTo(latestBeforeKill));
            cluster.checkAlive();
            cluster.cancel(job);
        }
        FeatureLog.read(topics.features()).assertOneRecordPerEvent(events);
    }
}
