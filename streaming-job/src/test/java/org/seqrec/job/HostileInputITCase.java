package org.seqrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.seqrec.avro.Action;
import org.seqrec.avro.CandidatePoolUpdate;
import org.seqrec.avro.DeadLetter;
import org.seqrec.avro.ErrorKind;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.PoolOp;
import org.seqrec.avro.RankingRequest;
import org.seqrec.avro.Recommendation;
import org.seqrec.avro.SequenceFeature;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.testing.FlinkCluster;
import org.seqrec.testing.JobTopics;
import org.seqrec.testing.SharedKafka;
import org.seqrec.testing.Topics;

/**
 * Records at the edges of every limit, on every input topic, through the whole job with scoring on
 * (real broker, MiniCluster, RocksDB, ONNX Runtime): records just under the broker's 1 MiB message
 * limit, keys of half a megabyte, bytes after a valid body, invalid UTF-8, ids of NULs and terminal
 * escapes, beside the largest legal request, pool update and sequence. Each hostile record becomes one
 * dead letter that fits its topic, each legal one is processed, and the job never restarts.
 */
class HostileInputITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.withReporter(METRICS);

    private static final AvroCodec<InteractionEvent> EVENTS = AvroCodec.of(InteractionEvent.class);
    private static final AvroCodec<RankingRequest> REQUESTS = AvroCodec.of(RankingRequest.class);
    private static final AvroCodec<CandidatePoolUpdate> POOL = AvroCodec.of(CandidatePoolUpdate.class);
    private static final int BROKER_LIMIT = 1024 * 1024;
    private static final int MAX_ID = 256;
    private static final int N = 256;
    private static final int MAX_RAW = 256 * 1024;
    private static final Instant NOW = Instant.now();

    private record Hostile(String topic, byte[] key, byte[] value, ErrorKind kind) {}

    @Test
    void everyHostileRecordIsDeadLetteredWithinTheLimitAndEveryLegalOneAtTheLimitIsProcessed() throws Exception {
        JobTopics topics = JobTopics.create();
        String longUser = longId('\u4E00', "");
        List<String> poolItems = new ArrayList<>();
        for (int i = 0; i < 1_300; i++) {
            poolItems.add(longId('\u4E01', String.valueOf(i)));
        }
        List<String> candidates = poolItems.subList(0, 500);

        List<Hostile> hostile = new ArrayList<>();
        byte[] good = EVENTS.encode(event("g", "u", "i"));
        hostile.add(new Hostile(topics.interactions(), utf8("u"),
                EVENTS.encode(event("near-limit", "u", "x".repeat(BROKER_LIMIT - 2_000))), ErrorKind.INVALID_FIELD));
        hostile.add(new Hostile(topics.interactions(), new byte[BROKER_LIMIT / 2], utf8("huge key, no Avro"),
                ErrorKind.NOT_AVRO));
        hostile.add(new Hostile(topics.interactions(), utf8("u"), concat(good, new byte[] {0, 0}),
                ErrorKind.CORRUPT_PAYLOAD));
        hostile.add(new Hostile(topics.interactions(), utf8("u"), replace(EVENTS.encode(event("bad-utf8", "uXu", "i")),
                "uXu", new byte[] {'u', (byte) 0xC3, 'u'}), ErrorKind.CORRUPT_PAYLOAD));
        hostile.add(new Hostile(topics.interactions(), utf8("u"), EVENTS.encode(event("nul", "\0\0\0", "i")),
                ErrorKind.INVALID_FIELD));
        hostile.add(new Hostile(topics.interactions(), utf8("u"), EVENTS.encode(event("esc", "u", "\u001b]0;pwned\u0007")),
                ErrorKind.INVALID_FIELD));
        hostile.add(new Hostile(topics.interactions(), utf8("u"), EVENTS.encode(event("rlo\u202E", "u", "i")),
                ErrorKind.INVALID_FIELD));
        InteractionEvent notANumber = event("nan", "u", "i");
        notANumber.setValue(Double.NaN);
        hostile.add(new Hostile(topics.interactions(), utf8("u"), EVENTS.encode(notANumber), ErrorKind.INVALID_FIELD));
        List<String> tooMany = new ArrayList<>(poolItems);
        hostile.add(new Hostile(topics.requests(), utf8(longUser),
                REQUESTS.encode(new RankingRequest("too-many", longUser, tooMany, 5, NOW)), ErrorKind.INVALID_FIELD));
        hostile.add(new Hostile(topics.requests(), utf8("u"), concat(REQUESTS.encode(
                new RankingRequest("trailing", "u", List.of("1"), 1, NOW)), new byte[] {2, 'x'}), ErrorKind.CORRUPT_PAYLOAD));
        hostile.add(new Hostile(topics.requests(), utf8("u"), replace(REQUESTS.encode(
                new RankingRequest("utf8", "u", List.of("1", "cXc"), 1, NOW)), "cXc",
                new byte[] {'c', (byte) 0xED, (byte) 0xA0}), ErrorKind.CORRUPT_PAYLOAD));
        hostile.add(new Hostile(topics.requests(), utf8("u"), REQUESTS.encode(
                new RankingRequest("\0", "u", List.of("1"), 1, NOW)), ErrorKind.INVALID_FIELD));
        hostile.add(new Hostile(topics.pool(), null, POOL.encode(
                new CandidatePoolUpdate(PoolOp.ADD, List.of("ok", "\u009b2J"), NOW)), ErrorKind.INVALID_FIELD));
        hostile.add(new Hostile(topics.pool(), null, concat(POOL.encode(
                new CandidatePoolUpdate(PoolOp.ADD, List.of("ok"), NOW)), new byte[] {0}), ErrorKind.CORRUPT_PAYLOAD));

        int goodEvents = 0;
        try (KafkaProducer<byte[], byte[]> producer = largeRecordProducer()) {
            // The largest legal pool update: 1,300 ids of 256 three-byte characters, just under 1 MiB.
            producer.send(new ProducerRecord<>(topics.pool(), null, POOL.encode(
                    new CandidatePoolUpdate(PoolOp.ADD, poolItems, NOW)))).get();
            for (Hostile record : hostile) {
                producer.send(new ProducerRecord<>(record.topic(), record.key(), record.value())).get();
                producer.send(new ProducerRecord<>(topics.interactions(), utf8("u"),
                        EVENTS.encode(event("ok-" + goodEvents, "u", "i" + goodEvents)))).get();
                goodEvents++;
            }
            // The longest sequence of the longest ids: N + 10 events of a user whose ids are all at the limit.
            for (int i = 0; i < N + 10; i++) {
                producer.send(new ProducerRecord<>(topics.interactions(), utf8(longUser),
                        EVENTS.encode(event(longId('\u4E02', String.valueOf(i)), longUser, poolItems.get(600 + i)))));
                goodEvents++;
            }
            // The largest legal request: the most candidates, every id at the limit, all of them asked for.
            producer.send(new ProducerRecord<>(topics.requests(), utf8(longUser), REQUESTS.encode(
                    new RankingRequest(longId('\u4E03', ""), longUser, candidates, 500, NOW)))).get();
        }

        Map<String, String> settings = topics.settings();
        settings.putAll(Map.of("source.bounded", "true", "checkpoint.interval", "1s", "scoring.device", "cpu",
                "scoring.model-path", "../model-export/models/attn_mvp.onnx", "pool.refresh-interval", "0 s",
                "validation.max-id-length", String.valueOf(MAX_ID), "sequence.max-length", String.valueOf(N)));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        SequenceJob.fromConfig(JobConfig.fromMap(settings)).build(env);
        JobExecutionResult result = env.execute("hostile-input-itcase");

        assertThat(FlinkCluster.gauge(METRICS, result, "numRestarts")).as("the job never restarted").isEqualTo(0L);

        AvroCodec<DeadLetter> letters = AvroCodec.of(DeadLetter.class);
        Map<String, Hostile> bySha = new HashMap<>();
        hostile.forEach(h -> bySha.put(sha256(h.value()), h));
        var deadLetters = Topics.readCommitted(topics.deadLetters());
        assertThat(deadLetters).hasSize(hostile.size());
        for (var record : deadLetters) {
            assertThat(record.serializedValueSize() + Math.max(0, record.serializedKeySize())).isLessThan(BROKER_LIMIT);
            DeadLetter letter = Topics.decode(letters, record.value());
            Hostile source = bySha.remove(letter.getRawValueSha256());
            assertThat(source).as("one dead letter per hostile record: %s", letter.getMessage()).isNotNull();
            assertThat(letter.getSourceTopic()).isEqualTo(source.topic());
            assertThat(letter.getErrorKind()).as(letter.getMessage()).isEqualTo(source.kind());
            assertThat(letter.getRawValueSize()).isEqualTo(source.value().length);
            assertThat(letter.getRawValue().array())
                    .isEqualTo(Arrays.copyOf(source.value(), Math.min(MAX_RAW, source.value().length)));
            int keySize = source.key() == null ? 0 : source.key().length;
            assertThat(letter.getRawKeySize()).isEqualTo(keySize);
            assertThat(letter.getTruncated()).isEqualTo(source.value().length > MAX_RAW || keySize > MAX_RAW);
            assertThat(letter.getMessage()).doesNotContainPattern("\\p{Cc}");
        }

        AvroCodec<SequenceFeature> features = AvroCodec.of(SequenceFeature.class);
        List<SequenceFeature> sequences = Topics.readCommitted(topics.features()).stream()
                .map(r -> Topics.decode(features, r.value())).toList();
        assertThat(sequences).hasSize(goodEvents);
        assertThat(sequences.stream().filter(f -> f.getUserId().equals(longUser)).mapToInt(f -> f.getEntries().size())
                .max()).hasValue(N);

        AvroCodec<Recommendation> recommendations = AvroCodec.of(Recommendation.class);
        List<Recommendation> answers = Topics.readCommitted(topics.recommendations()).stream()
                .map(r -> Topics.decode(recommendations, r.value())).filter(r -> r.getRequestId() != null).toList();
        assertThat(answers).singleElement().satisfies(answer -> {
            assertThat(answer.getUserId()).isEqualTo(longUser);
            assertThat(answer.getItems()).hasSize(500);
        });
    }

    private static KafkaProducer<byte[], byte[]> largeRecordProducer() {
        Map<String, Object> config = new HashMap<>(SharedKafka.broker().clientSecurity());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.broker().bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * BROKER_LIMIT);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static InteractionEvent event(String eventId, String userId, String itemId) {
        return new InteractionEvent(eventId, userId, itemId, Action.LIKE, NOW.minusSeconds(60), null);
    }

    /** An id of exactly the maximum length: the suffix after three-byte characters. */
    private static String longId(char fill, String suffix) {
        return String.valueOf(fill).repeat(MAX_ID - suffix.length()) + suffix;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The encoded record with the (same length) bytes of one string swapped for others. */
    private static byte[] replace(byte[] encoded, String from, byte[] to) {
        byte[] needle = utf8(from);
        for (int i = 0; i + needle.length <= encoded.length; i++) {
            if (Arrays.equals(encoded, i, i + needle.length, needle, 0, needle.length)) {
                byte[] out = encoded.clone();
                System.arraycopy(to, 0, out, i, to.length);
                return out;
            }
        }
        throw new AssertionError(from + " not in the record");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
