package org.seqrec.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.seqrec.avro.Action;
import org.seqrec.avro.InteractionEvent;

/**
 * MovieLens ml-latest-small as interaction events: each rating is one event whose action is its star
 * bucket (DISLIKE <= 2.0, NEUTRAL 2.5-3.5, LIKE >= 4.0, value = the stars), each tag application is a
 * TAG event. Sorted by timestamp; within one second ratings come before tags, then by user, then item.
 */
public final class MovieLens {

    /** Where the project keeps its copy of the data, relative to the repository root. */
    public static final Path DEFAULT_DIR = Path.of("data", "ml-latest-small");

    /** The same folder seen from a module directory, where Maven runs tests. */
    public static final Path DEFAULT_DIR_FROM_MODULE = Path.of("..").resolve(DEFAULT_DIR);

    private MovieLens() {}

    /** The star bucket of a rating, as the model-export training data buckets it too. */
    public static Action actionForRating(double stars) {
        if (stars <= 2.0) {
            return Action.DISLIKE;
        }
        return stars >= 4.0 ? Action.LIKE : Action.NEUTRAL;
    }

    /** All ratings and tag applications as events, in replay order. */
    public static List<InteractionEvent> events(Path dir) {
        List<InteractionEvent> events = new ArrayList<>(110_000);
        for (String[] row : rows(dir.resolve("ratings.csv"), 4)) {
            double stars = Double.parseDouble(row[2]);
            events.add(event("r-" + row[0] + "-" + row[1], row[0], row[1], actionForRating(stars), row[3], stars));
        }
        // A user may apply several tags to one movie in the same second; the ordinal keeps ids unique.
        Map<String, Integer> tagOrdinals = new HashMap<>();
        for (String[] row : rows(dir.resolve("tags.csv"), 4)) {
            String base = "t-" + row[0] + "-" + row[1] + "-" + row[3];
            int ordinal = tagOrdinals.merge(base, 1, Integer::sum);
            events.add(event(base + "-" + ordinal, row[0], row[1], Action.TAG, row[3], null));
        }
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

    private static InteractionEvent event(String id, String user, String item, Action action, String seconds,
            Double value) {
        return InteractionEvent.newBuilder()
                .setEventId(id).setUserId(user).setItemId(item).setAction(action)
                .setEventTime(Instant.ofEpochSecond(Long.parseLong(seconds))).setValue(value)
                .build();
    }

    /** CSV rows without the header; quoted fields (titles, tags) may contain commas and doubled quotes. */
    static List<String[]> rows(Path file, int columns) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("Cannot read " + file.toAbsolutePath()
                    + ": run from the repository root, or point --data at a MovieLens ml-latest-small folder");
        }
        List<String[]> rows = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            reader.readLine();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String[] row = parseCsvLine(line);
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

    static String[] parseCsvLine(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields.toArray(String[]::new);
    }
}
