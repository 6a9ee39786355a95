package org.seqrec.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class CommandLineTest {

    private static final ConfigOption<Double> RATE = ConfigOptions.key("max-rate").doubleType().defaultValue(3000.0)
            .withDescription("Events per second, at most.");
    private static final ConfigOption<Duration> TTL = ConfigOptions.key("ttl").durationType()
            .defaultValue(Duration.ofMinutes(3));
    private static final ConfigOption<String> TOPIC = ConfigOptions.key("topic").stringType().noDefaultValue();
    private static final ConfigOption<Boolean> FOLLOW = ConfigOptions.key("follow").booleanType().defaultValue(false);

    private final CommandLine commandLine = CommandLine.of("Tool", List.of(RATE, TTL, TOPIC, FOLLOW));

    @Test
    void shouldReadBothSpellingsInAnyMixAndKeepThePairsAfterThemInStep() {
        Configuration config = commandLine.configuration("--max-rate=1e4", "--topic", "a", "--ttl=30 s", "--follow");
        assertThat(config.get(RATE)).isEqualTo(10_000.0);
        assertThat(config.get(TOPIC)).isEqualTo("a");
        assertThat(config.get(TTL)).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.get(FOLLOW)).isTrue();
        assertThat(commandLine.configuration("--topic", "b").get(RATE)).isEqualTo(3000.0);
    }

    @Test
    void shouldKeepAValueThatContainsAnEqualsSign() {
        assertThat(commandLine.parse("--topic=a=b")).isEqualTo(Map.of("topic", "a=b"));
    }

    @Test
    void shouldRefuseUnknownKeysListingTheKnownOnes() {
        assertThatThrownBy(() -> commandLine.parse("--topic", "a", "--max-rte", "5"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown option --max-rte")
                .hasMessageContaining("--max-rate (default 3000.0): Events per second, at most.")
                .hasMessageContaining("--ttl").hasMessageContaining("--follow");
    }

    @Test
    void shouldRefuseAMissingValueAStrayWordAndAValueOfTheWrongType() {
        assertThatThrownBy(() -> commandLine.parse("--topic")).hasMessageContaining("--topic needs a value");
        assertThatThrownBy(() -> commandLine.parse("topic", "a")).hasMessageContaining("got 'topic'");
        assertThatThrownBy(() -> commandLine.parse("--max-rate", "fast"))
                .hasMessageContaining("--max-rate 'fast' does not read as a Double");
    }

    @Test
    void shouldPassKeysUnderAnOpenPrefixThrough() {
        CommandLine open = commandLine.withOpenPrefix("kafka.client.");
        assertThat(open.parse("--kafka.client.security.protocol=SSL", "--topic", "t"))
                .containsEntry("kafka.client.security.protocol", "SSL").containsEntry("topic", "t");
        assertThatThrownBy(() -> commandLine.parse("--kafka.client.security.protocol=SSL"))
                .hasMessageContaining("unknown option --kafka.client.security.protocol");
    }
}
