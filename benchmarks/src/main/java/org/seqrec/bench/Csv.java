package org.seqrec.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A benchmark's results as a CSV file under docs/benchmark-data, read by scripts/plot_benchmarks.py.
 * Numbers are written with a dot and no grouping, whatever the JVM's locale.
 */
final class Csv {

    private final List<String> header;
    private final List<String> lines = new ArrayList<>();

    Csv(String... header) {
        this.header = List.of(header);
    }

    /** One line; {@code null} and NaN become empty cells. */
    void row(Object... values) {
        if (values.length != header.size()) {
            throw new IllegalArgumentException("row has " + values.length + " values for " + header.size() + " columns");
        }
        lines.add(Arrays.stream(values).map(Csv::cell).collect(Collectors.joining(",")));
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        List<String> all = new ArrayList<>();
        all.add(String.join(",", header));
        all.addAll(lines);
        Files.write(file, all);
        System.out.println("wrote " + file);
    }

    private static String cell(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double d) {
            return d.isNaN() ? "" : String.format(Locale.ROOT, "%.4f", d);
        }
        String text = value.toString();
        return text.contains(",") || text.contains("\"") ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }
}
