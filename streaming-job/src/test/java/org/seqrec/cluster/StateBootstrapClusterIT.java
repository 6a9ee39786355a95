package org.seqrec.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipFile;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.SequenceFeature;
import org.seqrec.job.bootstrap.StateBootstrap;
import org.seqrec.local.MovieLens;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.testing.JobTopics;
import org.seqrec.testing.Topics;

/**
 * The state bootstrap as an operator runs it: {@code flink run -c} on the deployable jar against a real
 * multi-process cluster whose lib/ lacks the State Processor API, then the job submitted from the savepoint
 * with its sources at the printed hand-over time.
 */
class StateBootstrapClusterIT {

    private static final Path JOB_JAR = Path.of("target", "seqrec-job-0.1.0-SNAPSHOT.jar");
    private static final Path LIB_CLASSPATH = Path.of("target", "flink-lib.classpath");
    private static final int N = 64;

    @Test
    void shouldBootstrapOnTheClusterAndStartTheJobFromTheSavepoint(@TempDir Path dir) throws Exception {
        String lib = Files.readString(LIB_CLASSPATH).trim();
        assertThat(lib).as("the cluster's lib/ has no State Processor API").doesNotContain("flink-state-processor-api");
        try (ZipFile jar = new ZipFile(JOB_JAR.toFile())) {
            assertThat(jar.getEntry("org/apache/flink/state/api/SavepointWriter.class")).isNotNull();
        }
        List<InteractionEvent> events = MovieLens.events(MovieLens.DEFAULT_DIR_FROM_MODULE);
        Instant until = events.get(events.size() - 3_000).getEventTime();
        List<InteractionEvent> fromKafka = events.stream().filter(e -> !e.getEventTime().isBefore(until)).toList();
        Path data = MovieLens.DEFAULT_DIR_FROM_MODULE.toAbsolutePath();
        String savepoint = dir.resolve("bootstrap-savepoint").toUri().toString();

        JobTopics topics = JobTopics.create();
        Map<String, String> settings = topics.settings();
        settings.putAll(Map.of("scoring.enabled", "false", "sequence.max-length", String.valueOf(N),
                "checkpoint.interval", "1s", "checkpoint.dir", dir.resolve("checkpoints").toUri().toString()));
        try (StandaloneFlinkCluster cluster = new StandaloneFlinkCluster(dir, lib, 2);
                KafkaProducer<byte[], byte[]> producer = Topics.producer()) {
            String printed = cluster.runToCompletion(JOB_JAR.toAbsolutePath(), StateBootstrap.class.getName(), List.of(
                    "--bootstrap.input", data.resolve("ratings.csv") + "," + data.resolve("tags.csv"),
                    "--bootstrap.savepoint", savepoint, "--bootstrap.until", until.toString(),
                    "--sequence.max-length", String.valueOf(N)));
            Matcher handOver = Pattern.compile("hand-over: (\\S+)\\. Start").matcher(printed);
            assertThat(handOver.find()).as(printed).isTrue();
            assertThat(handOver.group(1)).isEqualTo(until.toString());
            assertThat(printed).contains(String.format("%,d at or after the hand-over left for Kafka", fromKafka.size()));

            settings.putAll(Map.of("source.starting-offsets", "timestamp", "source.starting-timestamp", handOver.group(1)));
            List<String> args = new ArrayList<>();
            settings.forEach((key, value) -> args.addAll(List.of("--" + key, value)));
            String job = cluster.submit(JOB_JAR.toAbsolutePath(), savepoint, List.of(), args);
            cluster.awaitJobState(job, "RUNNING");
            topics.produce(producer, fromKafka, "after");
            Topics.awaitCommitted(topics.features(), fromKafka.size());
            cluster.checkAlive();
            cluster.cancel(job);
        }

        AvroCodec<SequenceFeature> codec = AvroCodec.of(SequenceFeature.class);
        List<SequenceFeature> features = Topics.readCommitted(topics.features()).stream()
                .map(r -> Topics.decode(codec, r.value())).toList();
        assertThat(features).extracting(SequenceFeature::getTriggerEventId).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(fromKafka.stream().map(InteractionEvent::getEventId).toList());
        Map<String, SequenceFeature> last = new HashMap<>();
        features.forEach(feature -> last.put(feature.getUserId(), feature));
        Map<String, List<InteractionEvent>> byUser = events.stream().collect(Collectors.groupingBy(InteractionEvent::getUserId));
        last.forEach((user, feature) -> {
            List<InteractionEvent> history = byUser.get(user);
            assertThat(feature.getEntries()).extracting(e -> e.getItemId() + "/" + e.getEventTime().toEpochMilli())
                    .as("user %s: history from the savepoint, then Kafka", user)
                    .containsExactlyElementsOf(history.subList(Math.max(0, history.size() - N), history.size()).stream()
                            .map(e -> e.getItemId() + "/" + e.getEventTime().toEpochMilli()).toList());
        });
    }
}
