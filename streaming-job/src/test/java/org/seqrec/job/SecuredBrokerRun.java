package org.seqrec.job;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.RankingRequest;
import org.seqrec.local.KafkaBroker;
import org.seqrec.local.MovieLens;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.testing.JobTopics;
import org.seqrec.testing.Topics;

/**
 * What the security pass-through tests share: a client without the broker's security settings is refused,
 * and the whole job (three sources with their admin clients, three transactional sinks) works against the
 * broker with nothing but the settings it is given.
 */
final class SecuredBrokerRun {

    private SecuredBrokerRun() {}

    static void assertRefusesClientsWithoutSecuritySettings(KafkaBroker broker) {
        try (Admin plain = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000))) {
            assertThatThrownBy(() -> plain.listTopics().names().get(10, TimeUnit.SECONDS))
                    .as("the broker refuses clients without its security settings").isInstanceOf(Exception.class);
        }
    }

    /**
     * Runs the job at parallelism 1 on {@code settings} (the topics' settings, possibly changed by the test)
     * and waits until 100 features, one request's answer and one dead letter are committed.
     */
    static void runJob(KafkaBroker broker, JobTopics topics, Map<String, String> settings) throws Exception {
        settings.putAll(Map.of("scoring.model-path", Path.of("..", "model-export", "models", "attn_mvp.onnx").toString(),
                "scoring.device", "cpu", "checkpoint.interval", "1s"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        SequenceJob.fromConfig(JobConfig.fromMap(settings)).build(env);
        JobClient job = env.executeAsync("secured-broker-run");

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
