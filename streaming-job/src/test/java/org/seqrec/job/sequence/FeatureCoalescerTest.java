package org.seqrec.job.sequence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.seqrec.avro.Action;
import org.seqrec.job.ingest.Interaction;

/** At most one feature record per user per interval, the latest sequence, and nothing kept once quiet. */
class FeatureCoalescerTest {

    private static final long INTERVAL = 10_000;

    private final PackedSequence sequence = PackedSequence.empty();

    private SequenceUpdate update(String user, String eventId, long time) {
        sequence.add(new Interaction(eventId, user, "item-" + eventId, Action.LIKE, time), 256);
        return new SequenceUpdate(user, eventId, time, sequence.encode());
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, SequenceUpdate, SequenceUpdate> harness()
            throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(new FeatureCoalescer(Duration.ofMillis(INTERVAL)),
                (SequenceUpdate u) -> u.userId, Types.STRING);
        harness.open();
        return harness;
    }

    @Test
    void emitsTheLatestSequenceOncePerUserPerInterval() throws Exception {
        try (var harness = harness()) {
            harness.setProcessingTime(0);
            harness.processElement(update("u", "e1", 1), 1);
            harness.processElement(update("v", "f1", 1), 1);
            harness.setProcessingTime(5_000);
            harness.processElement(update("u", "e2", 2), 2);
            harness.processElement(update("u", "e3", 3), 3);
            assertThat(harness.extractOutputValues()).isEmpty();

            harness.setProcessingTime(INTERVAL);
            assertThat(harness.extractOutputValues()).extracting(u -> u.triggerEventId)
                    .containsExactlyInAnyOrder("e3", "f1");
            SequenceUpdate latest = harness.extractOutputValues().stream()
                    .filter(u -> u.userId.equals("u")).findFirst().orElseThrow();
            assertThat(latest.sequence().size()).isEqualTo(4);

            assertThat(harness.numKeyedStateEntries()).as("quiet users hold no state").isZero();
            assertThat(harness.numProcessingTimeTimers()).isZero();

            harness.processElement(update("u", "e4", 4), 4);
            harness.setProcessingTime(2 * INTERVAL - 1);
            assertThat(harness.extractOutputValues()).hasSize(2);
            harness.setProcessingTime(2 * INTERVAL);
            assertThat(harness.extractOutputValues()).extracting(u -> u.triggerEventId).endsWith("e4");
        }
    }

    @Test
    void aPendingUpdateSurvivesARestoreAndIsEmittedOnce() throws Exception {
        try (var harness = harness()) {
            harness.setProcessingTime(0);
            harness.processElement(update("u", "e1", 1), 1);
            harness.processElement(update("u", "e2", 2), 2);
            var subtaskState = harness.snapshot(1, 100);
            try (var restored = new KeyedOneInputStreamOperatorTestHarness<>(
                    new FeatureCoalescer(Duration.ofMillis(INTERVAL)), (SequenceUpdate u) -> u.userId, Types.STRING)) {
                restored.setup();
                restored.initializeState(subtaskState);
                restored.open();
                restored.setProcessingTime(INTERVAL);
                assertThat(restored.extractOutputValues()).extracting(u -> u.triggerEventId).containsExactly("e2");
                assertThat(restored.numKeyedStateEntries()).isZero();
            }
        }
    }

    @Test
    void theEndOfABoundedInputWritesEveryPendingUpdate() throws Exception {
        try (var harness = harness()) {
            harness.setProcessingTime(0);
            harness.processElement(update("u", "e1", 1), 1);
            harness.processElement(update("u", "e2", 2), 2);
            harness.processElement(update("v", "f1", 1), 1);
            harness.endInput();
            assertThat(harness.extractOutputValues()).extracting(u -> u.triggerEventId)
                    .containsExactlyInAnyOrder("e2", "f1");
        }
    }
}
