package org.seqrec.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.seqrec.avro.Action;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.schemas.DecodeException;
import org.seqrec.schemas.MovieLensCsv;

/**
 * MovieLens ml-latest-small as interaction events ({@link MovieLensCsv} maps the rows, as the state bootstrap
 * does). Sorted by timestamp; within one second ratings come before tags, then by user, then item.
 */
public final class MovieLens {

    /** Where the project keeps its copy of the data, relative to the repository root. */
    public static final Path DEFAULT_DIR = Path.of("data", "ml-latest-small");

    /** The same folder seen from a module directory, where Maven runs tests. */
    public static final Path DEFAULT_DIR_FROM_MODULE = Path.of("..").resolve(DEFAULT_DIR);

    private MovieLens() {}

    /** All ratings and tag applications as events, in replay order. */
    public static List<InteractionEvent> events(Path dir) {
        List<InteractionEvent> events = new ArrayList<>(110_000);
        events.addAll(csvEvents(dir.resolve("ratings.csv")));
        events.addAll(csvEvents(dir.resolve("tags.csv")));
        events.sort(Comparator.comparing(InteractionEvent::getEventTime)
                .thenComparing(e -> e.getAction() == Action.TAG)
                .thenComparing(e -> Long.parseLong(e.getUserId()))
                .thenComparing(e -> Long.parseLong(e.getItemId())));
        return events;
    }

    /** The {@code n} items with the most interactions, most first (ties by id): the demo's and benchmarks' pool. */
    public static List<String> mostInteracted(List<InteractionEvent> events, int n) {
        Map<String, Long> counts = events.stream()
                .collect(Collectors.groupingBy(InteractionEvent::getItemId, Collectors.counting()));
        return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(n).map(Map.Entry::getKey).toList();
    }

    /** Movie titles by movie id, for showing recommendations to people. */
    public static Map<String, String> titles(Path dir) {
        Map<String, String> titles = new HashMap<>();
        for (String[] row : rows(dir.resolve("movies.csv"), 3)) {
            titles.put(row[0], row[1]);
        }
        return titles;
    }

    /** The events of one MovieLens CSV file, in file order; a malformed line stops the replay with its place. */
    private static List<InteractionEvent> csvEvents(Path file) {
        List<InteractionEvent> events = new ArrayList<>();
        try (BufferedReader reader = open(file)) {
            MovieLensCsv csv = MovieLensCsv.forHeader(reader.readLine());
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                try {
                    events.add(csv.event(line));
                } catch (DecodeException e) {
                    throw new IllegalArgumentException(file + ": " + e.getMessage() + " in: " + line, e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return events;
    }

    /** CSV rows without the header; quoted fields (titles, tags) may contain commas and doubled quotes. */
    static List<String[]> rows(Path file, int columns) {
        List<String[]> rows = new ArrayList<>();
        try (BufferedReader reader = open(file)) {
            reader.readLine();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String[] row = MovieLensCsv.parseLine(line);
                if (row.length != columns) {
                    throw new IllegalArgumentException(file + ": expected " + columns + " columns in: " + line);
                }
                rows.add(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    private static BufferedReader open(Path file) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("Cannot read " + file.toAbsolutePath()
                    + ": run from the repository root, or point --data at a MovieLens ml-latest-small folder");
        }
        return Files.newBufferedReader(file, StandardCharsets.UTF_8);
    }
}
