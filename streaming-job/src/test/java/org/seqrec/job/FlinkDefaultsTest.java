package org.seqrec.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.state.rocksdb.RocksDBNativeMetricOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.seqrec.testing.LogCapture;

/** The job's checkpoint and state-backend settings are defaults under the cluster's configuration. */
class FlinkDefaultsTest {

    private static final JobConfig JOB = JobConfig.fromArgs("--checkpoint.dir", "file:///job/checkpoints",
            "--checkpoint.interval", "20 s");

    @Test
    void setsEverythingTheClusterLeavesUnset() {
        Configuration chosen = FlinkDefaults.under(new Configuration(), JOB);

        assertThat(chosen.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(chosen.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo("file:///job/checkpoints");
        assertThat(chosen.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofSeconds(20));
        assertThat(chosen.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(chosen.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE)).isEqualTo(CheckpointingMode.EXACTLY_ONCE);
        assertThat(chosen.get(RocksDBNativeMetricOptions.ESTIMATE_NUM_KEYS)).isTrue();
    }

    @Test
    void keepsWhatTheClusterSetsAndLogsEachChoice() {
        Configuration cluster = Configuration.fromMap(Map.of("state.backend.type", "hashmap",
                "execution.checkpointing.interval", "30 s", "execution.checkpointing.dir", "s3://platform/checkpoints",
                "execution.checkpointing.incremental", "false"));
        Configuration chosen;
        String log;
        try (LogCapture capture = new LogCapture()) {
            chosen = FlinkDefaults.under(cluster, JOB);
            log = capture.text();
        }

        assertThat(chosen.toMap()).doesNotContainKeys("state.backend.type", "execution.checkpointing.interval",
                "execution.checkpointing.dir", "execution.checkpointing.incremental");
        assertThat(chosen.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE)).isEqualTo(CheckpointingMode.EXACTLY_ONCE);
        assertThat(log).contains("Flink setting state.backend.type: hashmap (the cluster's, kept)",
                "Flink setting execution.checkpointing.mode: EXACTLY_ONCE (seqrec's; the cluster leaves it unset)",
                "seqrec's checkpoint.dir = file:///job/checkpoints is not used",
                "sized and tested for RocksDB");
    }

    @Test
    void theJobBuiltOnAnEnvironmentKeepsItsSettings() {
        Configuration cluster = Configuration.fromMap(Map.of("execution.checkpointing.interval", "1 min",
                "execution.checkpointing.dir", "file:///cluster/checkpoints"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(cluster);

        SequenceJob.fromConfig(JobConfig.fromArgs("--scoring.enabled", "false", "--checkpoint.interval", "5 s"))
                .build(env);

        assertThat(env.getCheckpointInterval()).isEqualTo(Duration.ofMinutes(1).toMillis());
        assertThat(env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo("file:///cluster/checkpoints");
        assertThat(env.getConfiguration().get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
    }

    @Test
    void stopsWhenTheClustersIntervalOutlastsTheSinksTransactions() {
        Configuration cluster = Configuration.fromMap(Map.of("execution.checkpointing.interval", "12 min"));

        assertThatThrownBy(() -> FlinkDefaults.under(cluster, JOB))
                .hasMessageContaining("execution.checkpointing.interval = 12 min")
                .hasMessageContaining("not below sink.transaction-timeout (10 min)");
        // The cluster's tolerance counts too: 4 min x (2 + 1) outlasts 10 min.
        Configuration tolerant = Configuration.fromMap(Map.of("execution.checkpointing.interval", "4 min",
                "execution.checkpointing.tolerable-failed-checkpoints", "2"));
        assertThatThrownBy(() -> FlinkDefaults.under(tolerant, JOB))
                .hasMessageContaining("execution.checkpointing.tolerable-failed-checkpoints = 2")
                .hasMessageContaining("stay open 12 min");
        assertThat(FlinkDefaults.under(cluster, JobConfig.fromArgs("--sink.delivery-guarantee", "at-least-once")))
                .isNotNull();
    }
}
