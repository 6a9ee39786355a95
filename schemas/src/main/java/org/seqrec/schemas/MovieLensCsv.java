package org.seqrec.schemas;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.seqrec.avro.Action;
import org.seqrec.avro.ErrorKind;
import org.seqrec.avro.InteractionEvent;

/**
 * MovieLens-shaped CSV as interaction events: the one mapping that both the MovieLens replay and the state
 * bootstrap use, so that an event has the same id whichever way it reaches the job. A rating row
 * ({@code userId,movieId,rating,timestamp}) is one event with id {@code r-<user>-<movie>} whose action is
 * its star bucket (DISLIKE <= 2.0, NEUTRAL 2.5-3.5, LIKE >= 4.0; value = the stars). A tag row
 * ({@code userId,movieId,tag,timestamp}) is a TAG event with id {@code t-<user>-<movie>-<timestamp>-<n>}, n
 * counting that user's tags of that movie in that second in file order. Timestamps are epoch seconds. Which
 * of the two a file holds is read from its header line.
 */
public final class MovieLensCsv {

    public static final String RATINGS_HEADER = "userId,movieId,rating,timestamp";
    public static final String TAGS_HEADER = "userId,movieId,tag,timestamp";

    private final boolean ratings;
    // A user may apply several tags to one movie in the same second; the ordinal keeps ids unique.
    private final Map<String, Integer> tagOrdinals = new HashMap<>();

    private MovieLensCsv(boolean ratings) {
        this.ratings = ratings;
    }

    /** The reader for a file with this header line, or an exception naming the headers it knows. */
    public static MovieLensCsv forHeader(String header) {
        String trimmed = header == null ? "" : header.strip();
        if (trimmed.equals(RATINGS_HEADER) || trimmed.equals(TAGS_HEADER)) {
            return new MovieLensCsv(trimmed.equals(RATINGS_HEADER));
        }
        throw new IllegalArgumentException("header '" + header + "' is neither MovieLens ratings (" + RATINGS_HEADER
                + ") nor tags (" + TAGS_HEADER + ")");
    }

    /** The star bucket of a rating, as the model-export training data buckets it too. */
    public static Action actionForRating(double stars) {
        if (stars <= 2.0) {
            return Action.DISLIKE;
        }
        return stars >= 4.0 ? Action.LIKE : Action.NEUTRAL;
    }

    /**
     * The event of one data line. Ids are not checked here (the job's validator does that); a line that
     * does not have four fields is CORRUPT_PAYLOAD, a number that does not parse INVALID_FIELD.
     */
    public InteractionEvent event(String line) throws DecodeException {
        String[] row = parseLine(line);
        if (row.length != 4) {
            throw new DecodeException(ErrorKind.CORRUPT_PAYLOAD,
                    "expected 4 comma-separated fields, found " + row.length);
        }
        Instant time = Instant.ofEpochSecond(number("timestamp", row[3], Long::parseLong));
        InteractionEvent.Builder event = InteractionEvent.newBuilder().setUserId(row[0]).setItemId(row[1])
                .setEventTime(time);
        if (ratings) {
            double stars = number("rating", row[2], Double::parseDouble);
            if (!Double.isFinite(stars)) {
                throw new DecodeException(ErrorKind.INVALID_FIELD, "rating '" + row[2] + "' is not a finite number");
            }
            return event.setEventId("r-" + row[0] + "-" + row[1]).setAction(actionForRating(stars)).setValue(stars)
                    .build();
        }
        String base = "t-" + row[0] + "-" + row[1] + "-" + row[3];
        int ordinal = tagOrdinals.merge(base, 1, Integer::sum);
        return event.setEventId(base + "-" + ordinal).setAction(Action.TAG).setValue(null).build();
    }

    /** One CSV line; quoted fields (titles, tags) may contain commas and doubled quotes. */
    public static String[] parseLine(String line) {
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

    private interface Parser<T> {
        T parse(String text);
    }

    private static <T> T number(String field, String text, Parser<T> parser) throws DecodeException {
        try {
            return parser.parse(text.strip());
        } catch (NumberFormatException e) {
            throw new DecodeException(ErrorKind.INVALID_FIELD, field + " '" + text + "' is not a number");
        }
    }
}
