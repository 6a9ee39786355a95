package org.seqrec.job.bootstrap;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;

/**
 * Prints the bootstrap's progress from its accumulators while it runs: bytes and records read, rejects, users
 * folded, elapsed time and an estimate of what remains. The job runs in two halves one after the other (reading
 * and sorting by user, then replaying each user's history), so the estimate gives each half equal weight; it is a
 * rough guide, and Flink reports accumulators only every few seconds.
 */
final class BootstrapProgress {

    private final PrintStream out;
    private final long totalBytes;
    private final Duration interval;

    BootstrapProgress(PrintStream out, long totalBytes, Duration interval) {
        this.out = out;
        this.totalBytes = totalBytes;
        this.interval = interval;
    }

    JobExecutionResult await(JobClient client, long startNanos) throws Exception {
        CompletableFuture<JobExecutionResult> result = client.getJobExecutionResult();
        while (true) {
            try {
                return result.get(interval.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillRunning) {
                Map<String, Object> accumulators = client.getAccumulators().get();
                out.println(line(accumulators, Duration.ofNanos(System.nanoTime() - startNanos)));
            }
        }
    }

    String line(Map<String, Object> accumulators, Duration elapsed) {
        long bytes = count(accumulators, HistoryReader.BYTES);
        long records = count(accumulators, HistoryReader.RECORDS);
        long folded = count(accumulators, HistoryFold.FOLDED);
        long toFold = Math.max(1, records - count(accumulators, HistoryReader.REJECTED)
                - count(accumulators, HistoryReader.AFTER_CUT));
        double done = 0.5 * Math.min(1.0, (double) bytes / Math.max(1, totalBytes))
                + 0.5 * Math.min(1.0, (double) folded / toFold);
        String eta = done <= 0 ? "unknown" : clock(Duration.ofMillis((long) (elapsed.toMillis() * (1 - done) / done)));
        return String.format("[bootstrap] read %,.1f of %,.1f MB, %,d records (%,d rejected); %,d users folded"
                        + " (%,d events); elapsed %s, ETA %s",
                bytes / 1e6, totalBytes / 1e6, records, count(accumulators, HistoryReader.REJECTED),
                count(accumulators, HistoryFold.USERS), folded, clock(elapsed), eta);
    }

    static long count(Map<String, Object> accumulators, String name) {
        return accumulators.get(name) instanceof Number n ? n.longValue() : 0;
    }

    static String clock(Duration duration) {
        return String.format("%d:%02d:%02d", duration.toHours(), duration.toMinutesPart(), duration.toSecondsPart());
    }
}
