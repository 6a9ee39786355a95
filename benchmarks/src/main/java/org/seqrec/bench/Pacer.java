package org.seqrec.bench;

/**
 * Open-loop pacing for a load generator: the i-th send is due at start + i / rate, whatever the system
 * under test does, so a slow job shows as latency and lag instead of slowing the offered load.
 */
final class Pacer {

    private final double rate;
    private final long startNanos = System.nanoTime();
    private long sent;

    Pacer(double perSecond) {
        this.rate = perSecond;
    }

    /** Sleeps until the next send is due and counts it. */
    void awaitNext() throws InterruptedException {
        long wait = startNanos + (long) (sent * 1e9 / rate) - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        sent++;
    }

    long sent() {
        return sent;
    }

    double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
