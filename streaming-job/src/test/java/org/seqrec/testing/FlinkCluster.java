package org.seqrec.testing;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** A MiniCluster with the RocksDB state backend, two slots, and an in-memory metric reporter. */
public final class FlinkCluster {

    private FlinkCluster() {}

    public static MiniClusterExtension withReporter(InMemoryReporter reporter) {
        Configuration config = new Configuration();
        config.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        config.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(256));
        reporter.addToConfiguration(config);
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(config)
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .build());
    }

    /** Sum of a counter over all subtasks of a finished job, e.g. {@code sequence.duplicates}. */
    public static long counter(InMemoryReporter metrics, JobExecutionResult result, String name) {
        return counter(metrics, result.getJobID(), name);
    }

    public static long counter(InMemoryReporter metrics, JobID job, String name) {
        String shortName = name.substring(name.lastIndexOf('.') + 1);
        return metrics.getMetricsByGroup().entrySet().stream()
                .filter(e -> job.toString().equals(e.getKey().getAllVariables().get("<job_id>")))
                .filter(e -> e.getKey().getMetricIdentifier(shortName).endsWith("." + name))
                .map(e -> e.getValue().get(shortName))
                .filter(metric -> metric instanceof Counter)
                .mapToLong(metric -> ((Counter) metric).getCount()).sum();
    }

    /** The value of a job-level gauge such as {@code numRestarts} (the largest, if several report it). */
    public static long gauge(InMemoryReporter metrics, JobExecutionResult result, String name) {
        return metrics.getMetricsByGroup().entrySet().stream()
                .filter(e -> result.getJobID().toString().equals(e.getKey().getAllVariables().get("<job_id>")))
                .map(e -> e.getValue().get(name))
                .filter(metric -> metric instanceof Gauge<?> g && g.getValue() instanceof Number)
                .mapToLong(metric -> ((Number) ((Gauge<?>) metric).getValue()).longValue())
                .max().orElseThrow(() -> new AssertionError("no gauge " + name + " for job " + result.getJobID()));
    }

    /**
     * A started MiniCluster of its own (RocksDB, restarts every 0.5 s, up to 100), for tests that kill
     * TaskManagers or stop jobs with savepoints. Close it when done.
     */
    public static MiniCluster standalone(int taskManagers, int slotsEach) throws Exception {
        Configuration config = new Configuration();
        config.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        config.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(128));
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 100);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        // Its web endpoint takes a free port: 8081 may belong to a local demo or another test run.
        config.set(RestOptions.BIND_PORT, "0");
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(config)
                .setNumTaskManagers(taskManagers).setNumSlotsPerTaskManager(slotsEach).build());
        cluster.start();
        return cluster;
    }
}
