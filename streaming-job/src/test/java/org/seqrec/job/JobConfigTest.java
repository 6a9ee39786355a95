package org.seqrec.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seqrec.testing.ReadmeOptions;

class JobConfigTest {

    @Test
    void defaultsRunWithoutAnySetting() {
        JobConfig config = JobConfig.fromArgs();
        assertThat(config.get(JobConfig.MAX_SEQUENCE_LENGTH)).isEqualTo(256);
        assertThat(config.get(JobConfig.TRANSACTION_TIMEOUT)).isLessThan(Duration.ofMinutes(15));
    }

    @Test
    void readsBothArgumentForms() {
        JobConfig config = JobConfig.fromArgs("--sequence.max-length", "64", "--sequence.ttl=2 d");
        assertThat(config.get(JobConfig.MAX_SEQUENCE_LENGTH)).isEqualTo(64);
        assertThat(config.get(JobConfig.STATE_TTL)).isEqualTo(Duration.ofDays(2));
    }

    @Test
    void rejectsAnUnknownKeyNamingTheKnownOnes() {
        assertThatThrownBy(() -> JobConfig.fromArgs("--sequence.max-lenght", "64"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown option --sequence.max-lenght")
                .hasMessageContaining("--sequence.max-length (default 256)");
    }

    @Test
    void rejectsValuesOutOfRangeWithWhatToFix() {
        assertThatThrownBy(() -> JobConfig.fromArgs("--sequence.max-length", "0"))
                .hasMessageContaining("sequence.max-length must be positive");
        assertThatThrownBy(() -> JobConfig.fromArgs("--sequence.max-length", "many"))
                .hasMessageContaining("--sequence.max-length 'many' does not read as a Integer");
        assertThatThrownBy(() -> JobConfig.fromMap(Map.of("sequence.max-length", "many")))
                .hasMessageContaining("sequence.max-length: cannot read 'many'");
        assertThatThrownBy(() -> JobConfig.fromArgs("--sink.transaction-timeout", "20 min"))
                .hasMessageContaining("above the brokers' transaction.max.timeout.ms (sink.broker-transaction-max-timeout,"
                        + " 15 min)")
                .hasMessageContaining("set sink.broker-transaction-max-timeout to the new value");
        assertThatThrownBy(() -> JobConfig.fromArgs("--checkpoint.interval", "11 min"))
                .hasMessageContaining("must exceed (checkpoint.tolerable-failures + 1) x checkpoint.interval (PT44M)");
        assertThatThrownBy(() -> JobConfig.fromArgs("--checkpoint.interval", "1 min",
                "--checkpoint.tolerable-failures", "10", "--sink.transaction-timeout", "10 min"))
                .hasMessageContaining("sink.transaction-timeout (PT10M) must exceed (checkpoint.tolerable-failures + 1)"
                        + " x checkpoint.interval (PT11M)");
        assertThatThrownBy(() -> JobConfig.fromArgs("--checkpoint.tolerable-failures", "-1"))
                .hasMessageContaining("checkpoint.tolerable-failures must not be negative");
        assertThatThrownBy(() -> JobConfig.fromArgs("--sink.delivery-guarantee", "maybe"))
                .hasMessageContaining("one of exactly-once, at-least-once, none");
        assertThatThrownBy(() -> JobConfig.fromArgs("--sink.delivery-guarantee", "none"))
                .hasMessageContaining("'exactly-once' or 'at-least-once', not 'none'");
        assertThatThrownBy(() -> JobConfig.fromArgs("--scoring.device", "tpu"))
                .hasMessageContaining("one of cpu, cuda, auto");
        assertThat(JobConfig.fromArgs("--scoring.device", "CUDA", "--source.starting-offsets=latest")
                .get(JobConfig.DEVICE)).isEqualTo(JobConfig.ScoringDevice.CUDA);
        assertThatThrownBy(() -> JobConfig.fromArgs("--validation.min-event-time", "yesterday"))
                .hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> JobConfig.fromArgs("--sequence.max-length"))
                .hasMessageContaining("--sequence.max-length needs a value");
    }

    @Test
    void aLongerTransactionTimeoutIsAcceptedWhenTheBrokersAllowIt() {
        JobConfig config = JobConfig.fromArgs("--sink.transaction-timeout", "20 min",
                "--sink.broker-transaction-max-timeout", "1 h");
        assertThat(config.get(JobConfig.TRANSACTION_TIMEOUT)).isEqualTo(Duration.ofMinutes(20));
        assertThatThrownBy(() -> JobConfig.fromArgs("--sink.transaction-timeout", "2 h",
                "--sink.broker-transaction-max-timeout", "1 h")).hasMessageContaining("above the brokers'");
    }

    @Test
    void startsAtATimestampOnlyWhenBothTimestampSettingsAgree() {
        JobConfig config = JobConfig.fromArgs("--source.starting-offsets", "timestamp",
                "--source.starting-timestamp", "2018-09-24T14:27:30Z");
        assertThat(config.startingTimestamp()).isEqualTo(Instant.parse("2018-09-24T14:27:30Z"));
        assertThatThrownBy(() -> JobConfig.fromArgs("--source.starting-offsets", "timestamp"))
                .hasMessageContaining("'timestamp' needs source.starting-timestamp");
        assertThatThrownBy(() -> JobConfig.fromArgs("--source.starting-timestamp", "2018-09-24T14:27:30Z"))
                .hasMessageContaining("set source.starting-offsets to 'timestamp'");
        assertThatThrownBy(() -> JobConfig.fromArgs("--source.starting-offsets", "timestamp",
                "--source.starting-timestamp", "last tuesday"))
                .hasMessageContaining("source.starting-timestamp must be an ISO-8601 instant");
    }

    @Test
    void passesKafkaClientSettingsThroughWithoutThePrefix() {
        JobConfig config = JobConfig.fromMap(Map.of("kafka.client.security.protocol", "SASL_SSL",
                "kafka.bootstrap-servers", "broker:9093"));
        assertThat(config.kafkaClientProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("bootstrap.servers", "broker:9093");
    }

    @Test
    void readsAConfigFileUnderTheArguments(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("job.properties"), String.join("\n",
                "sequence.max-length=64", "sequence.ttl=2 d",
                "kafka.client.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"u\" password=\"p4ss\";"));
        JobConfig config = JobConfig.fromArgs("--config-file", file.toString(), "--sequence.max-length", "32");
        assertThat(config.get(JobConfig.MAX_SEQUENCE_LENGTH)).as("the argument wins").isEqualTo(32);
        assertThat(config.get(JobConfig.STATE_TTL)).isEqualTo(Duration.ofDays(2));
        assertThat(config.kafkaClientProperties().getProperty("sasl.jaas.config")).endsWith("password=\"p4ss\";");
    }

    @Test
    void aConfigFileIsValidatedLikeArguments(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> JobConfig.fromArgs("--config-file", dir.resolve("missing.properties").toString()))
                .hasMessageContaining("config-file: cannot read").hasMessageContaining("missing.properties");
        Path typo = Files.writeString(dir.resolve("typo.properties"), "sequence.max-lenght=64\n");
        assertThatThrownBy(() -> JobConfig.fromArgs("--config-file", typo.toString()))
                .hasMessageContaining("unknown option 'sequence.max-lenght'");
        Path nested = Files.writeString(dir.resolve("nested.properties"), "config-file=other.properties\n");
        assertThatThrownBy(() -> JobConfig.fromArgs("--config-file", nested.toString()))
                .hasMessageContaining("cannot name another one");
    }

    @Test
    void masksSensitiveValuesWhenPrinted() {
        JobConfig config = JobConfig.fromMap(Map.of("kafka.client.sasl.jaas.config", "... password=\"p4ss\";",
                "kafka.client.ssl.truststore.password", "tr0st", "kafka.client.ssl.key.password", "k3y",
                "kafka.client.security.protocol", "SASL_SSL", "sequence.max-length", "64"));
        assertThat(config.toString())
                .contains("kafka.client.sasl.jaas.config=******", "kafka.client.ssl.truststore.password=******",
                        "kafka.client.ssl.key.password=******", "kafka.client.security.protocol=SASL_SSL",
                        "sequence.max-length=64")
                .doesNotContain("p4ss", "tr0st", "k3y");
    }

    @Test
    void everyOptionIsDocumentedInTheReadmeWithItsDefault() throws Exception {
        ReadmeOptions.assertDocumented(JobConfig.OPTIONS);
    }
}
