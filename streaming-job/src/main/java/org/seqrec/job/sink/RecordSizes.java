package org.seqrec.job.sink;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.seqrec.avro.Action;
import org.seqrec.avro.DeadLetter;
import org.seqrec.avro.ErrorKind;
import org.seqrec.avro.Recommendation;
import org.seqrec.avro.ScoredItem;
import org.seqrec.avro.SequenceEntry;
import org.seqrec.avro.SequenceFeature;
import org.seqrec.schemas.AvroCodec;

/**
 * The largest record each sink can be handed under a configuration, measured by encoding the worst
 * case rather than estimated: every id at its maximum length in three-byte UTF-8 characters (the most
 * a UTF-16 character costs), every list at its maximum count, every number at its longest varint.
 * Start-up compares these with {@code sink.max-record-bytes}, so no input can make a sink fail with a
 * record the broker refuses.
 */
public final class RecordSizes {

    /** Kafka's per-record framing, headers and the key beside the value, with room to spare. */
    public static final int RECORD_OVERHEAD_BYTES = 1_024;
    /** The model contract's bounds on its names (ModelMetadata enforces them when it loads a model). */
    static final int MAX_MODEL_STRING = 64;
    static final int MAX_MODEL_ACTIONS = 16;
    /** Kafka's longest topic name. */
    static final int MAX_TOPIC_NAME = 249;

    private static final char WIDEST = '\u4E00';

    private RecordSizes() {}

    /** A feature record with N entries and every id at the longest allowed. */
    public static int feature(int maxSequenceLength, int maxIdLength) {
        List<SequenceEntry> entries = new ArrayList<>(maxSequenceLength);
        for (int i = 0; i < maxSequenceLength; i++) {
            entries.add(new SequenceEntry(id(maxIdLength), Action.values()[Action.values().length - 1], Instant.ofEpochMilli(Long.MAX_VALUE)));
        }
        return AvroCodec.of(SequenceFeature.class).encode(new SequenceFeature(id(maxIdLength), id(maxIdLength), entries,
                Instant.ofEpochMilli(Long.MAX_VALUE))).length + maxIdLength * 3 + RECORD_OVERHEAD_BYTES;
    }

    /** A recommendation listing every allowed candidate, each with the longest id. */
    public static int recommendation(int maxCandidates, int maxIdLength) {
        Map<String, Float> probabilities = new LinkedHashMap<>();
        for (int i = 0; i < MAX_MODEL_ACTIONS; i++) {
            probabilities.put(String.format("%0" + MAX_MODEL_STRING + "d", i), Float.MAX_VALUE);
        }
        List<ScoredItem> items = new ArrayList<>(maxCandidates);
        for (int i = 0; i < maxCandidates; i++) {
            items.add(new ScoredItem(id(maxIdLength), Float.MAX_VALUE, probabilities));
        }
        String modelString = "m".repeat(MAX_MODEL_STRING);
        return AvroCodec.of(Recommendation.class).encode(new Recommendation(id(maxIdLength), id(maxIdLength),
                id(maxIdLength), items, modelString, modelString, Integer.MAX_VALUE, Instant.ofEpochMilli(Long.MAX_VALUE),
                Instant.ofEpochMilli(Long.MAX_VALUE))).length + maxIdLength * 3 + RECORD_OVERHEAD_BYTES;
    }

    /** A dead letter whose key and value were both cut to {@code maxRawBytes}. */
    public static int deadLetter(int maxRawBytes, int maxMessageChars) {
        ByteBuffer raw = ByteBuffer.wrap(new byte[maxRawBytes]);
        String digest = "0".repeat(64);
        return AvroCodec.of(DeadLetter.class).encode(DeadLetter.newBuilder()
                .setSourceTopic("t".repeat(MAX_TOPIC_NAME)).setSourcePartition(Integer.MAX_VALUE)
                .setSourceOffset(Long.MAX_VALUE).setRawKey(raw).setRawValue(raw.duplicate())
                .setRawKeySize(Integer.MAX_VALUE).setRawValueSize(Integer.MAX_VALUE).setTruncated(true)
                .setRawKeySha256(digest).setRawValueSha256(digest).setErrorKind(ErrorKind.ABSURD_TIMESTAMP)
                .setMessage(String.valueOf(WIDEST).repeat(maxMessageChars))
                .setFailedTime(Instant.ofEpochMilli(Long.MAX_VALUE)).build()).length
                + maxRawBytes + RECORD_OVERHEAD_BYTES;
    }

    private static String id(int length) {
        return String.valueOf(WIDEST).repeat(length);
    }
}
