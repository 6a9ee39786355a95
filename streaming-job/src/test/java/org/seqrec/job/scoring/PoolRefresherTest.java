package org.seqrec.job.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.seqrec.avro.Action;
import org.seqrec.job.ingest.Interaction;
import org.seqrec.job.ingest.PoolChange;
import org.seqrec.job.sequence.PackedSequence;
import org.seqrec.job.sequence.ScoringTask;
import org.seqrec.job.sequence.SequenceUpdate;

/** Coalescing in processing time: at most one refresh per user per interval, on the newest sequence. */
class PoolRefresherTest {

    private static final long INTERVAL = 10_000;
    private static final int MAX_POOL = 5;

    private KeyedBroadcastOperatorTestHarness<String, SequenceUpdate, PoolChange, ScoringTask> harness;
    private final PackedSequence sequence = PackedSequence.empty();

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                refresher(Duration.ofMillis(INTERVAL)), (SequenceUpdate u) -> u.userId,
                Types.STRING, PoolRefresher.POOL);
        harness.setProcessingTime(0);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private SequenceUpdate interact(String eventId, String item, long time) {
        sequence.add(new Interaction(eventId, "u", item, Action.CLICK, time), 256);
        return new SequenceUpdate("u", eventId, time, sequence.encode());
    }

    @Test
    void shouldRefreshAtOnceThenCoalesceUntilTheIntervalEnds() throws Exception {
        refreshThenHoldOne();
        harness.processElement(interact("e3", "c", 3), 3);
        assertThat(harness.extractOutputValues()).extracting(t -> t.triggerEventId).containsExactly("e1");
        assertThat(harness.extractOutputValues().get(0).candidateItemIds).containsExactly("b", "c", "d");

        harness.setProcessingTime(INTERVAL);
        var out = harness.extractOutputValues();
        assertThat(out).extracting(t -> t.triggerEventId).containsExactly("e1", "e3");
        assertThat(out.get(1).candidateItemIds).as("seen items left out").containsExactly("d");
        assertThat(out.get(1).k).isEqualTo(1);

        harness.setProcessingTime(2 * INTERVAL);
        assertThat(harness.extractOutputValues()).hasSize(2);
        harness.processElement(interact("e4", "x", 4), 4);
        assertThat(harness.extractOutputValues()).extracting(t -> t.triggerEventId).endsWith("e4");
    }

    @Test
    void anEmptyPoolRefreshesNothingAndDoesNotStartAnInterval() throws Exception {
        harness.processElement(interact("e1", "a", 1), 1);
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.processBroadcastElement(new PoolChange(true, new String[] {"z"}), 2);
        harness.processElement(interact("e2", "b", 2), 2);
        assertThat(harness.extractOutputValues()).extracting(t -> t.triggerEventId).containsExactly("e2");
    }

    @Test
    void anUpdateThatWouldOverfillThePoolIsRefusedWhole() throws Exception {
        harness.processBroadcastElement(new PoolChange(true, new String[] {"a", "b", "c", "d"}), 0);
        harness.processBroadcastElement(new PoolChange(true, new String[] {"a", "e", "f"}), 0);
        harness.processElement(interact("e1", "x", 1), 1);
        assertThat(harness.extractOutputValues().get(0).candidateItemIds).containsExactly("a", "b", "c", "d");
        harness.processBroadcastElement(new PoolChange(true, new String[] {"a", "b", "e"}), 0);
        harness.processBroadcastElement(new PoolChange(false, new String[] {"a"}), 0);
        harness.processBroadcastElement(new PoolChange(true, new String[] {"f"}), 0);
        harness.setProcessingTime(INTERVAL);
        harness.processElement(interact("e2", "y", 2), 2);
        assertThat(harness.extractOutputValues().get(1).candidateItemIds).containsExactly("b", "c", "d", "e", "f");
    }

    @Test
    void removedItemsLeaveThePool() throws Exception {
        harness.processBroadcastElement(new PoolChange(true, new String[] {"p", "q"}), 0);
        harness.processBroadcastElement(new PoolChange(false, new String[] {"p"}), 0);
        harness.processElement(interact("e1", "a", 1), 1);
        assertThat(harness.extractOutputValues().get(0).candidateItemIds).containsExactly("q");
    }

    @Test
    void aZeroIntervalRefreshesEveryInteractionWithoutTimers() throws Exception {
        harness.close();
        harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                refresher(Duration.ZERO), (SequenceUpdate u) -> u.userId,
                Types.STRING, PoolRefresher.POOL);
        harness.setProcessingTime(0);
        harness.processBroadcastElement(new PoolChange(true, new String[] {"a", "b", "c"}), 0);
        harness.processElement(interact("e1", "a", 1), 1);
        harness.processElement(interact("e2", "b", 2), 2);
        harness.processElement(interact("e3", "x", 3), 3);
        assertThat(harness.extractOutputValues()).extracting(t -> t.triggerEventId).containsExactly("e1", "e2", "e3");
        assertThat(harness.extractOutputValues().get(1).candidateItemIds).containsExactly("c");
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(keyedStateEntries()).isZero();
    }

    @Test
    void stateAndTimersAreGoneOnceAUserFallsQuiet() throws Exception {
        harness.processBroadcastElement(new PoolChange(true, new String[] {"a", "b", "c"}), 0);
        harness.processElement(interact("e1", "a", 1), 1);
        harness.setProcessingTime(100);
        harness.processElement(interact("e2", "b", 2), 2);
        assertThat(keyedStateEntries()).as("next refresh and the pending one").isEqualTo(2);
        harness.setProcessingTime(INTERVAL);
        assertThat(harness.extractOutputValues()).extracting(t -> t.triggerEventId).containsExactly("e1", "e2");
        assertThat(harness.numProcessingTimeTimers()).as("the interval the coalesced refresh opened").isEqualTo(1);

        harness.setProcessingTime(2 * INTERVAL);
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(keyedStateEntries()).isZero();
    }

    /**
     * An interaction that finds the interval over while its timer has not fired yet (the timer's mail is
     * behind the element; after a restore it is behind every element that arrived during the outage)
     * refreshes at once; the older pending sequence must not be refreshed after it.
     */
    @Test
    void anInteractionAfterTheIntervalButBeforeItsTimerSupersedesThePendingRefresh() throws Exception {
        refreshThenHoldOne();
        OperatorSubtaskState snapshot = harness.snapshot(1, 100);
        harness.close();

        PoolRefresher refresher = refresher(Duration.ofMillis(INTERVAL));
        harness = restored(refresher, snapshot, INTERVAL + 5_000);
        harness.processElement(interact("e3", "c", 3), 3);
        harness.setProcessingTime(INTERVAL + 5_001);
        assertThat(harness.extractOutputValues()).extracting(t -> t.triggerEventId).containsExactly("e3");

        harness.setProcessingTime(3 * INTERVAL);
        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(keyedStateEntries()).isZero();
    }

    @Test
    void thePoolSizeGaugeReadsTheRestoredPool() throws Exception {
        harness.processBroadcastElement(new PoolChange(true, new String[] {"a", "b", "c", "d"}), 0);
        harness.processBroadcastElement(new PoolChange(false, new String[] {"b"}), 0);
        OperatorSubtaskState snapshot = harness.snapshot(1, 0);
        harness.close();

        PoolRefresher refresher = refresher(Duration.ofMillis(INTERVAL));
        harness = restored(refresher, snapshot, 0);
        assertThat(refresher.poolSize()).isEqualTo(3);
    }

    /** Pool a, b, c, d; e1 refreshes at once, e2 (100 ms later) waits for the interval to end. */
    private void refreshThenHoldOne() throws Exception {
        harness.processBroadcastElement(new PoolChange(true, new String[] {"a", "b", "c", "d"}), 0);
        harness.processElement(interact("e1", "a", 1), 1);
        harness.setProcessingTime(100);
        harness.processElement(interact("e2", "b", 2), 2);
    }

    private static PoolRefresher refresher(Duration interval) {
        return new PoolRefresher(interval, 2, 100, true, MAX_POOL);
    }

    /** A harness restored from the snapshot whose clock reads {@code now} before its timers are restored. */
    private static KeyedBroadcastOperatorTestHarness<String, SequenceUpdate, PoolChange, ScoringTask> restored(
            PoolRefresher refresher, OperatorSubtaskState snapshot, long now) throws Exception {
        var restored = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(refresher, List.of(PoolRefresher.POOL)),
                (SequenceUpdate u) -> u.userId, Types.STRING, 1, 1, 0);
        restored.setup();
        restored.setProcessingTime(now);
        restored.initializeState(snapshot);
        restored.open();
        return restored;
    }

    /** The broadcast harness has no numKeyedStateEntries(); its default heap backend counts them. */
    private int keyedStateEntries() {
        return ((HeapKeyedStateBackend<?>) ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend())
                .numKeyValueStateEntries();
    }
}
