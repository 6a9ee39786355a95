package org.seqrec.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.util.TimeUtils;

/** The README's option tables: one row per option, with its default as the program parses it. */
public final class ReadmeOptions {

    private ReadmeOptions() {}

    public static void assertDocumented(List<ConfigOption<?>> options) throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (ConfigOption<?> option : options) {
            Object value = option.defaultValue();
            String shown = value == null ? "none"
                    : "`" + (value instanceof Duration d ? TimeUtils.formatWithHighestUnit(d) : value) + "`";
            assertThat(readme).as("README row for %s with its default", option.key())
                    .contains("| `" + option.key() + "` | " + shown + " |");
        }
    }
}
