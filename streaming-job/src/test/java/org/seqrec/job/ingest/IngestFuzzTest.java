package org.seqrec.job.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.seqrec.avro.Action;
import org.seqrec.avro.CandidatePoolUpdate;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.RankingRequest;

/**
 * Property-based fuzzing of the decode-and-validate step of every input topic, driven by the topics'
 * Avro schemas: arbitrary bytes, arbitrary datums of the schema (every string from the whole of UTF-16,
 * every number at its extremes), and those datums mutated on the wire (truncated, extended, bits
 * flipped, bytes overwritten, varints such as length prefixes, block counts and enum or union indices
 * rewritten). The property: each record is either accepted with every field inside its documented
 * domain, and exactly as the producer wrote it, or dead-lettered with a kind and a bounded size; never
 * an exception. Each property runs {@code fuzz.cases} seeded cases (4,000 in the test command);
 * {@code scripts/fuzz.sh} runs the same properties with many more.
 */
class IngestFuzzTest {

    private static final int MAX_ID = 64;
    private static final int MAX_CANDIDATES = 40;
    private static final int MAX_RAW = 512;
    private static final Instant MIN_TIME = Instant.parse("1990-01-01T00:00:00Z");
    private static final Duration SKEW = Duration.ofHours(1);
    private static final Pattern FORBIDDEN_IN_ID =
            Pattern.compile("[\\p{Cc}\\p{Zl}\\p{Zp}\\p{Cs}[\\p{Cf}&&[^\\u200C\\u200D]]\\uFDD0-\\uFDEF\\uFFFE\\uFFFF]");

    /** One input topic: its Avro type, the job's validator for it, and the documented domain of its values. */
    private record Topic<A extends SpecificRecord, T>(Class<A> avroType, RecordValidator<A, T> validator,
            Consumer<T> domain) {

        @SuppressWarnings("unchecked")
        DecodingDeserializer<A, T> deserializer() {
            return (DecodingDeserializer<A, T>) DESERIALIZERS.computeIfAbsent(avroType,
                    type -> new DecodingDeserializer<>(avroType, validator, new TypeHint<Ingested<T>>() {}.getTypeInfo(), MAX_RAW));
        }

        Schema schema() {
            return SpecificData.get().getSchema(avroType);
        }
    }

    /** Cases per property; {@code scripts/fuzz.sh} raises it for long runs. */
    private static final int CASES = Integer.getInteger("fuzz.cases", 4_000);

    private final Map<String, Integer> outcomes = new HashMap<>();

    private static final Map<Class<?>, DecodingDeserializer<?, ?>> DESERIALIZERS = new ConcurrentHashMap<>();

    private static final List<Topic<?, ?>> TOPICS = List.of(
            new Topic<>(InteractionEvent.class, new InteractionValidator(MIN_TIME, SKEW, MAX_ID), (Interaction i) -> {
                assertValidId(i.eventId);
                assertValidId(i.userId);
                assertValidId(i.itemId);
                assertThat(i.action).isNotNull();
                assertPlausible(i.eventTime);
            }),
            new Topic<>(RankingRequest.class,
                    new RankRequestValidator(MIN_TIME, SKEW, MAX_ID, MAX_CANDIDATES), (RankRequest r) -> {
                assertValidId(r.requestId);
                assertValidId(r.userId);
                assertThat(r.candidateItemIds).hasSizeBetween(1, MAX_CANDIDATES).doesNotHaveDuplicates();
                Arrays.stream(r.candidateItemIds).forEach(IngestFuzzTest::assertValidId);
                assertThat(r.k).isBetween(1, r.candidateItemIds.length);
                assertPlausible(r.requestTime);
            }),
            new Topic<>(CandidatePoolUpdate.class, new PoolChangeValidator(MAX_ID, MAX_CANDIDATES), (PoolChange p) -> {
                assertThat(p.itemIds).isNotEmpty().hasSizeLessThanOrEqualTo(MAX_CANDIDATES);
                Arrays.stream(p.itemIds).forEach(IngestFuzzTest::assertValidId);
            }));

    @Test
    void arbitraryBytesAreAcceptedValidOrDeadLettered() {
        forAll(random -> check(topic(random), payload(random)));
    }

