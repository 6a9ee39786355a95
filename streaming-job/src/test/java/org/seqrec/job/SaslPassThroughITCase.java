package org.seqrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.seqrec.local.KafkaBroker;
import org.seqrec.testing.FlinkCluster;
import org.seqrec.testing.JobTopics;
import org.seqrec.testing.LogCapture;

/**
 * Kafka security settings reach every client of the job: against a broker that admits only SASL/PLAIN
 * authenticated clients, the three sources and the three sinks work when the credentials are given as
 * {@code kafka.client.*} options and nothing else. The password travels in a {@code --config-file}, as in
 * production, and appears nowhere in what the run logs.
 */
class SaslPassThroughITCase {

    private static final String PASSWORD = "s3cr3t-pa55-8f1d2c";
    private static final String JAAS = "kafka.client.sasl.jaas.config";

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.withReporter(InMemoryReporter.create());

    @Test
    void shouldReadAndWriteEveryTopicThroughAnAuthenticatedBrokerWithoutLoggingThePassword(@TempDir Path dir)
            throws Exception {
        try (KafkaBroker broker = KafkaBroker.startWithSaslPlain("seqrec", PASSWORD)) {
            SecuredBrokerRun.assertRefusesClientsWithoutSecuritySettings(broker);
            JobTopics topics = JobTopics.create(broker);
            Map<String, String> settings = topics.settings();
            assertThat(settings).containsEntry("kafka.client.security.protocol", "SASL_PLAINTEXT");
            assertThat(settings.get(JAAS)).contains(PASSWORD);

            Properties secrets = new Properties();
            secrets.setProperty(JAAS, settings.remove(JAAS));
            Path secretFile = dir.resolve("kafka-secrets.properties");
            try (var out = Files.newBufferedWriter(secretFile, StandardCharsets.UTF_8)) {
                secrets.store(out, "test credentials");
            }
            settings.put("config-file", secretFile.toString());

            String logged;
            try (LogCapture log = new LogCapture()) {
                SecuredBrokerRun.runJob(broker, topics, settings);
                logged = log.text();
            }
            assertThat(logged).as("the job's options were logged, masked")
                    .contains("seqrec options (sensitive values masked)").contains(JAAS + "=******");
            assertThat(logged).as("Kafka's clients logged their configuration").contains("sasl.jaas.config = [hidden]");
            assertThat(logged).doesNotContain(PASSWORD);
        }
    }
}
