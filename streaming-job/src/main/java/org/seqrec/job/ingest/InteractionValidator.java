package org.seqrec.job.ingest;

import java.time.Duration;
import java.time.Instant;
import org.seqrec.avro.InteractionEvent;

/** Accepts interactions with non-blank, bounded ids and an event time inside a plausible window. */
public final class InteractionValidator implements RecordValidator<InteractionEvent, Interaction> {

    private static final long serialVersionUID = 1L;

    private final long minEventTime;
    private final long maxFutureSkewMillis;
    private final int maxIdLength;

    public InteractionValidator(Instant minEventTime, Duration maxFutureSkew, int maxIdLength) {
        this.minEventTime = minEventTime.toEpochMilli();
        this.maxFutureSkewMillis = maxFutureSkew.toMillis();
        this.maxIdLength = maxIdLength;
    }

    @Override
    public Interaction validate(InteractionEvent event) throws ValidationException {
        String eventId = FieldChecks.requireId("event_id", event.getEventId(), maxIdLength);
        String userId = FieldChecks.requireId("user_id", event.getUserId(), maxIdLength);
        String itemId = FieldChecks.requireId("item_id", event.getItemId(), maxIdLength);
        long eventTime = event.getEventTime().toEpochMilli();
        FieldChecks.requirePlausibleTime(eventTime, minEventTime, maxFutureSkewMillis);
        return new Interaction(eventId, userId, itemId, event.getAction(), eventTime);
    }
}
