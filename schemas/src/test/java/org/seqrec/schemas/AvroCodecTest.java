package org.seqrec.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;
import org.seqrec.avro.Action;
import org.seqrec.avro.ErrorKind;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.RankingRequest;

class AvroCodecTest {

    private final AvroCodec<InteractionEvent> events = AvroCodec.of(InteractionEvent.class);

    static InteractionEvent event() {
        return InteractionEvent.newBuilder()
                .setEventId("e-1").setUserId("u-1").setItemId("318").setAction(Action.LIKE)
                .setEventTime(Instant.ofEpochSecond(964982703)).setValue(4.5).build();
    }

    @Test
    void roundTripsARecordWithTheSingleObjectHeader() throws Exception {
        byte[] bytes = events.encode(event());
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(events.decode(bytes)).isEqualTo(event());
    }

    @Test
    void readsAMessageWrittenWithAnOlderVersionOfTheSchema() throws Exception {
        // A writer on an older version that lacked the optional "value" field.
        Schema current = InteractionEvent.getClassSchema();
        String json = current.toString().replaceFirst(",\\{\"name\":\"value\".*?\"default\":null\\}", "");
        Schema older = new Schema.Parser().parse(json);
        assertThat(older.getField("value")).isNull();
        GenericRecord old = new GenericData.Record(older);
        old.put("event_id", "e-old");
        old.put("user_id", "u-1");
        old.put("item_id", "1");
        old.put("action", new GenericData.EnumSymbol(older.getField("action").schema(), "CLICK"));
        old.put("event_time", 1000L);
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(old).array();

        AvroCodec<InteractionEvent> codec = AvroCodec.withWriterSchemas(InteractionEvent.class, List.of(older));
        InteractionEvent read = codec.decode(bytes);
        assertThat(read.getEventId()).isEqualTo("e-old");
        assertThat(read.getAction()).isEqualTo(Action.CLICK);
        assertThat(read.getValue()).isNull();
    }

    @Test
    void saysWhichRecordTypeArrivedOnTheWrongTopic() {
        byte[] request = AvroCodec.of(RankingRequest.class).encode(RankingRequest.newBuilder()
                .setRequestId("r").setUserId("u").setCandidateItemIds(List.of("1")).setK(1)
                .setRequestTime(Instant.EPOCH).build());
        assertThatThrownBy(() -> events.decode(request))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("Got RankingRequest; expected InteractionEvent")
                .extracting(e -> ((DecodeException) e).kind()).isEqualTo(ErrorKind.WRONG_RECORD_TYPE);
    }

    @Test
    void classifiesGarbageTruncationAndUnknownFingerprints() {
        byte[] good = events.encode(event());
        assertThat(kindOf("hello world".getBytes())).isEqualTo(ErrorKind.NOT_AVRO);
        assertThat(kindOf(new byte[0])).isEqualTo(ErrorKind.NOT_AVRO);
        assertThat(kindOf(Arrays.copyOf(good, good.length - 5))).isEqualTo(ErrorKind.CORRUPT_PAYLOAD);
        byte[] unknown = good.clone();
        unknown[5] ^= 0x5A;
        assertThat(kindOf(unknown)).isEqualTo(ErrorKind.UNKNOWN_SCHEMA);
    }

    @Test
    void randomBodiesBehindAValidHeaderNeverEscapeAsAnythingButDecodeException() {
        byte[] header = Arrays.copyOf(events.encode(event()), 10);
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] body = new byte[random.nextInt(64)];
            random.nextBytes(body);
            byte[] message = Arrays.copyOf(header, header.length + body.length);
            System.arraycopy(body, 0, message, header.length, body.length);
            try {
                events.decode(message);
            } catch (DecodeException expected) {
                assertThat(expected.kind()).isEqualTo(ErrorKind.CORRUPT_PAYLOAD);
            }
        }
    }

    @Test
    void aGiantLengthPrefixIsRejectedWithoutAllocatingIt() {
        byte[] header = Arrays.copyOf(events.encode(event()), 10);
        // Zig-zag varint of a 1e9-byte string length, then nothing.
        byte[] message = Arrays.copyOf(header, 15);
        long v = 2_000_000_000L;
        for (int i = 10; i < 15; i++, v >>>= 7) {
            message[i] = (byte) (i < 14 ? (v & 0x7F) | 0x80 : v);
        }
        assertThatThrownBy(() -> events.decode(message))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("exceeds maximum allowed");
    }

    @Test
    void survivesJavaSerializationAsFlinkShipsIt() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(events);
        }
        @SuppressWarnings("unchecked")
        AvroCodec<InteractionEvent> copy = (AvroCodec<InteractionEvent>)
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())).readObject();
        assertThat(copy.decode(events.encode(event()))).isEqualTo(event());
    }

    private ErrorKind kindOf(byte[] bytes) {
        try {
            events.decode(bytes);
            throw new AssertionError("decoded garbage");
        } catch (DecodeException e) {
            return e.kind();
        }
    }

    @Test
    void refusesBytesAfterTheRecordAsCorrupt() throws Exception {
        byte[] bytes = events.encode(event());
        for (byte[] tail : List.of(new byte[] {0}, new byte[] {2, 'x'}, events.encode(event()))) {
            byte[] extended = Arrays.copyOf(bytes, bytes.length + tail.length);
            System.arraycopy(tail, 0, extended, bytes.length, tail.length);
            assertThatThrownBy(() -> events.decode(extended))
                    .isInstanceOfSatisfying(DecodeException.class,
                            e -> assertThat(e.kind()).isEqualTo(ErrorKind.CORRUPT_PAYLOAD))
                    .hasMessageContaining("followed by bytes");
        }
    }

    @Test
    void refusesStringsThatAreNotUtf8InsteadOfRewritingThem() throws Exception {
        // user_id "u-1" is the second string of the body; its bytes follow event_id's.
        byte[] bytes = events.encode(event());
        int userId = indexOf(bytes, "u-1".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (byte[] invalid : List.of(
                new byte[] {(byte) 0xFF, '-', '1'},                 // never valid in UTF-8
                new byte[] {'u', (byte) 0x80, '1'},                  // stray continuation byte
                new byte[] {(byte) 0xC0, (byte) 0xAF, '1'})) {       // overlong '/'
            byte[] corrupt = bytes.clone();
            System.arraycopy(invalid, 0, corrupt, userId, invalid.length);
            assertThatThrownBy(() -> events.decode(corrupt))
                    .isInstanceOfSatisfying(DecodeException.class,
                            e -> assertThat(e.kind()).isEqualTo(ErrorKind.CORRUPT_PAYLOAD))
                    .hasMessageContaining("not valid UTF-8");
        }
    }

    @Test
    void acceptsEveryValidUtf8StringUnchanged() throws Exception {
        InteractionEvent unusual = InteractionEvent.newBuilder(event())
                .setUserId("用户-\uD83D\uDE00-é-\uFFFD").build();
        assertThat(events.decode(events.encode(unusual))).isEqualTo(unusual);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
