package org.seqrec.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.seqrec.avro.Action;
import org.seqrec.avro.ErrorKind;
import org.seqrec.avro.InteractionEvent;

class MovieLensCsvTest {

    @Test
    void shouldBucketStarsIntoActions() {
        assertThat(MovieLensCsv.actionForRating(0.5)).isEqualTo(Action.DISLIKE);
        assertThat(MovieLensCsv.actionForRating(2.0)).isEqualTo(Action.DISLIKE);
        assertThat(MovieLensCsv.actionForRating(2.5)).isEqualTo(Action.NEUTRAL);
        assertThat(MovieLensCsv.actionForRating(3.5)).isEqualTo(Action.NEUTRAL);
        assertThat(MovieLensCsv.actionForRating(4.0)).isEqualTo(Action.LIKE);
    }

    @Test
    void shouldParseQuotedFieldsWithCommas() {
        assertThat(MovieLensCsv.parseLine("1,\"a \"\"quoted\"\", b\",c")).containsExactly("1", "a \"quoted\", b", "c");
    }

    @Test
    void shouldMapRatingsAndNumberRepeatedTagsInFileOrder() throws DecodeException {
        InteractionEvent rating = MovieLensCsv.forHeader(MovieLensCsv.RATINGS_HEADER).event("7,31,4.5,964982703");
        assertThat(rating.getEventId()).isEqualTo("r-7-31");
        assertThat(rating.getAction()).isEqualTo(Action.LIKE);
        assertThat(rating.getValue()).isEqualTo(4.5);
        assertThat(rating.getEventTime()).isEqualTo(Instant.ofEpochSecond(964982703));

        MovieLensCsv tags = MovieLensCsv.forHeader(MovieLensCsv.TAGS_HEADER);
        assertThat(tags.event("2,60756,funny,1445714994").getEventId()).isEqualTo("t-2-60756-1445714994-1");
        InteractionEvent second = tags.event("2,60756,\"Highly quotable, really\",1445714994");
        assertThat(second.getEventId()).isEqualTo("t-2-60756-1445714994-2");
        assertThat(second.getAction()).isEqualTo(Action.TAG);
    }

    @Test
    void shouldRejectMalformedRowsWithTheDeadLetterKind() {
        MovieLensCsv ratings = MovieLensCsv.forHeader(MovieLensCsv.RATINGS_HEADER);
        assertThatThrownBy(() -> ratings.event("1,2,3.0"))
                .isInstanceOfSatisfying(DecodeException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.CORRUPT_PAYLOAD));
        assertThatThrownBy(() -> ratings.event("1,2,lots,964982703"))
                .isInstanceOfSatisfying(DecodeException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_FIELD))
                .hasMessageContaining("rating 'lots'");
        assertThatThrownBy(() -> ratings.event("1,2,3.0,yesterday"))
                .hasMessageContaining("timestamp 'yesterday' is not a number");
        assertThatThrownBy(() -> MovieLensCsv.forHeader("id,name"))
                .hasMessageContaining(MovieLensCsv.RATINGS_HEADER);
    }
}
