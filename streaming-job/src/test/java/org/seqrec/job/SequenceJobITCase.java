package org.seqrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.seqrec.avro.Action;
import org.seqrec.avro.DeadLetter;
import org.seqrec.avro.ErrorKind;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.RankingRequest;
import org.seqrec.avro.SequenceEntry;
import org.seqrec.avro.SequenceFeature;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.testing.FlinkCluster;
import org.seqrec.testing.SharedKafka;
import org.seqrec.testing.Topics;

/** The sequence half of the job on a MiniCluster (RocksDB, parallelism 2) against a real broker. */
class SequenceJobITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.withReporter(METRICS);

    private static final long T0 = Instant.parse("2020-01-01T00:00:00Z").toEpochMilli();
    private static final AvroCodec<InteractionEvent> EVENTS = AvroCodec.of(InteractionEvent.class);
    private static final AvroCodec<SequenceFeature> FEATURES = AvroCodec.of(SequenceFeature.class);
    private static final AvroCodec<DeadLetter> DEAD_LETTERS = AvroCodec.of(DeadLetter.class);

    private static final int ROUNDS = 1_000;

    private final String interactions = Topics.unique("interactions");
    private final String features = Topics.unique("features");
    private final String deadLetters = Topics.unique("dead-letters");

    static InteractionEvent event(String id, String user, String item, long secondsAfterT0) {
        return InteractionEvent.newBuilder().setEventId(id).setUserId(user).setItemId(item).setAction(Action.CLICK)
                .setEventTime(Instant.ofEpochMilli(T0 + secondsAfterT0 * 1000)).build();
    }

    @Test
    void shouldKeepTheLastNInEventTimeOrderDroppingDuplicatesAndTooOldEvents() throws Exception {
        List<InteractionEvent> input = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            input.add(event("a" + i, "alice", "item" + i, i));
        }
        input.add(event("b1", "bob", "x", 10));
        input.add(event("b2", "bob", "y", 30));
        input.add(event("b3", "bob", "z", 20));
        input.add(event("b2", "bob", "y", 30));
        for (int i = 1; i <= 5; i++) {
            input.add(event("c" + i, "carol", "m" + i, i * 10));
        }
        input.add(event("c-old", "carol", "old", 5));
        input.add(event("c-mid", "carol", "mid", 25));
        produce(input);

        JobExecutionResult result = runBounded(Map.of("sequence.max-length", "5"));

        Map<String, List<SequenceFeature>> byUser = Topics.readCommitted(features).stream()
                .map(r -> Topics.decode(FEATURES, r.value()))
                .collect(Collectors.groupingBy(SequenceFeature::getUserId, LinkedHashMap::new, Collectors.toList()));

        assertThat(triggers(byUser.get("alice"))).containsExactly("a1", "a2", "a3", "a4", "a5", "a6", "a7");
        assertThat(items(last(byUser.get("alice")))).containsExactly("item3", "item4", "item5", "item6", "item7");

        assertThat(triggers(byUser.get("bob"))).containsExactly("b1", "b2", "b3");
        assertThat(items(last(byUser.get("bob")))).containsExactly("x", "z", "y");

        assertThat(triggers(byUser.get("carol"))).containsExactly("c1", "c2", "c3", "c4", "c5", "c-mid");
        assertThat(items(last(byUser.get("carol")))).containsExactly("m2", "mid", "m3", "m4", "m5");
        assertThat(last(byUser.get("carol")).getEntries().stream().map(e -> e.getEventTime().toEpochMilli()))
                .isSorted();

        assertThat(FlinkCluster.counter(METRICS, result, "sequence.duplicates")).isEqualTo(1);
        assertThat(FlinkCluster.counter(METRICS, result, "sequence.tooOld")).isEqualTo(1);
        assertThat(FlinkCluster.counter(METRICS, result, "sequence.outOfOrder")).isEqualTo(2);
        assertThat(Topics.readCommitted(deadLetters)).isEmpty();
    }

    @Test
    void shouldDeadLetterEveryMalformedKindAndProcessEveryGoodRecordAroundIt() throws Exception {
        byte[] good = EVENTS.encode(event("g", "u", "i", 1));
        byte[] unknownFingerprint = good.clone();
        unknownFingerprint[4] ^= 0x33;
        byte[] wrongType = AvroCodec.of(RankingRequest.class).encode(RankingRequest.newBuilder().setRequestId("r")
                .setUserId("u").setCandidateItemIds(List.of("1")).setK(1).setRequestTime(Instant.now()).build());
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("garbage", "definitely not avro".getBytes(StandardCharsets.UTF_8));
        bad.put("tombstone", null);
        bad.put("unknown-fingerprint", unknownFingerprint);
        bad.put("wrong-type", wrongType);
        bad.put("truncated", Arrays.copyOf(good, good.length - 3));
        bad.put("empty-user", EVENTS.encode(event("e1", "", "i", 1)));
        bad.put("blank-event-id", EVENTS.encode(event("  ", "u", "i", 1)));
        bad.put("oversized-item", EVENTS.encode(event("e2", "u", "i".repeat(300), 1)));
        bad.put("year-1970", EVENTS.encode(withTime(event("e3", "u", "i", 1), 0L)));
        bad.put("year-2100", EVENTS.encode(withTime(event("e4", "u", "i", 1),
                Instant.parse("2100-01-01T00:00:00Z").toEpochMilli())));
        Map<String, ErrorKind> expectedKinds = Map.of(
                "garbage", ErrorKind.NOT_AVRO, "tombstone", ErrorKind.NOT_AVRO,
                "unknown-fingerprint", ErrorKind.UNKNOWN_SCHEMA, "wrong-type", ErrorKind.WRONG_RECORD_TYPE,
                "truncated", ErrorKind.CORRUPT_PAYLOAD, "empty-user", ErrorKind.MISSING_FIELD,
                "blank-event-id", ErrorKind.MISSING_FIELD, "oversized-item", ErrorKind.INVALID_FIELD,
                "year-1970", ErrorKind.ABSURD_TIMESTAMP, "year-2100", ErrorKind.ABSURD_TIMESTAMP);

        // Hostile volume: ROUNDS of every malformed kind between good records, a redelivered good event
        // each round, and a long burst for one user; nothing may fail the job or go missing.
        int goodCount = 0;
        int burst = 3_000;
        try (KafkaProducer<byte[], byte[]> producer = Topics.producer()) {
            for (int round = 0; round < ROUNDS; round++) {
                for (var entry : bad.entrySet()) {
                    for (int i = 0; i < 3; i++) {
                        String user = "user" + (goodCount % 50);
                        Topics.send(producer, interactions, user,
                                EVENTS.encode(event("ok" + goodCount, user, "item" + goodCount, goodCount)));
                        goodCount++;
                    }
                    Topics.send(producer, interactions, "bad-" + entry.getKey(), entry.getValue());
                }
                String user = "user" + (round % 50);
                Topics.send(producer, interactions, user, EVENTS.encode(event("ok" + round % 50, user, "x", 0)));
            }
            for (int i = 0; i < burst; i++) {
                Topics.send(producer, interactions, "burst", EVENTS.encode(event("burst" + i, "burst", "b" + i, i)));
            }
        }

        JobExecutionResult result = runBounded(Map.of("sequence.max-length", "16"));

        Map<String, Integer> lettersPerKind = new HashMap<>();
        for (var record : Topics.readCommitted(deadLetters)) {
            String name = new String(record.key(), StandardCharsets.UTF_8).substring("bad-".length());
            DeadLetter letter = Topics.decode(DEAD_LETTERS, record.value());
            assertThat(letter.getErrorKind()).as(name).isEqualTo(expectedKinds.get(name));
            assertThat(letter.getMessage()).as(name).isNotBlank();
            assertThat(letter.getSourceTopic()).isEqualTo(interactions);
            assertThat(letter.getSourceOffset()).isNotNegative();
            byte[] value = bad.get(name);
            assertThat(letter.getRawValue() == null ? null : bytes(letter.getRawValue().array())).as(name)
                    .isEqualTo(value == null ? null : bytes(value));
            lettersPerKind.merge(name, 1, Integer::sum);
        }
        assertThat(lettersPerKind).hasSize(bad.size()).allSatisfy((name, count) -> assertThat(count).isEqualTo(ROUNDS));

        List<SequenceFeature> out = Topics.readCommitted(features).stream()
                .map(r -> Topics.decode(FEATURES, r.value())).toList();
        assertThat(out).extracting(SequenceFeature::getTriggerEventId).doesNotHaveDuplicates()
                .hasSize(goodCount + burst);
        SequenceFeature lastBurst = out.stream().filter(f -> f.getUserId().equals("burst")).reduce((a, b) -> b)
                .orElseThrow();
        assertThat(items(lastBurst)).hasSize(16).endsWith("b" + (burst - 1));

        long in = goodCount + burst + ROUNDS + (long) ROUNDS * bad.size();
        long duplicates = FlinkCluster.counter(METRICS, result, "sequence.duplicates");
        long deadLetterCount = Arrays.stream(ErrorKind.values())
                .mapToLong(kind -> FlinkCluster.counter(METRICS, result, "deadLetters." + kind.name())).sum();
        long tooOld = FlinkCluster.counter(METRICS, result, "sequence.tooOld");
        assertThat(deadLetterCount).isEqualTo((long) ROUNDS * bad.size());
        assertThat(duplicates + tooOld).as("redelivered events, each dropped once").isEqualTo(ROUNDS);
        assertThat(out.size() + deadLetterCount + duplicates + tooOld).isEqualTo(in);
        assertThat(FlinkCluster.gauge(METRICS, result, "numRestarts")).as("the job never restarted").isEqualTo(0L);
    }

    private static InteractionEvent withTime(InteractionEvent event, long epochMillis) {
        event.setEventTime(Instant.ofEpochMilli(epochMillis));
        return event;
    }

    private static List<Byte> bytes(byte[] array) {
        List<Byte> list = new ArrayList<>(array.length);
        for (byte b : array) {
            list.add(b);
        }
        return list;
    }

    private void produce(List<InteractionEvent> events) {
        try (KafkaProducer<byte[], byte[]> producer = Topics.producer()) {
            for (InteractionEvent event : events) {
                Topics.send(producer, interactions, event.getUserId(), EVENTS.encode(event));
            }
        }
    }

    private JobExecutionResult runBounded(Map<String, String> overrides) throws Exception {
        SharedKafka.broker().createTopics(2, interactions, features, deadLetters);
        Map<String, String> settings = new HashMap<>(Map.of(
                "kafka.bootstrap-servers", SharedKafka.broker().bootstrapServers(),
                "kafka.group-id", Topics.unique("group"),
                "topic.interactions", interactions,
                "topic.features", features,
                "topic.dead-letters", deadLetters,
                "source.bounded", "true",
                "source.starting-offsets", "earliest",
                "checkpoint.interval", "1s",
                "sink.transactional-id-prefix", Topics.unique("tx"),
                "scoring.enabled", "false"));
        settings.putAll(overrides);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        return SequenceJob.fromConfig(JobConfig.fromMap(settings)).execute(env);
    }

    private static List<String> triggers(List<SequenceFeature> features) {
        return features.stream().map(SequenceFeature::getTriggerEventId).toList();
    }

    private static SequenceFeature last(List<SequenceFeature> features) {
        return features.get(features.size() - 1);
    }

    private static List<String> items(SequenceFeature feature) {
        return feature.getEntries().stream().map(SequenceEntry::getItemId).toList();
    }
}
