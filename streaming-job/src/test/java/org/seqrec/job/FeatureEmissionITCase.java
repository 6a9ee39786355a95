package org.seqrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.seqrec.avro.Action;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.SequenceEntry;
import org.seqrec.avro.SequenceFeature;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.testing.FlinkCluster;
import org.seqrec.testing.JobTopics;
import org.seqrec.testing.Topics;

/**
 * {@code features.emit} through the whole job (real broker, MiniCluster, RocksDB): {@code every-event}
 * writes the training log, {@code coalesced} the latest sequence of each user and nothing older than the
 * interval allows, {@code off} nothing.
 */
class FeatureEmissionITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.withReporter(METRICS);

    private static final AvroCodec<InteractionEvent> EVENTS = AvroCodec.of(InteractionEvent.class);
    private static final AvroCodec<SequenceFeature> FEATURES = AvroCodec.of(SequenceFeature.class);
    private static final int USERS = 20;
    private static final int EVENTS_PER_USER = 30;

    @Test
    void coalescedWritesEachUsersLatestSequenceAndOffWritesNothing() throws Exception {
        List<InteractionEvent> events = new ArrayList<>();
        Instant start = Instant.parse("2024-01-01T00:00:00Z");
        for (int i = 0; i < EVENTS_PER_USER; i++) {
            for (int u = 0; u < USERS; u++) {
                events.add(new InteractionEvent("e" + u + "-" + i, "user" + u, "item" + (i * 7 + u) % 50,
                        Action.values()[1 + (i + u) % 4], start.plusSeconds(i * 60L + u), null));
            }
        }

        Map<String, SequenceFeature> everyEventLatest = latestPerUser(run("every-event", events));
        assertThat(everyEventLatest).hasSize(USERS);

        List<SequenceFeature> coalesced = run("coalesced", events);
        assertThat(coalesced).as("an interval longer than the run: one record per user").hasSize(USERS);
        assertThat(latestPerUser(coalesced)).allSatisfy((user, feature) -> {
            assertThat(feature.getTriggerEventId()).isEqualTo("e" + user.substring(4) + "-" + (EVENTS_PER_USER - 1));
            assertThat(items(feature)).isEqualTo(items(everyEventLatest.get(user)));
        });

        assertThat(run("off", events)).isEmpty();
    }

    private static List<SequenceFeature> run(String emission, List<InteractionEvent> events) throws Exception {
        JobTopics topics = JobTopics.create();
        try (KafkaProducer<byte[], byte[]> producer = Topics.producer()) {
            for (InteractionEvent event : events) {
                Topics.send(producer, topics.interactions(), event.getUserId(), EVENTS.encode(event));
            }
        }
        assertThat(Topics.readCommitted(topics.interactions())).as("the input, before the job reads it")
                .hasSize(events.size());
        Map<String, String> settings = topics.settings();
        settings.putAll(Map.of("source.bounded", "true", "scoring.enabled", "false", "checkpoint.interval", "1s",
                "features.emit", emission, "features.coalesce-interval", "1 h"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        SequenceJob.fromConfig(JobConfig.fromMap(settings)).execute(env);
        return Topics.readCommitted(topics.features()).stream().map(r -> Topics.decode(FEATURES, r.value())).toList();
    }

    private static Map<String, SequenceFeature> latestPerUser(List<SequenceFeature> features) {
        return features.stream().collect(Collectors.toMap(f -> f.getUserId().toString(), Function.identity(),
                (a, b) -> b, LinkedHashMap::new));
    }

    private static List<String> items(SequenceFeature feature) {
        return feature.getEntries().stream().map(SequenceEntry::getItemId).map(Object::toString).toList();
    }
}
