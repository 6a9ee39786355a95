package org.seqrec.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time of the threads of this JVM whose names start with a prefix (a Flink task's threads are named
 * after its operator chain), sampled every 100 ms so that threads which end before the reading still
 * count: where a pipeline's time goes when it runs in this process.
 */
final class ThreadCpu implements AutoCloseable {

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final String prefix;
    private final Map<Long, Long> lastNanos = new HashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;

    ThreadCpu(String prefix) {
        this.prefix = prefix;
        sampler = new Thread(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "thread-cpu-" + prefix);
        sampler.setDaemon(true);
        sampler.start();
    }

    private synchronized void sample() {
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(prefix)) {
                long nanos = threads.getThreadCpuTime(info.getThreadId());
                if (nanos >= 0) {
                    lastNanos.put(info.getThreadId(), nanos);
                }
            }
        }
    }

    /** CPU seconds of the matching threads so far. */
    synchronized double seconds() {
        sample();
        return lastNanos.values().stream().mapToLong(Long::longValue).sum() / 1e9;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.join(1000);
    }
}
