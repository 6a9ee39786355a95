package org.seqrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.RankingRequest;
import org.seqrec.avro.Recommendation;
import org.seqrec.avro.ScoredItem;
import org.seqrec.examples.RecommendationReader;
import org.seqrec.local.MovieLens;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.testing.JobTopics;
import org.seqrec.testing.SharedKafka;
import org.seqrec.testing.Topics;

/**
 * The example consumers (examples/java, examples/python) read the job's real recommendations with
 * read_committed: each committed one, with its items and scores, and nothing from an aborted transaction.
 */
class DownstreamConsumersITCase {

    private static final Path PYTHON_EXAMPLE = Path.of("..", "examples", "python", "print_recommendations.py");

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @Test
    void bothExamplesPrintEveryCommittedRecommendationAndNoAbortedOne(@TempDir Path dir) throws Exception {
        JobTopics topics = JobTopics.create();
        Map<String, String> settings = topics.settings();
        settings.putAll(Map.of("scoring.model-path", Path.of("..", "model-export", "models", "attn_mvp.onnx").toString(),
                "scoring.device", "cpu", "checkpoint.interval", "1s"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        SequenceJob.fromConfig(JobConfig.fromMap(settings)).build(env);
        JobClient job = env.executeAsync("downstream-consumers-itcase");
        List<String> users = List.of("1", "2", "3", "4");
        try (KafkaProducer<byte[], byte[]> producer = Topics.producer()) {
            AvroCodec<InteractionEvent> events = AvroCodec.of(InteractionEvent.class);
            for (InteractionEvent event : MovieLens.events(MovieLens.DEFAULT_DIR_FROM_MODULE)) {
                if (users.contains(event.getUserId())) {
                    Topics.send(producer, topics.interactions(), event.getUserId(), events.encode(event));
                }
            }
            AvroCodec<RankingRequest> requests = AvroCodec.of(RankingRequest.class);
            for (String user : users) {
                Topics.send(producer, topics.requests(), user, requests.encode(new RankingRequest(
                        "req-" + user, user, List.of("1", "50", "318", "2571"), 3, Instant.now())));
            }
        }
        Topics.awaitCommitted(topics.recommendations(), users.size());
        job.cancel().get();
        writeAbortedRecommendation(topics.recommendations());

        AvroCodec<Recommendation> codec = AvroCodec.of(Recommendation.class);
        List<String> expected = Topics.readCommitted(topics.recommendations()).stream()
                .map(r -> Topics.decode(codec, r.value()))
                .map(r -> r.getRequestId() + " " + r.getModelVersion() + " " + items(r.getItems()))
                .sorted().toList();
        assertThat(expected).hasSize(users.size());

        assertThat(javaExample(topics.recommendations())).isEqualTo(expected);
        assertThat(pythonExample(topics.recommendations(), dir)).isEqualTo(expected);
    }

    /** A valid recommendation in a transaction that is aborted: read_committed readers must not see it. */
    private static void writeAbortedRecommendation(String topic) {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.broker().bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, Topics.unique("aborted"));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            Recommendation aborted = new Recommendation("1", "req-aborted", null, List.of(new ScoredItem("1", 1.0f, Map.of("click", 1.0f))),
                    "attn_mvp", "aborted", 0, Instant.now(), Instant.now());
            producer.send(new ProducerRecord<>(topic, "1".getBytes(StandardCharsets.UTF_8),
                    AvroCodec.of(Recommendation.class).encode(aborted)));
            producer.flush();
            producer.abortTransaction();
        }
    }

    private static List<String> javaExample(String topic) {
        Properties client = new Properties();
        client.put("bootstrap.servers", SharedKafka.broker().bootstrapServers());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        new RecommendationReader(client, topic, true).print(new PrintStream(printed, true, StandardCharsets.UTF_8),
                0, Duration.ofSeconds(5));
        // "<topic>/<p>@<offset> user <u> request <id> model <version> items <item>:<score> ..."
        return printed.toString(StandardCharsets.UTF_8).lines()
                .map(line -> line.replaceFirst("^\\S+ user \\S+ request (\\S+) model (\\S+) items (.*)$", "$1 $2 $3"))
                .sorted().toList();
    }

    private static List<String> pythonExample(String topic, Path dir) throws Exception {
        Path out = dir.resolve("python-consumer.out");
        Process python = new ProcessBuilder("/usr/bin/python3", PYTHON_EXAMPLE.toString(),
                "--bootstrap", SharedKafka.broker().bootstrapServers(), "--topic", topic, "--idle-timeout", "5")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(python.waitFor(2, TimeUnit.MINUTES)).as("the Python example ends").isTrue();
        String output = Files.readString(out);
        assertThat(python.exitValue()).as("the Python example's exit status; it printed:\n%s"
                + "\n(it needs Debian's python3-confluent-kafka and python3-avro)", output).isZero();
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        for (String line : output.lines().toList()) {
            JsonNode value = json.readTree(line).path("value");
            List<String> items = new ArrayList<>();
            value.path("items").forEach(i -> items.add(i.path("item_id").asText() + ":" + (float) i.path("score").asDouble()));
            lines.add(value.path("request_id").asText() + " " + value.path("model_version").asText() + " "
                    + String.join(" ", items));
        }
        return lines.stream().sorted().toList();
    }

    private static String items(List<ScoredItem> items) {
        return items.stream().map(i -> i.getItemId() + ":" + i.getScore()).collect(Collectors.joining(" "));
    }
}
