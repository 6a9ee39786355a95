package org.seqrec.job.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.SequenceFeature;
import org.seqrec.job.JobConfig;
import org.seqrec.job.SequenceJob;
import org.seqrec.local.MovieLens;
import org.seqrec.local.ReplayProducer;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.schemas.MovieLensCsv;
import org.seqrec.testing.FlinkCluster;
import org.seqrec.testing.SharedKafka;
import org.seqrec.testing.Topics;

/**
 * A new deployment started from bootstrapped state ends where a job that read everything from Kafka ends: the
 * first 80 % of ml-latest-small (by time) go into a savepoint from Avro export files; the job starts from it
 * reading Kafka at the printed hand-over time, with the remaining 20 % and the 1,000 events before the cut on
 * the topic; the same events replayed through Kafka alone into a fresh job give every user the same sequence.
 */
class StateBootstrapHandOverITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.withReporter(METRICS);

    private static final int N = 64;
    private static final int OVERLAP = 1_000;

    @Test
    void shouldEndWithTheSequencesOfAFullKafkaReplay(@TempDir Path dir) throws Exception {
        List<InteractionEvent> events = MovieLens.events(MovieLens.DEFAULT_DIR_FROM_MODULE);
        int cut = cutInsideOneSecond(events, events.size() * 8 / 10);
        Instant lastInFiles = events.get(cut - 1).getEventTime();
        List<InteractionEvent> onlyInKafka = events.subList(cut, events.size());
        long overlapAtHandOver = events.subList(cut - OVERLAP, cut).stream()
                .filter(e -> e.getEventTime().equals(lastInFiles)).count();
        assertThat(onlyInKafka.get(0).getEventTime()).as("the cut splits one second").isEqualTo(lastInFiles);
        assertThat(overlapAtHandOver).as("events of the hand-over second in the files").isGreaterThan(1);

        Path export = Files.createDirectories(dir.resolve("export"));
        List<InteractionEvent> history = events.subList(0, cut);
        int part = history.size() / 3 + 1;
        for (int from = 0, p = 0; from < history.size(); from += part, p++) {
            writeAvro(export.resolve(String.format("part-%05d.avro", p)),
                    history.subList(from, Math.min(history.size(), from + part)));
        }
        String savepoint = dir.resolve("savepoint").toUri().toString();
        StateBootstrap.Result bootstrap = new StateBootstrap(BootstrapConfig.fromArgs("--bootstrap.input",
                export.toString(), "--bootstrap.savepoint", savepoint, "--sequence.max-length", String.valueOf(N)))
                .run(StreamExecutionEnvironment.getExecutionEnvironment(), System.out);
        assertThat(bootstrap.handOver()).isEqualTo(lastInFiles);
        assertThat(bootstrap.count(HistoryReader.REJECTED)).isZero();
        assertThat(bootstrap.count(HistoryFold.ACCEPTED)).isEqualTo(cut);

        String handOverTopic = Topics.unique("handover-interactions");
        String handOverFeatures = Topics.unique("handover-features");
        String fullTopic = Topics.unique("full-interactions");
        String fullFeatures = Topics.unique("full-features");
        SharedKafka.broker().createTopics(2, handOverTopic, handOverFeatures, fullTopic, fullFeatures);
        replay(handOverTopic, events.subList(cut - OVERLAP, events.size()));
        replay(fullTopic, events);

        JobExecutionResult handOver = runJob(handOverTopic, handOverFeatures, savepoint, Map.of(
                "source.starting-offsets", "timestamp", "source.starting-timestamp", bootstrap.handOver().toString()));
        runJob(fullTopic, fullFeatures, null, Map.of("source.starting-offsets", "earliest"));

        // Kafka from the hand-over time re-reads the events of that second that the files hold; they are dropped.
        Features afterHandOver = Features.read(handOverFeatures);
        assertThat(FlinkCluster.counter(METRICS, handOver, "sequence.duplicates")).isEqualTo(overlapAtHandOver);
        assertThat(afterHandOver.triggers).as("one feature record per event after the files, none for the overlap")
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(onlyInKafka.stream().map(InteractionEvent::getEventId).toList());

        Map<String, List<String>> finalSequences = new HashMap<>(SavepointSequences.read(savepoint, Duration.ofDays(30)));
        finalSequences.putAll(afterHandOver.lastByUser);
        Map<String, List<String>> fullReplay = Features.read(fullFeatures).lastByUser;
        assertThat(fullReplay).hasSize(610);
        assertThat(finalSequences).isEqualTo(fullReplay);
    }

    @Test
    void shouldBootstrapMovieLensCsvInTheOrderTheReplayUses(@TempDir Path dir) throws Exception {
        List<InteractionEvent> events = MovieLens.events(MovieLens.DEFAULT_DIR_FROM_MODULE);
        Path data = MovieLens.DEFAULT_DIR_FROM_MODULE;
        String savepoint = dir.resolve("savepoint").toUri().toString();
        StateBootstrap.Result bootstrap = new StateBootstrap(BootstrapConfig.fromArgs("--bootstrap.input",
                data.resolve("ratings.csv") + "," + data.resolve("tags.csv"), "--bootstrap.savepoint", savepoint,
                "--sequence.max-length", String.valueOf(N)))
                .run(StreamExecutionEnvironment.getExecutionEnvironment(), System.out);
        assertThat(bootstrap.count(HistoryReader.RECORDS)).isEqualTo(events.size());
        assertThat(bootstrap.count(HistoryReader.REJECTED)).isZero();

        // The replay's order within one second (ratings, then tags, each by user and item) is the files' order.
        Map<String, List<String>> lastN = new HashMap<>();
        events.stream().collect(Collectors.groupingBy(InteractionEvent::getUserId)).forEach((user, history) ->
                lastN.put(user, history.subList(Math.max(0, history.size() - N), history.size()).stream()
                        .map(e -> e.getItemId() + "/" + e.getAction() + "/" + e.getEventTime().toEpochMilli())
                        .toList()));
        assertThat(SavepointSequences.read(savepoint, Duration.ofDays(30))).hasSize(610).isEqualTo(lastN);
        assertThat(bootstrap.handOver()).isEqualTo(events.get(events.size() - 1).getEventTime());
    }

    /**
     * The middle of the first second at or after {@code from} that holds several events, so that events of the
     * hand-over second are both in the files and only in Kafka.
     */
    private static int cutInsideOneSecond(List<InteractionEvent> events, int from) {
        int start = from;
        while (!events.get(start).getEventTime().equals(events.get(start + 1).getEventTime())) {
            start++;
        }
        int end = start;
        while (events.get(end + 1).getEventTime().equals(events.get(start).getEventTime())) {
            end++;
        }
        return start + (end - start + 1) / 2;
    }

    private static void writeAvro(Path file, List<InteractionEvent> events) throws IOException {
        try (DataFileWriter<InteractionEvent> writer =
                new DataFileWriter<>(new SpecificDatumWriter<>(InteractionEvent.class))) {
            writer.create(InteractionEvent.getClassSchema(), file.toFile());
            for (InteractionEvent event : events) {
                writer.append(event);
            }
        }
    }

    private static void replay(String topic, List<InteractionEvent> events) throws InterruptedException {
        Properties kafka = new Properties();
        kafka.putAll(SharedKafka.broker().clientSecurity());
        kafka.setProperty("bootstrap.servers", SharedKafka.broker().bootstrapServers());
        try (ReplayProducer replay = new ReplayProducer(kafka, topic, 1e12, 1e9)) {
            assertThat(replay.replay(events, sent -> {})).isEqualTo(events.size());
        }
    }

    private static JobExecutionResult runJob(String interactions, String features, String savepoint,
            Map<String, String> start) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of(
                "kafka.bootstrap-servers", SharedKafka.broker().bootstrapServers(),
                "topic.interactions", interactions,
                "topic.features", features,
                "topic.dead-letters", Topics.unique("dead-letters"),
                "source.bounded", "true",
                "sequence.max-length", String.valueOf(N),
                "checkpoint.interval", "2s",
                "sink.transactional-id-prefix", Topics.unique("tx"),
                "scoring.enabled", "false"));
        settings.putAll(start);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        if (savepoint != null) {
            env.configure(Configuration.fromMap(Map.of(StateRecoveryOptions.SAVEPOINT_PATH.key(), savepoint)));
        }
        return SequenceJob.fromConfig(JobConfig.fromMap(settings)).execute(env);
    }

    /** A feature topic as read_committed consumers see it: the trigger ids, and each user's last sequence. */
    private record Features(List<String> triggers, Map<String, List<String>> lastByUser) {
        static Features read(String topic) {
            AvroCodec<SequenceFeature> codec = AvroCodec.of(SequenceFeature.class);
            List<String> triggers = new ArrayList<>();
            Map<String, List<String>> lastByUser = new HashMap<>();
            for (var record : Topics.readCommitted(topic)) {
                SequenceFeature feature = Topics.decode(codec, record.value());
                triggers.add(feature.getTriggerEventId());
                lastByUser.put(feature.getUserId(), feature.getEntries().stream()
                        .map(e -> e.getItemId() + "/" + e.getAction() + "/" + e.getEventTime().toEpochMilli())
                        .collect(Collectors.toList()));
            }
            return new Features(triggers, lastByUser);
        }
    }
}
