package org.seqrec.job.sequence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.seqrec.avro.Action;
import org.seqrec.job.ingest.Interaction;
import org.seqrec.job.sequence.PackedSequence.Outcome;

class PackedSequenceTest {

    static Interaction event(String id, String item, long time) {
        return new Interaction(id, "u", item, Action.LIKE, time);
    }

    static List<String> items(PackedSequence sequence) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < sequence.size(); i++) {
            items.add(sequence.itemId(i));
        }
        return items;
    }

    @Test
    void shouldAppendInOrderAndDropTheOldestBeyondN() {
        PackedSequence sequence = PackedSequence.empty();
        for (int i = 1; i <= 5; i++) {
            assertThat(sequence.add(event("e" + i, "i" + i, i), 3)).isEqualTo(Outcome.APPENDED);
        }
        assertThat(items(sequence)).containsExactly("i3", "i4", "i5");
    }

    @Test
    void shouldInsertALateEventThatIsStillAmongTheNewestN() {
        PackedSequence sequence = PackedSequence.empty();
        sequence.add(event("a", "a", 10), 3);
        sequence.add(event("c", "c", 30), 3);
        assertThat(sequence.add(event("b", "b", 20), 3)).isEqualTo(Outcome.INSERTED_OUT_OF_ORDER);
        assertThat(items(sequence)).containsExactly("a", "b", "c");
        assertThat(sequence.add(event("b2", "b2", 25), 3)).isEqualTo(Outcome.INSERTED_OUT_OF_ORDER);
        assertThat(items(sequence)).containsExactly("b", "b2", "c");
    }

    @Test
    void shouldLeaveTheSequenceUnchangedForDuplicatesAndTooOldEvents() {
        PackedSequence sequence = PackedSequence.empty();
        sequence.add(event("a", "a", 10), 2);
        sequence.add(event("b", "b", 20), 2);
        byte[] before = sequence.encode();
        assertThat(sequence.add(event("a", "other", 99), 2)).isEqualTo(Outcome.DUPLICATE);
        assertThat(sequence.add(event("z", "z", 5), 2)).isEqualTo(Outcome.TOO_OLD);
        assertThat(sequence.encode()).isEqualTo(before);
    }

    @Test
    void shouldKeepEventsWithEqualTimesInArrivalOrder() {
        PackedSequence sequence = PackedSequence.empty();
        sequence.add(event("1", "first", 10), 5);
        sequence.add(event("2", "second", 10), 5);
        assertThat(items(sequence)).containsExactly("first", "second");
    }

    @Test
    void shouldRoundTripThroughItsBinaryForm() {
        Random random = new Random(1);
        PackedSequence sequence = PackedSequence.empty();
        for (int i = 0; i < 500; i++) {
            Action action = Action.values()[random.nextInt(Action.values().length)];
            sequence.add(new Interaction("id" + i, "u", "item-é-" + random.nextInt(10_000), action,
                    1_500_000_000_000L + random.nextInt(1_000_000)), 256);
        }
        PackedSequence copy = PackedSequence.decode(sequence.encode());
        assertThat(copy.size()).isEqualTo(256);
        for (int i = 0; i < copy.size(); i++) {
            assertThat(copy.itemId(i)).isEqualTo(sequence.itemId(i));
            assertThat(copy.action(i)).isEqualTo(sequence.action(i));
            assertThat(copy.eventTime(i)).isEqualTo(sequence.eventTime(i));
        }
        assertThat(copy.encode()).as("event-id hashes survive too").isEqualTo(sequence.encode());
    }

    @Test
    void shouldStoreAFullSequenceOfMovieLensLikeIdsInUnder20BytesPerEntry() {
        PackedSequence sequence = PackedSequence.empty();
        for (int i = 0; i < 256; i++) {
            sequence.add(new Interaction("r-" + i, "u", String.valueOf(100_000 + i * 37), Action.LIKE,
                    1_500_000_000_000L + i * 60_000L), 256);
        }
        // Item id (6 bytes + length), action (1), event-id hash (8), time delta (3).
        assertThat(sequence.encode().length).isLessThan(256 * 20);
    }

    @Test
    void noStateDecodesAsAnEmptySequence() {
        assertThat(PackedSequence.decode(null).size()).isZero();
    }
}
