package org.seqrec.job.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.seqrec.avro.Action;
import org.seqrec.avro.ErrorKind;
import org.seqrec.avro.InteractionEvent;

class InteractionValidatorTest {

    private static final Instant MIN = Instant.parse("1990-01-01T00:00:00Z");
    private final InteractionValidator validator = new InteractionValidator(MIN, Duration.ofHours(1), 8);

    private static InteractionEvent event(String eventId, String userId, String itemId, Instant time) {
        return new InteractionEvent(eventId, userId, itemId, Action.LIKE, time, 4.5);
    }

    @Test
    void shouldTurnAValidEventIntoAnInteraction() throws Exception {
        Instant time = Instant.parse("2018-09-24T14:00:00Z");
        assertThat(validator.validate(event("e1", "u1", "318", time)))
                .isEqualTo(new Interaction("e1", "u1", "318", Action.LIKE, time.toEpochMilli()));
    }

    @Test
    void shouldRefuseBlankAndOverlongIdsNamingTheField() {
        Instant time = Instant.parse("2018-09-24T14:00:00Z");
        assertThatThrownBy(() -> validator.validate(event(" ", "u1", "318", time)))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.MISSING_FIELD))
                .hasMessage("event_id is empty");
        assertThatThrownBy(() -> validator.validate(event("e1", "", "318", time))).hasMessage("user_id is empty");
        assertThatThrownBy(() -> validator.validate(event("e1", "u1", "123456789", time)))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_FIELD))
                .hasMessage("item_id has 9 characters, more than the 8 allowed");
    }

    @Test
    void shouldRefuseTimesBeforeTheMinimumOrTooFarAhead() {
        assertThatThrownBy(() -> validator.validate(event("e1", "u1", "318", MIN.minusMillis(1))))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.ABSURD_TIMESTAMP))
                .hasMessageContaining("is before 1990-01-01T00:00:00Z");
        assertThatThrownBy(() -> validator.validate(event("e1", "u1", "318", Instant.now().plus(Duration.ofHours(2)))))
                .hasMessageContaining("is more than PT1H in the future");
    }
}
