package org.seqrec.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.RankingRequest;
import org.seqrec.local.KafkaBroker;
import org.seqrec.local.MovieLens;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.testing.FlinkCluster;
import org.seqrec.testing.JobTopics;
import org.seqrec.testing.Topics;

/**
 * Kafka security settings reach every client of the job: against a broker that admits only SASL/PLAIN
 * authenticated clients, the three sources and the three sinks work when the credentials are given as
 * {@code kafka.client.*} options and nothing else.
 */
class SaslPassThroughITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.withReporter(InMemoryReporter.create());

    @Test
    void shouldReadAndWriteEveryTopicThroughAnAuthenticatedBroker() throws Exception {
        try (KafkaBroker broker = KafkaBroker.startWithSaslPlain("seqrec", "s3cr3t-pa55")) {
            try (Admin anonymous = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers(), AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000))) {
                assertThatThrownBy(() -> anonymous.listTopics().names().get(10, TimeUnit.SECONDS))
                        .as("the broker refuses clients without credentials").isInstanceOf(Exception.class);
            }
            JobTopics topics = JobTopics.create(broker);
            Map<String, String> settings = topics.settings();
            assertThat(settings).containsEntry("kafka.client.security.protocol", "SASL_PLAINTEXT");
            settings.putAll(Map.of("scoring.model-path",
                    Path.of("..", "model-export", "models", "attn_mvp.onnx").toString(), "scoring.device", "cpu",
                    "checkpoint.interval", "1s"));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            SequenceJob.fromConfig(JobConfig.fromMap(settings)).build(env);
            JobClient job = env.executeAsync("sasl-itcase");

            AvroCodec<InteractionEvent> events = AvroCodec.of(InteractionEvent.class);
            try (KafkaProducer<byte[], byte[]> producer = Topics.producer(broker)) {
                for (InteractionEvent event : MovieLens.events(MovieLens.DEFAULT_DIR_FROM_MODULE).subList(0, 100)) {
                    Topics.send(producer, topics.interactions(), event.getUserId(), events.encode(event));
                }
                Topics.send(producer, topics.interactions(), "bad", "garbage".getBytes(StandardCharsets.UTF_8));
                Topics.send(producer, topics.requests(), "1", AvroCodec.of(RankingRequest.class).encode(
                        new RankingRequest("r1", "1", List.of("1", "318"), 1, Instant.now())));
            }
            Topics.awaitCommitted(broker, topics.features(), 100);
            Topics.awaitCommitted(broker, topics.recommendations(), 1);
            Topics.awaitCommitted(broker, topics.deadLetters(), 1);
            job.cancel().get();
        }
    }
}
