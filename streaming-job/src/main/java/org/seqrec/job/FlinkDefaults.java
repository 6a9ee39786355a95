package org.seqrec.job;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.state.rocksdb.RocksDBNativeMetricOptions;
import org.apache.flink.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Flink settings the job is built for: RocksDB state with its size reported as metrics, and
 * incremental exactly-once checkpoints at {@code checkpoint.interval} into {@code checkpoint.dir}. Each is
 * a default: set only where the cluster's configuration leaves it unset, so what an operator put in
 * {@code config.yaml}, {@code -D} or a FlinkDeployment stays. Every choice is logged, with its source.
 */
public final class FlinkDefaults {

    private static final Logger LOG = LoggerFactory.getLogger(FlinkDefaults.class);

    private final ReadableConfig cluster;
    private final Configuration chosen = new Configuration();

    private FlinkDefaults(ReadableConfig cluster) {
        this.cluster = cluster;
    }

    /**
     * The settings to apply on top of {@code cluster}: only those it leaves unset. Stops start-up when the
     * checkpoint interval in force would let the sinks' transactions time out before they commit.
     */
    public static Configuration under(ReadableConfig cluster, JobConfig config) {
        FlinkDefaults defaults = new FlinkDefaults(cluster);
        defaults.unlessSet(StateBackendOptions.STATE_BACKEND, "rocksdb", null);
        defaults.unlessSet(RocksDBNativeMetricOptions.ESTIMATE_LIVE_DATA_SIZE, true, null);
        defaults.unlessSet(RocksDBNativeMetricOptions.MONITOR_TOTAL_SST_FILES_SIZE, true, null);
        defaults.unlessSet(RocksDBNativeMetricOptions.ESTIMATE_NUM_KEYS, true, null);
        defaults.unlessSet(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true, null);
        defaults.unlessSet(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.get(JobConfig.CHECKPOINT_DIR),
                JobConfig.CHECKPOINT_DIR);
        defaults.unlessSet(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.get(JobConfig.CHECKPOINT_INTERVAL),
                JobConfig.CHECKPOINT_INTERVAL);
        defaults.unlessSet(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE, null);
        defaults.unlessSet(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER,
                config.get(JobConfig.CHECKPOINT_TOLERABLE_FAILURES), JobConfig.CHECKPOINT_TOLERABLE_FAILURES);
        // Not a default: the job's types are all ones Flink serializes itself, and a type that would fall back
        // to Kryo must fail the job at submission instead of slowing it down.
        defaults.chosen.set(PipelineOptions.GENERIC_TYPES, false);
        defaults.checkAgainst(config);
        return defaults.chosen;
    }

    private <T> void unlessSet(ConfigOption<T> option, T value, ConfigOption<T> jobOption) {
        Optional<T> clusters = cluster.getOptional(option);
        if (clusters.isEmpty()) {
            chosen.set(option, value);
            LOG.info("Flink setting {}: {} (seqrec's{}; the cluster leaves it unset)", option.key(), shown(value),
                    jobOption == null ? "" : " " + jobOption.key());
        } else if (jobOption != null && !Objects.equals(clusters.get(), value)
                && !Objects.equals(value, jobOption.defaultValue())) {
            LOG.warn("Flink setting {}: {} (the cluster's, kept); seqrec's {} = {} is not used: it applies only"
                    + " where the cluster leaves {} unset", option.key(), shown(clusters.get()), jobOption.key(), shown(value),
                    option.key());
        } else {
            LOG.info("Flink setting {}: {} (the cluster's, kept)", option.key(), shown(clusters.get()));
        }
    }

    private static Object shown(Object value) {
        return value instanceof Duration d ? TimeUtils.formatWithHighestUnit(d) : value;
    }

    private <T> T inForce(ConfigOption<T> option) {
        return chosen.getOptional(option).orElseGet(() -> cluster.get(option));
    }

    private void checkAgainst(JobConfig config) {
        if (!"rocksdb".equalsIgnoreCase(inForce(StateBackendOptions.STATE_BACKEND))) {
            LOG.warn("The cluster's state backend is '{}': seqrec keeps every user's sequence in keyed state and is"
                    + " sized and tested for RocksDB; its state-size metrics stay empty",
                    inForce(StateBackendOptions.STATE_BACKEND));
        }
        if (config.get(JobConfig.DELIVERY_GUARANTEE) != DeliveryGuarantee.EXACTLY_ONCE) {
            return;
        }
        if (inForce(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE) != CheckpointingMode.EXACTLY_ONCE) {
            LOG.warn("The cluster checkpoints {}: after a restore, outputs may repeat although the sinks are"
                    + " transactional", inForce(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE));
        }
        Duration interval = inForce(CheckpointingOptions.CHECKPOINTING_INTERVAL);
        Integer tolerable = inForce(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER);
        Duration longestOpen = interval.multipliedBy(Math.max(tolerable == null ? 0 : tolerable, 0) + 1L);
        Duration timeout = config.get(JobConfig.TRANSACTION_TIMEOUT);
        if (longestOpen.compareTo(timeout) >= 0) {
            throw new IllegalArgumentException("Invalid configuration:\n  - with the checkpoint interval in force ("
                    + CheckpointingOptions.CHECKPOINTING_INTERVAL.key() + " = " + shown(interval) + ") and "
                    + CheckpointingOptions.TOLERABLE_FAILURE_NUMBER.key() + " = " + tolerable + ", a transaction can"
                    + " stay open " + shown(longestOpen) + ", not below " + JobConfig.TRANSACTION_TIMEOUT.key() + " ("
                    + shown(timeout) + "): the sinks' transactions would expire before they commit. Lower the interval"
                    + " or the tolerance, or raise the timeout (and the brokers' transaction.max.timeout.ms)");
        }
    }
}
