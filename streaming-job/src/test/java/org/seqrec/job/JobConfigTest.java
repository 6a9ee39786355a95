package org.seqrec.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.util.TimeUtils;
import org.junit.jupiter.api.Test;

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
                .hasMessageContaining("unknown option 'sequence.max-lenght'")
                .hasMessageContaining("sequence.max-length");
    }

    @Test
    void rejectsValuesOutOfRangeWithWhatToFix() {
        assertThatThrownBy(() -> JobConfig.fromArgs("--sequence.max-length", "0"))
                .hasMessageContaining("sequence.max-length must be positive");
        assertThatThrownBy(() -> JobConfig.fromArgs("--sequence.max-length", "many"))
                .hasMessageContaining("sequence.max-length: cannot read 'many'");
        assertThatThrownBy(() -> JobConfig.fromArgs("--sink.transaction-timeout", "20 min"))
                .hasMessageContaining("above the broker's default maximum of 15 min");
        assertThatThrownBy(() -> JobConfig.fromArgs("--checkpoint.interval", "11 min"))
                .hasMessageContaining("must exceed checkpoint.interval");
        assertThatThrownBy(() -> JobConfig.fromArgs("--sink.delivery-guarantee", "maybe"))
                .hasMessageContaining("'exactly-once' or 'at-least-once'");
        assertThatThrownBy(() -> JobConfig.fromArgs("--validation.min-event-time", "yesterday"))
                .hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> JobConfig.fromArgs("--sequence.max-length"))
                .hasMessageContaining("has no value");
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
    void everyOptionIsDocumentedInTheReadmeWithItsDefault() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (ConfigOption<?> option : JobConfig.OPTIONS) {
            Object value = option.defaultValue();
            String shown = value instanceof Duration d ? TimeUtils.formatWithHighestUnit(d) : String.valueOf(value);
            String row = "| `" + option.key() + "` | `" + shown + "` |";
            assertThat(readme).as("README row for %s with its default", option.key()).contains(row);
        }
    }
}