    @Test
    void arbitraryDatumsOfTheSchemaAreAcceptedValidOrDeadLettered() {
        forAll(random -> {
            Topic<?, ?> t = topic(random);
            check(t, encode(t.schema(), datum(t.schema(), random)));
        });
    }

    @Test
    void mutatedDatumsAreAcceptedValidOrDeadLettered() {
        forAll(random -> {
            Topic<?, ?> t = topic(random);
            check(t, mutate(encode(t.schema(), datum(t.schema(), random)), random));
        });
        // The fuzzer must reach both sides and the decoder's own failures, or it proves little.
        assertThat(share("accepted")).as("share accepted").isGreaterThan(0.005);
        assertThat(share("CORRUPT_PAYLOAD")).as("share CORRUPT_PAYLOAD").isGreaterThan(0.2);
        assertThat(share("INVALID_FIELD")).as("share INVALID_FIELD").isGreaterThan(0.01);
    }

    @Test
    void anIdIsAcceptedOnlyAsTheExactValidUtf8ItWasSentAs() {
        forAll(random -> {
            byte[] rawId = rawId(random);
            // A valid interaction whose user id is replaced, on the wire, by arbitrary bytes.
            String marker = "USER-ID-MARKER";
            InteractionEvent event = new InteractionEvent("e", marker, "i", Action.LIKE, Instant.now(), null);
            byte[] body = encode(event.getSchema(), toGeneric(event));
            byte[] markerBytes = marker.getBytes(StandardCharsets.UTF_8);
            int at = indexOf(body, markerBytes);
            ByteBuffer out = ByteBuffer.allocate(body.length + rawId.length + 10);
            out.put(body, 0, at - 1); // the marker's one-byte length prefix precedes it
            writeVarint(out, rawId.length);
            out.put(rawId).put(body, at + markerBytes.length, body.length - at - markerBytes.length);
            byte[] payload = Arrays.copyOf(out.array(), out.position());

            Ingested<?> result = check(TOPICS.get(0), payload);
            String decoded = strictUtf8(rawId);
            boolean valid = decoded != null && isValidId(decoded);
            assertThat(result.value != null).as("accepted iff the bytes are a valid id").isEqualTo(valid);
            if (valid) {
                assertThat(((Interaction) result.value).userId.getBytes(StandardCharsets.UTF_8)).isEqualTo(rawId);
            }
        });
        assertThat(share("accepted")).as("share accepted").isGreaterThan(0.1);
    }

    /**
     * Runs a property on {@code fuzz.cases} cases, each from its own seed; a failure names the seed, and
     * {@code -Dfuzz.seed=S -Dfuzz.cases=1} replays exactly that case.
     */
    private static void forAll(Consumer<Random> property) {
        long base = Long.getLong("fuzz.seed", 20_261_202L);
        for (int i = 0; i < CASES; i++) {
            long seed = base + i;
            try {
                property.accept(new Random(seed));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("Case with seed " + seed + " failed (replay it with -Dfuzz.seed=" + seed
                        + " -Dfuzz.cases=1): " + e.getMessage(), e);
            }
        }
    }

    private double share(String outcome) {
        int total = outcomes.values().stream().mapToInt(Integer::intValue).sum();
        return outcomes.getOrDefault(outcome, 0) / (double) total;
    }

    private static Topic<?, ?> topic(Random random) {
        return TOPICS.get(random.nextInt(TOPICS.size()));
    }

    private static byte[] payload(Random random) {
        byte[] bytes = new byte[random.nextInt(201)];
        random.nextBytes(bytes);
        return switch (random.nextInt(8)) {
            case 0 -> null;
            case 1 -> new byte[0];
            case 2, 3, 4 -> { // behind a valid single-object marker, so the fingerprint check is reached
                byte[] out = Arrays.copyOf(new byte[] {(byte) 0xC3, 0x01}, 2 + bytes.length);
                System.arraycopy(bytes, 0, out, 2, bytes.length);
                yield out;
            }
            default -> bytes;
        };
    }

