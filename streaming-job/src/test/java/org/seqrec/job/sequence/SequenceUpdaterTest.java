package org.seqrec.job.sequence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.seqrec.avro.Action;
import org.seqrec.job.ingest.Interaction;
import org.seqrec.job.ingest.RankRequest;

/** The keyed operator on a real RocksDB backend, including TTL expiry and restore from a snapshot. */
class SequenceUpdaterTest {

    private static final Duration TTL = Duration.ofHours(1);

    private KeyedTwoInputStreamOperatorTestHarness<String, Interaction, RankRequest, SequenceUpdate> harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, Interaction, RankRequest, SequenceUpdate> newHarness()
            throws Exception {
        var harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new SequenceUpdater(3, TTL)), (Interaction e) -> e.userId,
                (RankRequest r) -> r.userId, Types.STRING);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        return harness;
    }

    static Interaction event(String id, String user, long time) {
        return new Interaction(id, user, "item-" + id, Action.CLICK, time);
    }

    @Test
    void shouldEmitTheUpdatedSequenceForEachAcceptedEventOnly() throws Exception {
        harness.processElement1(event("a", "u1", 1), 1);
        harness.processElement1(event("b", "u1", 2), 2);
        harness.processElement1(event("a", "u1", 1), 3);
        harness.processElement1(event("c", "u2", 5), 5);

        var out = harness.extractOutputValues();
        assertThat(out).extracting(u -> u.triggerEventId).containsExactly("a", "b", "c");
        assertThat(PackedSequenceTest.items(out.get(1).sequence())).containsExactly("item-a", "item-b");
    }

    @Test
    void shouldAnswerRankRequestsOnTheCurrentSequenceWithoutChangingIt() throws Exception {
        harness.processElement1(event("a", "u1", 1), 1);
        harness.processElement2(new RankRequest("r1", "u1", new String[] {"x", "y"}, 1, 2), 2);
        harness.processElement2(new RankRequest("r2", "stranger", new String[] {"x"}, 1, 3), 3);

        var tasks = harness.getSideOutput(SequenceUpdater.SCORING_TASKS);
        assertThat(tasks).extracting(r -> r.getValue().requestId).containsExactly("r1", "r2");
        ScoringTask known = tasks.peek().getValue();
        assertThat(PackedSequenceTest.items(PackedSequence.decode(known.packedSequence))).containsExactly("item-a");
        assertThat(known.candidateItemIds).containsExactly("x", "y");
        ScoringTask stranger = tasks.stream().skip(1).findFirst().orElseThrow().getValue();
        assertThat(PackedSequence.decode(stranger.packedSequence).size()).isZero();
        assertThat(harness.extractOutputValues()).as("requests emit no feature record").hasSize(1);
    }

    @Test
    void shouldForgetAUserAfterTheTtlWithoutInteractions() throws Exception {
        harness.setStateTtlProcessingTime(0);
        harness.processElement1(event("a", "u1", 1), 1);
        harness.setStateTtlProcessingTime(TTL.toMillis() + 1);
        // The duplicate of "a" is accepted again: the expired sequence is gone.
        harness.processElement1(event("a", "u1", 1), 2);
        var out = harness.extractOutputValues();
        assertThat(out).hasSize(2);
        assertThat(out.get(1).sequence().size()).isEqualTo(1);
    }

    @Test
    void shouldRestoreTheSameSequencesFromASnapshot() throws Exception {
        harness.processElement1(event("a", "u1", 1), 1);
        harness.processElement1(event("b", "u1", 2), 2);
        var snapshot = harness.snapshot(1, 3);
        harness.close();

        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        harness.processElement1(event("b", "u1", 2), 4);
        harness.processElement1(event("c", "u1", 3), 5);
        var out = harness.extractOutputValues();
        assertThat(out).extracting(u -> u.triggerEventId).containsExactly("c");
        assertThat(PackedSequenceTest.items(out.get(0).sequence())).containsExactly("item-a", "item-b", "item-c");
    }
}
