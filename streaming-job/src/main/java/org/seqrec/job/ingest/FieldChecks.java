package org.seqrec.job.ingest;

import java.time.Duration;
import java.time.Instant;
import org.seqrec.avro.ErrorKind;

/** Checks of single fields that every validator applies the same way; ids have their own rules in {@link Ids}. */
public final class FieldChecks {

    private FieldChecks() {}

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
