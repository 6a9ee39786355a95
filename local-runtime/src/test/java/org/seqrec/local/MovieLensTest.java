package org.seqrec.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Locale;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.seqrec.avro.Action;
import org.seqrec.avro.InteractionEvent;

class MovieLensTest {

    private static final List<InteractionEvent> EVENTS = MovieLens.events(MovieLens.DEFAULT_DIR_FROM_MODULE);

    /** Written by {@code python -m attnmvp stream-digest} from the same CSV files. */
    private static final Path TRAINED_STREAM = Path.of("..", "model-export", "models", "event-stream.json");

    @Test
    void shouldTurnEveryRatingAndTagIntoOneEventWithAUniqueId() {
        assertThat(EVENTS.stream().filter(e -> e.getAction() == Action.TAG)).hasSize(3_683);
        assertThat(EVENTS.stream().filter(e -> e.getAction() != Action.TAG)).hasSize(100_836);
        assertThat(new HashSet<>(EVENTS.stream().map(InteractionEvent::getEventId).toList())).hasSize(EVENTS.size());
        assertThat(EVENTS.stream().map(InteractionEvent::getUserId).distinct()).hasSize(610);
    }

    /**
     * The models are trained and evaluated on the stream model-export reads from the same CSV files; it writes
     * that stream's count, per-action counts and a SHA-256 over "user,item,action,epochSecond" lines in stream
     * order to this file. Any difference in which events exist, their order or their ids fails here.
     */
    @Test
    void shouldReplayExactlyTheEventStreamTheModelsAreTrainedOn() throws IOException, NoSuchAlgorithmException {
        JsonNode trained = new ObjectMapper().readTree(TRAINED_STREAM.toFile());
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        for (InteractionEvent e : EVENTS) {
            String line = e.getUserId() + "," + e.getItemId() + "," + e.getAction().name().toLowerCase(Locale.ROOT)
                    + "," + e.getEventTime().getEpochSecond() + "\n";
            sha256.update(line.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(EVENTS).hasSize(trained.get("events").asInt());
        trained.get("actions").fields().forEachRemaining(count -> assertThat(EVENTS.stream()
                        .filter(e -> e.getAction().name().equalsIgnoreCase(count.getKey())).count())
                .as("%s events", count.getKey())
                .isEqualTo(count.getValue().asLong()));
        assertThat(HexFormat.of().formatHex(sha256.digest())).isEqualTo(trained.get("sha256").asText());
    }

    @Test
    void shouldReplayInTimestampOrder() {
        assertThat(EVENTS).extracting(InteractionEvent::getEventTime).isSorted();
    }

    @Test
    void shouldCarryTheStarsOfRatings() {
        assertThat(EVENTS.get(0).getValue()).isNotNull();
    }

    @Test
    void shouldParseQuotedTitlesWithCommas() {
        assertThat(MovieLens.titles(MovieLens.DEFAULT_DIR_FROM_MODULE))
                .containsEntry("1", "Toy Story (1995)")
                .containsEntry("11", "American President, The (1995)");
    }

    @Test
    void shouldPickTheMostInteractedItemsMostFirst() {
        List<String> top = MovieLens.mostInteracted(EVENTS, 50);
        Map<String, Long> counts = EVENTS.stream()
                .collect(Collectors.groupingBy(InteractionEvent::getItemId, Collectors.counting()));
        assertThat(top).hasSize(50).doesNotHaveDuplicates();
        assertThat(top.stream().map(counts::get).toList()).isSortedAccordingTo(Comparator.reverseOrder());
        long fiftieth = counts.get(top.get(49));
        assertThat(counts.entrySet().stream().filter(e -> !top.contains(e.getKey())))
                .allMatch(e -> e.getValue() <= fiftieth);
    }
}
