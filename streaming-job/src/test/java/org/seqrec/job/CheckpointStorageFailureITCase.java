package org.seqrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.checkpoint.CheckpointStatsCounts;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.local.MovieLens;
import org.seqrec.testing.FeatureLog;
import org.seqrec.testing.FlinkCluster;
import org.seqrec.testing.JobTopics;
import org.seqrec.testing.Topics;

/**
 * The job's checkpoint directory becomes unusable while events flow (it is moved away and a plain file put
 * in its place; chmod would not stop a root process), then comes back. Checkpoints fail within the
 * configured tolerance, the job goes on processing without a restart, read_committed readers see nothing
 * new until storage is back, and then every event exactly once.
 */
class CheckpointStorageFailureITCase {

    private static final int TOLERABLE_FAILURES = 60;
    private static final int FAILURES_WHILE_BROKEN = 4;

    @Test
    void shouldProcessThroughFailedCheckpointsAndCommitOnceStorageIsBack(@TempDir Path dir) throws Exception {
        List<InteractionEvent> events = MovieLens.events(MovieLens.DEFAULT_DIR_FROM_MODULE).subList(0, 6_000);
        JobTopics topics = JobTopics.create();
        Path checkpoints = dir.resolve("checkpoints");
        Map<String, String> settings = topics.settings();
        settings.putAll(Map.of("scoring.enabled", "false", "checkpoint.interval", "1s",
                "checkpoint.dir", checkpoints.toUri().toString(),
                "checkpoint.tolerable-failures", String.valueOf(TOLERABLE_FAILURES)));
        try (MiniCluster cluster = FlinkCluster.standalone(1, 2);
                KafkaProducer<byte[], byte[]> producer = Topics.producer()) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            SequenceJob.fromConfig(JobConfig.fromMap(settings)).build(env);
            JobID job = cluster.submitJob(env.getStreamGraph().getJobGraph()).get().getJobID();
            assertThat(graph(cluster, job).getCheckpointCoordinatorConfiguration().getTolerableCheckpointFailureNumber())
                    .as("the job's tolerance reaches Flink").isEqualTo(TOLERABLE_FAILURES);

            topics.produce(producer, events.subList(0, 3_000), "before");
            Topics.awaitCommitted(topics.features(), 3_000);

            Path storage = checkpoints.resolve(job.toString());
            Path movedAway = checkpoints.resolve("moved-away");
            Files.move(storage, movedAway);
            Files.writeString(storage, "storage is broken");
            long failedAtBreak = counts(cluster, job).getNumberOfFailedCheckpoints();
            // Once a checkpoint has failed, none begun before the break can still complete and commit.
            await("a checkpoint fails", () -> counts(cluster, job).getNumberOfFailedCheckpoints() > failedAtBreak);
            int committedAtBreak = Topics.readCommitted(topics.features()).size();
            long completedWhileBroken = counts(cluster, job).getNumberOfCompletedCheckpoints();

            topics.produce(producer, events.subList(3_000, 6_000), "during");
            await("the job processes the second half into open transactions",
                    () -> Topics.readUncommitted(topics.features()).size() >= 6_000);
            await(FAILURES_WHILE_BROKEN + " more checkpoints fail", () -> counts(cluster, job)
                    .getNumberOfFailedCheckpoints() >= failedAtBreak + FAILURES_WHILE_BROKEN);
            assertThat(Topics.readCommitted(topics.features())).as("nothing commits while storage is broken")
                    .hasSize(committedAtBreak).hasSize(3_000);
            assertThat(counts(cluster, job).getNumberOfCompletedCheckpoints()).isEqualTo(completedWhileBroken);

            Files.delete(storage);
            Files.move(movedAway, storage);
            Topics.awaitCommitted(topics.features(), 6_000);
            await("checkpoints complete again",
                    () -> counts(cluster, job).getNumberOfCompletedCheckpoints() >= completedWhileBroken + 2);

            AccessExecutionGraph graph = graph(cluster, job);
            assertThat(graph.getState()).isEqualTo(JobStatus.RUNNING);
            assertThat(graph.getStatusTimestamp(JobStatus.RESTARTING)).as("the job never restarted").isZero();
            assertThat(graph.getCheckpointStatsSnapshot().getCounts().getNumberOfFailedCheckpoints() - failedAtBreak)
                    .as("checkpoints failed while storage was broken, within the tolerance")
                    .isBetween((long) FAILURES_WHILE_BROKEN, (long) TOLERABLE_FAILURES);
            cluster.cancelJob(job).get();
        }
        FeatureLog.read(topics.features()).assertOneRecordPerEvent(events);
    }

    private static AccessExecutionGraph graph(MiniCluster cluster, JobID job) throws Exception {
        return cluster.getArchivedExecutionGraph(job).get();
    }

    private static CheckpointStatsCounts counts(MiniCluster cluster, JobID job) throws Exception {
        return graph(cluster, job).getCheckpointStatsSnapshot().getCounts();
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not within 1 min: " + what);
            }
            Thread.sleep(200);
        }
    }
}
