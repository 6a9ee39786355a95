package org.seqrec.job.sink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.seqrec.avro.SequenceFeature;
import org.seqrec.job.sequence.PackedSequence;
import org.seqrec.job.sequence.SequenceUpdate;
import org.seqrec.job.wire.EncodedRecord;

/**
 * Writes each sequence update as a {@link SequenceFeature} in Avro single-object encoding, straight from
 * the packed bytes: the same bytes {@code AvroCodec} writes for the equivalent record (a test holds it
 * to that), without building one {@code SequenceEntry} per kept interaction. Building and writing those
 * records was the largest cost of the whole feature path (docs/benchmarks.md, optimisation pass).
 */
public final class SequenceFeatureSerializer implements KafkaRecordSerializationSchema<SequenceUpdate> {

    private static final long serialVersionUID = 1L;

    /** Avro's single-object marker (C3 01) and the schema's 64-bit fingerprint, little-endian. */
    private static final byte[] HEADER = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN)
            .put((byte) 0xC3).put((byte) 0x01)
            .putLong(SchemaNormalization.parsingFingerprint64(SequenceFeature.getClassSchema()))
            .array();

    // Buffered: a direct encoder would write each varint byte separately into the output stream.
    private static final EncoderFactory ENCODERS = new EncoderFactory().configureBufferSize(8192);

    private final String topic;

    private transient ByteArrayOutputStream buffer;
    private transient BinaryEncoder encoder;

    public SequenceFeatureSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(SequenceUpdate update, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, timestamp, EncodedRecord.key(update.userId), encode(update));
    }

    public byte[] encode(SequenceUpdate update) {
        if (buffer == null) {
            buffer = new ByteArrayOutputStream(8192);
        }
        buffer.reset();
        buffer.writeBytes(HEADER);
        try {
            encoder = ENCODERS.binaryEncoder(buffer, encoder);
            encoder.writeString(update.userId);
            encoder.writeString(update.triggerEventId);
            writeEntries(update.packedSequence, encoder);
            encoder.writeLong(update.eventTime);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    /**
     * Writes the entries of a packed sequence, oldest first, as the Avro binary of the feature record's
     * {@code array<SequenceEntry>} field (item id, action symbol index = the enum's ordinal, event time),
     * reading the packed columns in place, so that neither a sequence nor any per-entry object is built.
     */
    static void writeEntries(byte[] packed, Encoder encoder) throws IOException {
        PackedSequence.ColumnReader entries = new PackedSequence.ColumnReader(packed);
        encoder.writeArrayStart();
        encoder.setItemCount(entries.size());
        while (entries.next()) {
            encoder.startItem();
            encoder.writeBytes(entries.bytes(), entries.itemOffset(), entries.itemLength());
            encoder.writeEnum(entries.actionOrdinal());
            encoder.writeLong(entries.eventTime());
        }
        encoder.writeArrayEnd();
    }
}
