package org.seqrec.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Precedence of the option sources: defaults, then Flink's configuration, then the config file, then arguments. */
class JobConfigSourcesTest {

    @Test
    void argumentsOverTheFileOverFlinksConfigurationOverTheDefaults(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("job.properties"), "sequence.max-length=32\npool.top-k=8\n");
        Configuration flink = Configuration.fromMap(Map.of(
                "seqrec.sequence.max-length", "16", "seqrec.pool.top-k", "7", "seqrec.sequence.ttl", "3 d",
                "seqrec.config-file", file.toString(), "seqrec.kafka.client.security.protocol", "SASL_SSL",
                "state.backend.type", "hashmap", "taskmanager.numberOfTaskSlots", "2"));

        JobConfig config = JobConfigSources.resolve(flink, "--sequence.max-length", "64");

        assertThat(config.get(JobConfig.MAX_SEQUENCE_LENGTH)).as("argument over file and Flink").isEqualTo(64);
        assertThat(config.get(JobConfig.POOL_TOP_K)).as("file over Flink").isEqualTo(8);
        assertThat(config.get(JobConfig.STATE_TTL)).as("Flink over the default").isEqualTo(Duration.ofDays(3));
        assertThat(config.get(JobConfig.BATCH_SIZE)).as("the default").isEqualTo(64);
        assertThat(config.kafkaClientProperties()).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void aConfigFileArgumentReplacesTheOneFlinksConfigurationNames(@TempDir Path dir) throws Exception {
        Path clusterFile = Files.writeString(dir.resolve("cluster.properties"), "pool.top-k=7\n");
        Path jobFile = Files.writeString(dir.resolve("job.properties"), "pool.top-k=9\n");
        Configuration flink = Configuration.fromMap(Map.of("seqrec.config-file", clusterFile.toString()));

        assertThat(JobConfigSources.resolve(flink).get(JobConfig.POOL_TOP_K)).isEqualTo(7);
        assertThat(JobConfigSources.resolve(flink, "--config-file", jobFile.toString()).get(JobConfig.POOL_TOP_K))
                .isEqualTo(9);
    }

    @Test
    void stopsOnAPrefixedKeyThatIsNoOptionAndValidatesFlinksValues() {
        assertThatThrownBy(() -> JobConfigSources.resolve(Configuration.fromMap(Map.of("seqrec.sequence.max-lenght", "64"))))
                .hasMessageContaining("Flink's configuration sets 'seqrec.sequence.max-lenght'")
                .hasMessageContaining("not a seqrec option");
        assertThatThrownBy(() -> JobConfigSources.resolve(Configuration.fromMap(Map.of("seqrec.sequence.max-length", "0"))))
                .hasMessageContaining("sequence.max-length must be positive");
    }

    @Test
    void masksKeysOnFlinksSensitiveListAndOnTheJobs() {
        Configuration flink = Configuration.fromMap(Map.of(
                "seqrec.kafka.client.http-headers", "Authorization: Bearer abc",
                "seqrec.kafka.client.sasl.jaas.config", "... password=\"p4ss\";",
                "seqrec.kafka.client.ssl.key.password", "k3y"));

        assertThat(JobConfigSources.resolve(flink).toString())
                .contains("kafka.client.http-headers=******", "kafka.client.sasl.jaas.config=******",
                        "kafka.client.ssl.key.password=******")
                .doesNotContain("Bearer", "p4ss", "k3y");
    }
}
