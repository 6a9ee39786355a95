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
 * TLS settings reach every client of the job: against a broker whose only client listener speaks TLS
 * (self-signed certificate, made for the test), the three sources and the three sinks work when the
 * truststore is given as {@code kafka.client.*} options and nothing else.
 */
class TlsPassThroughITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.withReporter(InMemoryReporter.create());

    @Test
    void shouldReadAndWriteEveryTopicOverTls() throws Exception {
        try (KafkaBroker broker = KafkaBroker.startWithTls()) {
            SecuredBrokerRun.assertRefusesClientsWithoutSecuritySettings(broker);
            JobTopics topics = JobTopics.create(broker);
            Map<String, String> settings = topics.settings();
            assertThat(settings).containsEntry("kafka.client.security.protocol", "SSL")
                    .containsEntry("kafka.client.ssl.truststore.type", "PKCS12")
                    .containsKeys("kafka.client.ssl.truststore.location", "kafka.client.ssl.truststore.password");
            SecuredBrokerRun.runJob(broker, topics, settings);
        }
    }
}