    private static byte[] rawId(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> {
                byte[] bytes = new byte[random.nextInt(41)];
                random.nextBytes(bytes);
                yield bytes;
            }
            case 1 -> string(random).getBytes(StandardCharsets.UTF_8);
            default -> ("id-" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36)).getBytes(StandardCharsets.UTF_8);
        };
    }

    /** Runs one payload through the topic's deserializer and checks the property. */
    private <A extends SpecificRecord, T> Ingested<?> check(Topic<A, T> topic, byte[] payload) {
        List<Ingested<T>> out = new ArrayList<>();
        topic.deserializer().deserialize(new ConsumerRecord<>("topic", 0, 0, new byte[] {1}, payload), collector(out));
        assertThat(out).hasSize(1);
        Ingested<T> result = out.get(0);
        outcomes.merge(result.value != null ? "accepted" : result.deadLetter.errorKind.name(), 1, Integer::sum);
        assertThat(result.value == null).as("exactly one of value and dead letter").isNotEqualTo(result.deadLetter == null);
        if (result.value != null) {
            topic.domain().accept(result.value);
            assertSentAsIs(result.value, payload);
        } else {
            DeadLetterRecord letter = result.deadLetter;
            assertThat(letter.errorKind).isNotNull();
            assertThat(letter.message).isNotBlank().hasSizeLessThanOrEqualTo(DeadLetterRecord.MAX_MESSAGE_CHARS);
            assertThat(letter.rawValue == null ? 0 : letter.rawValue.length).isLessThanOrEqualTo(MAX_RAW);
            assertThat(letter.rawValueSize).isEqualTo(payload == null ? 0 : payload.length);
        }
        return result;
    }

    /** Every accepted id must appear in the payload byte for byte: nothing was repaired or replaced. */
    private static void assertSentAsIs(Object value, byte[] payload) {
        List<String> ids;
        if (value instanceof Interaction i) {
            ids = List.of(i.eventId, i.userId, i.itemId);
        } else if (value instanceof RankRequest r) {
            ids = concat(List.of(r.requestId, r.userId), r.candidateItemIds);
        } else {
            ids = List.of(((PoolChange) value).itemIds);
        }
        for (String id : ids) {
            assertThat(indexOf(payload, id.getBytes(StandardCharsets.UTF_8))).as("id bytes in the payload").isNotNegative();
        }
    }

    private static List<String> concat(List<String> a, String[] b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(List.of(b));
        return out;
    }

    private static void assertValidId(String id) {
        assertThat(isValidId(id)).as("valid id: %s", id.codePoints().mapToObj(c -> String.format("U+%04X", c)).toList())
                .isTrue();
    }

    /** The documented id alphabet, written independently of {@link Ids}. */
    private static boolean isValidId(String id) {
        if (id.isEmpty() || id.length() > MAX_ID || FORBIDDEN_IN_ID.matcher(id).find()) {
            return false;
        }
        if (id.codePoints().anyMatch(c -> (c & 0xFFFE) == 0xFFFE)) {
            return false;
        }
        int first = id.codePointAt(0);
        int last = id.codePointBefore(id.length());
        return !isSpace(first) && !isSpace(last);
    }

    private static boolean isSpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    private static void assertPlausible(long time) {
        assertThat(time).isGreaterThanOrEqualTo(MIN_TIME.toEpochMilli())
                .isLessThanOrEqualTo(System.currentTimeMillis() + SKEW.toMillis());
    }

    private static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    // ---- datums generated from the schema ----

    private static Object datum(Schema schema, Random random) {
        return switch (schema.getType()) {
            case RECORD -> {
                GenericRecord record = new GenericData.Record(schema);
                schema.getFields().forEach(f -> record.put(f.name(), datum(f.schema(), random)));
                yield record;
            }
            case STRING -> string(random);
            case LONG -> longValue(random);
            case INT -> switch (random.nextInt(4)) {
                case 0 -> random.nextInt();
                case 1 -> random.nextBoolean() ? Integer.MAX_VALUE : Integer.MIN_VALUE;
                default -> random.nextInt(12) - 2;
            };
            case DOUBLE -> switch (random.nextInt(5)) {
                case 0 -> Double.NaN;
                case 1 -> random.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                case 2 -> Double.longBitsToDouble(random.nextLong());
                default -> random.nextInt(11) / 2.0;
            };
            case ENUM -> new GenericData.EnumSymbol(schema,
                    schema.getEnumSymbols().get(random.nextInt(schema.getEnumSymbols().size())));
            case ARRAY -> {
                int size = switch (random.nextInt(6)) {
                    case 0 -> 0;
                    case 1 -> MAX_CANDIDATES + random.nextInt(3);
                    default -> 1 + random.nextInt(8);
                };
                List<Object> items = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    items.add(random.nextInt(8) == 0 && !items.isEmpty() ? items.get(0) : datum(schema.getElementType(), random));
                }
                yield items;
            }
            case UNION -> datum(schema.getTypes().get(random.nextInt(schema.getTypes().size())), random);
            case NULL -> null;
            default -> throw new IllegalStateException("the input schemas hold no " + schema.getType());
        };
    }

    private static String string(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> "";
            case 1 -> {
                StringBuilder any = new StringBuilder();
                int length = random.nextInt(MAX_ID + 8);
                for (int i = 0; i < length; i++) {
                    any.append((char) random.nextInt(Character.MAX_VALUE + 1));
                }
                yield any.toString();
            }
            case 2 -> List.of("\0", "\0\0\0", " u", "u ", "\u001b[2J", "u\u202Ev", "\uFEFF", "用户", "👩‍💻", "é")
                    .get(random.nextInt(10));
            default -> "id-" + random.nextInt(1_000);
        };
    }

    private static long longValue(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> random.nextLong();
            case 1 -> List.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L).get(random.nextInt(4));
            default -> System.currentTimeMillis() - random.nextInt(1_000_000_000) + 100_000_000L;
        };
    }

    private static byte[] encode(Schema schema, Object datum) {
        try {
            ByteBuffer buffer = new BinaryMessageEncoder<>(GenericData.get(), schema).encode(datum);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalStateException(e);
        }
    }

    private static GenericRecord toGeneric(InteractionEvent event) {
        GenericRecord record = new GenericData.Record(event.getSchema());
        record.put("event_id", event.getEventId());
        record.put("user_id", event.getUserId());
        record.put("item_id", event.getItemId());
        record.put("action", new GenericData.EnumSymbol(event.getSchema().getField("action").schema(),
                event.getAction().name()));
        record.put("event_time", event.getEventTime().toEpochMilli());
        record.put("value", null);
        return record;
    }

    // ---- wire mutations ----

    private static byte[] mutate(byte[] bytes, Random random) {
        byte[] out = bytes.clone();
        int mutations = random.nextInt(10) < 7 ? 1 : 2 + random.nextInt(2);
        for (int m = 0; m < mutations && out.length > 0; m++) {
            int at = 10 + random.nextInt(Math.max(1, out.length - 10));
            at = Math.min(at, out.length - 1);
            switch (random.nextInt(6)) {
                case 0 -> out = Arrays.copyOf(out, random.nextInt(out.length)); // truncate
                case 1 -> { // extend
                    byte[] tail = new byte[1 + random.nextInt(8)];
                    random.nextBytes(tail);
                    byte[] longer = Arrays.copyOf(out, out.length + tail.length);
                    System.arraycopy(tail, 0, longer, out.length, tail.length);
                    out = longer;
                }
                case 2 -> out[at] ^= (byte) (1 << random.nextInt(8)); // flip a bit
                case 3 -> out[at] = (byte) random.nextInt(256); // overwrite a byte
                case 4 -> { // a varint (length prefix, block count, enum or union index) at its extremes
                    ByteBuffer varint = ByteBuffer.allocate(10);
                    writeVarint(varint, List.of(-1L, -2L, Long.MAX_VALUE, (long) Integer.MAX_VALUE, 1L << 31, 127L)
                            .get(random.nextInt(6)));
                    byte[] longer = new byte[out.length + varint.position() - 1];
                    System.arraycopy(out, 0, longer, 0, at);
                    System.arraycopy(varint.array(), 0, longer, at, varint.position());
                    System.arraycopy(out, at + 1, longer, at + varint.position(), out.length - at - 1);
                    out = longer;
                }
                default -> out[at] = (byte) (random.nextBoolean() ? 0x80 : 0xFF); // continuation or invalid byte
            }
        }
        return out;
    }

    /** Avro's zig-zag varint. */
    private static void writeVarint(ByteBuffer out, long value) {
        long n = (value << 1) ^ (value >> 63);
        while ((n & ~0x7FL) != 0) {
            out.put((byte) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.put((byte) n);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        if (haystack == null) {
            return -1;
        }
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static <T> Collector<T> collector(List<T> out) {
        return new Collector<>() {
            @Override
            public void collect(T record) {
                out.add(record);
            }

            @Override
            public void close() {}
        };
    }
}
