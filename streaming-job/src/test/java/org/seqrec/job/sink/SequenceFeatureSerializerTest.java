package org.seqrec.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.seqrec.avro.Action;
import org.seqrec.avro.SequenceEntry;
import org.seqrec.avro.SequenceFeature;
import org.seqrec.job.ingest.Interaction;
import org.seqrec.job.sequence.PackedSequence;
import org.seqrec.job.sequence.SequenceUpdate;
import org.seqrec.schemas.AvroCodec;

/** The hand-driven encoder writes exactly what Avro's own encoder writes for the same record. */
class SequenceFeatureSerializerTest {

    private static final AvroCodec<SequenceFeature> CODEC = AvroCodec.of(SequenceFeature.class);

    @Test
    void shouldWriteTheSameBytesAsAvroForSequencesOfEveryLength() throws Exception {
        Random random = new Random(3);
        SequenceFeatureSerializer serializer = new SequenceFeatureSerializer("features");
        PackedSequence sequence = PackedSequence.empty();
        for (int i = 0; i <= 300; i++) {
            SequenceUpdate update = new SequenceUpdate("user-ü-" + i % 7, "event-" + i,
                    1_500_000_000_000L + i * 1000L, sequence.encode());
            byte[] expected = CODEC.encode(reference(update));
            assertThat(serializer.encode(update)).as("after %d interactions", i).isEqualTo(expected);
            assertThat(CODEC.decode(serializer.encode(update))).isEqualTo(reference(update));
            Action action = Action.values()[random.nextInt(Action.values().length)];
            String item = random.nextBoolean() ? String.valueOf(random.nextInt(200_000)) : "é-" + "x".repeat(random.nextInt(80));
            sequence.add(new Interaction("id" + i, "u", item, action,
                    1_500_000_000_000L + random.nextInt(1_000_000)), 256);
        }
    }

    /** The record built field by field through the generated classes. */
    private static SequenceFeature reference(SequenceUpdate update) {
        PackedSequence sequence = update.sequence();
        List<SequenceEntry> entries = new ArrayList<>();
        for (int i = 0; i < sequence.size(); i++) {
            entries.add(new SequenceEntry(sequence.itemId(i), sequence.action(i),
                    Instant.ofEpochMilli(sequence.eventTime(i))));
        }
        return new SequenceFeature(update.userId, update.triggerEventId, entries,
                Instant.ofEpochMilli(update.eventTime));
    }
}
