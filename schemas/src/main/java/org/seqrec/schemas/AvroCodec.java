package org.seqrec.schemas;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SystemLimitException;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.seqrec.avro.ErrorKind;

/**
 * Avro single-object encoding of one record type: {@code C3 01}, the writer schema's 8-byte
 * fingerprint, then the binary body. Messages written with any published version of the schema
 * (see {@link SchemaHistory}) are read and resolved to the current class. Decoding is strict: the
 * body must be consumed exactly (no trailing bytes) and every string must be valid UTF-8, so what the
 * job accepts is exactly what the producer wrote.
 *
 * <p>Serializable so Flink can ship it inside operators; the Avro machinery is rebuilt lazily on
 * each task.
 */
public final class AvroCodec<T extends SpecificRecord> implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int HEADER_LENGTH = 10;

    /**
     * Largest string or bytes field, and longest array, a message may declare. Avro allocates what a
     * length prefix claims before it reads the body, so without these limits ten bytes of garbage can
     * ask for a gigabyte. Kafka's default message size (1 MiB) bounds any honest field well below.
     */
    static final int MAX_FIELD_BYTES = 16 * 1024 * 1024;
    static final int MAX_COLLECTION_ITEMS = 1_000_000;

    static {
        System.setProperty(SystemLimitException.MAX_STRING_LENGTH_PROPERTY,
                System.getProperty(SystemLimitException.MAX_STRING_LENGTH_PROPERTY, String.valueOf(MAX_FIELD_BYTES)));
        System.setProperty(SystemLimitException.MAX_BYTES_LENGTH_PROPERTY,
                System.getProperty(SystemLimitException.MAX_BYTES_LENGTH_PROPERTY, String.valueOf(MAX_FIELD_BYTES)));
        System.setProperty(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY,
                System.getProperty(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY,
                        String.valueOf(MAX_COLLECTION_ITEMS)));
    }

    private final Class<T> type;
    private final List<String> writerSchemas;
    private transient BinaryMessageEncoder<T> encoder;
    private transient Map<Long, SpecificDatumReader<T>> readersByFingerprint;
    // Per thread, because a codec may be shared; each keeps its buffers from one message to the next.
    private transient ThreadLocal<StrictUtf8Decoder> bodies;

    private AvroCodec(Class<T> type, List<Schema> writerSchemas) {
        this.type = type;
        this.writerSchemas = writerSchemas.stream().map(Schema::toString).toList();
    }

    /** A codec that reads every published version of the type's schema. */
    public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
        return withWriterSchemas(type, SchemaHistory.versions(SpecificData.get().getSchema(type).getName()));
    }

    /** A codec that also reads messages written with the given writer schemas. */
    static <T extends SpecificRecord> AvroCodec<T> withWriterSchemas(Class<T> type, List<Schema> writerSchemas) {
        AvroCodec<T> codec = new AvroCodec<>(type, writerSchemas);
        codec.init();
        return codec;
    }

    public Class<T> type() {
        return type;
    }

    public Schema schema() {
        return SpecificData.get().getSchema(type);
    }

    public byte[] encode(T record) {
        init();
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode " + type.getSimpleName(), e);
        }
    }

    /**
     * Decodes one message, or says precisely why it is not a message of this type.
     *
     * @throws DecodeException with the dead-letter {@link ErrorKind} and a message for a person
     */
    public T decode(byte[] bytes) throws DecodeException {
        init();
        String expected = type.getSimpleName();
        if (bytes == null || bytes.length == 0) {
            throw new DecodeException(ErrorKind.NOT_AVRO, "Empty payload; expected " + expected);
        }
        if (bytes.length < HEADER_LENGTH || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
            throw new DecodeException(
                    ErrorKind.NOT_AVRO,
                    "Not Avro single-object encoding (no C3 01 header and 8-byte fingerprint); expected "
                            + expected);
        }
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        SpecificDatumReader<T> reader = readersByFingerprint.get(fingerprint);
        if (reader == null) {
            Schema other = ProjectSchemas.byFingerprint(fingerprint).orElse(null);
            if (other != null) {
                throw new DecodeException(
                        ErrorKind.WRONG_RECORD_TYPE,
                        "Got " + other.getName() + "; expected " + expected);
            }
            throw new DecodeException(
                    ErrorKind.UNKNOWN_SCHEMA,
                    String.format("Schema fingerprint %016x is not a known version of %s", fingerprint, expected));
        }
        try {
            StrictUtf8Decoder body = bodies.get().reset(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH);
            T value = reader.read(null, body);
            if (!body.isEnd()) {
                throw new DecodeException(ErrorKind.CORRUPT_PAYLOAD,
                        expected + " body is followed by bytes that belong to no field; a payload must be exactly"
                                + " one record");
            }
            return value;
        } catch (DecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Any failure inside the body of a message with a valid header is corrupt input, not a bug.
            throw new DecodeException(
                    ErrorKind.CORRUPT_PAYLOAD,
                    expected + " header with a body that does not decode (" + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")",
                    e);
        }
    }

    /**
     * Fails if Avro's allocation limits are not in force, which happens when Avro decoded something
     * before this class was loaded and no {@code -Dorg.apache.avro.limits.*} flags were given. Code that decodes
     * Avro without this class (container files, say) calls it first, which also puts this class's limits in force.
     */
    public static void requireAllocationLimits() {
        try {
            SystemLimitException.checkMaxStringLength(Integer.MAX_VALUE - 16L);
        } catch (RuntimeException expected) {
            return;
        }
        throw new IllegalStateException("Avro decodes without allocation limits, so corrupt input can exhaust the heap."
                + " Start the JVM with -D" + SystemLimitException.MAX_STRING_LENGTH_PROPERTY + "=" + MAX_FIELD_BYTES
                + " -D" + SystemLimitException.MAX_BYTES_LENGTH_PROPERTY + "=" + MAX_FIELD_BYTES
                + " -D" + SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY + "=" + MAX_COLLECTION_ITEMS);
    }

    private void init() {
        if (encoder != null) {
            return;
        }
        requireAllocationLimits();
        Schema current = schema();
        SpecificData model = SpecificData.getForClass(type);
        Map<Long, SpecificDatumReader<T>> readers = new HashMap<>();
        readers.put(SchemaNormalization.parsingFingerprint64(current), new SpecificDatumReader<>(current, current, model));
        for (String json : writerSchemas) {
            Schema writer = new Schema.Parser().parse(json);
            readers.putIfAbsent(SchemaNormalization.parsingFingerprint64(writer),
                    new SpecificDatumReader<>(writer, current, model));
        }
        encoder = new BinaryMessageEncoder<>(model, current);
        readersByFingerprint = Map.copyOf(readers);
        bodies = ThreadLocal.withInitial(StrictUtf8Decoder::new);
    }
}
