package org.seqrec.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.seqrec.avro.Action;
import org.seqrec.avro.InteractionEvent;

class MovieLensTest {

    private static final List<InteractionEvent> EVENTS = MovieLens.events(MovieLens.DEFAULT_DIR_FROM_MODULE);

    @Test
    void shouldTurnEveryRatingAndTagIntoOneEventWithAUniqueId() {
        assertThat(EVENTS.stream().filter(e -> e.getAction() == Action.TAG)).hasSize(3_683);
        assertThat(EVENTS.stream().filter(e -> e.getAction() != Action.TAG)).hasSize(100_836);
        assertThat(new HashSet<>(EVENTS.stream().map(InteractionEvent::getEventId).toList())).hasSize(EVENTS.size());
        assertThat(EVENTS.stream().map(InteractionEvent::getUserId).distinct()).hasSize(610);
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
