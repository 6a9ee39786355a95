package org.seqrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.seqrec.local.KafkaBroker;
import org.seqrec.testing.FlinkCluster;
import org.seqrec.testing.JobTopics;

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
            SecuredBrokerRun.assertRefusesClientsWithoutSecuritySettings(broker);
            JobTopics topics = JobTopics.create(broker);
            Map<String, String> settings = topics.settings();
            assertThat(settings).containsEntry("kafka.client.security.protocol", "SASL_PLAINTEXT");
            SecuredBrokerRun.runJob(broker, topics, settings);
        }
    }
}
