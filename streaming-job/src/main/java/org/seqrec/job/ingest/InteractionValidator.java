package org.seqrec.job.ingest;

import java.time.Duration;
import java.time.Instant;
import org.seqrec.avro.ErrorKind;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.job.JobConfig;

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

    public static InteractionValidator from(JobConfig config) {
        return new InteractionValidator(config.minEventTime(), config.get(JobConfig.MAX_FUTURE_SKEW),
                config.get(JobConfig.MAX_ID_LENGTH));
    }

    @Override
    public Interaction validate(InteractionEvent event) throws ValidationException {
        String eventId = requireId("event_id", event.getEventId());
        String userId = requireId("user_id", event.getUserId());
        String itemId = requireId("item_id", event.getItemId());
        long eventTime = event.getEventTime().toEpochMilli();
        requirePlausibleTime(eventTime, minEventTime, maxFutureSkewMillis);
        return new Interaction(eventId, userId, itemId, event.getAction(), eventTime);
    }

    String requireId(String field, String value) throws ValidationException {
        return requireId(field, value, maxIdLength);
    }

    /** A non-blank id of at most {@code maxLength} characters. */
    public static String requireId(String field, String value, int maxLength) throws ValidationException {
        if (value == null || value.isBlank()) {
            throw new ValidationException(ErrorKind.MISSING_FIELD, field + " is empty");
        }
        if (value.length() > maxLength) {
            throw new ValidationException(ErrorKind.INVALID_FIELD,
                    field + " has " + value.length() + " characters, more than the " + maxLength + " allowed");
        }
        return value;
    }

    /** An event time no earlier than {@code min} and no further ahead of the wall clock than the skew. */
    public static void requirePlausibleTime(long eventTime, long min, long maxFutureSkewMillis)
            throws ValidationException {
        if (eventTime < min) {
            throw new ValidationException(ErrorKind.ABSURD_TIMESTAMP,
                    "event_time " + Instant.ofEpochMilli(eventTime) + " is before " + Instant.ofEpochMilli(min));
        }
        long latest = System.currentTimeMillis() + maxFutureSkewMillis;
        if (eventTime > latest) {
            throw new ValidationException(ErrorKind.ABSURD_TIMESTAMP,
                    "event_time " + Instant.ofEpochMilli(eventTime) + " is more than "
                            + Duration.ofMillis(maxFutureSkewMillis) + " in the future");
        }
    }
}
