package org.seqrec.job.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
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

    private KeyedBroadcastOperatorTestHarness<String, SequenceUpdate, PoolChange, ScoringTask> harness;
    private final PackedSequence sequence = PackedSequence.empty();

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new PoolRefresher(Duration.ofMillis(INTERVAL), 2, 100, true), (SequenceUpdate u) -> u.userId,
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
        harness.processBroadcastElement(new PoolChange(true, new String[] {"a", "b", "c", "d"}), 0);
        harness.processElement(interact("e1", "a", 1), 1);
        harness.setProcessingTime(100);
        harness.processElement(interact("e2", "b", 2), 2);
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
                new PoolRefresher(Duration.ZERO, 2, 100, true), (SequenceUpdate u) -> u.userId,
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

    /** The broadcast harness has no numKeyedStateEntries(); its default heap backend counts them. */
    private int keyedStateEntries() {
        return ((HeapKeyedStateBackend<?>) ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend())
                .numKeyValueStateEntries();
    }
}
