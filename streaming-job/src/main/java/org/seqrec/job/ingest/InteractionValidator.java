package org.seqrec.job.ingest;

import java.time.Duration;
import java.time.Instant;
import org.seqrec.avro.ErrorKind;
import org.seqrec.avro.InteractionEvent;

/** Accepts interactions with valid ids ({@link Ids}), a finite value if any, and an event time inside a plausible window. */
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
        String eventId = Ids.require("event_id", event.getEventId(), maxIdLength);
        String userId = Ids.require("user_id", event.getUserId(), maxIdLength);
        String itemId = Ids.require("item_id", event.getItemId(), maxIdLength);
        if (event.getValue() != null && !Double.isFinite(event.getValue())) {
            throw new ValidationException(ErrorKind.INVALID_FIELD, "value is " + event.getValue() + "; it must be finite");
        }
        long eventTime = event.getEventTime().toEpochMilli();
        FieldChecks.requirePlausibleTime(eventTime, minEventTime, maxFutureSkewMillis);
        return new Interaction(eventId, userId, itemId, event.getAction(), eventTime);
    }
}
