package org.seqrec.job.ingest;

import java.util.Objects;
import org.seqrec.avro.Action;

/** A validated interaction as it travels between operators (a Flink POJO). */
public class Interaction {
    public String eventId;
    public String userId;
    public String itemId;
    public Action action;
    /** Event time, epoch milliseconds. */
    public long eventTime;

    public Interaction() {}

    public Interaction(String eventId, String userId, String itemId, Action action, long eventTime) {
        this.eventId = eventId;
        this.userId = userId;
        this.itemId = itemId;
        this.action = action;
        this.eventTime = eventTime;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Interaction other && eventTime == other.eventTime && Objects.equals(eventId, other.eventId)
                && Objects.equals(userId, other.userId) && Objects.equals(itemId, other.itemId) && action == other.action;
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, userId, itemId, action, eventTime);
    }

    @Override
    public String toString() {
        return "Interaction{" + eventId + ", user=" + userId + ", item=" + itemId + ", " + action + ", t=" + eventTime + "}";
    }
}
