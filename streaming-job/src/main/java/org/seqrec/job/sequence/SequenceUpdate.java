package org.seqrec.job.sequence;

/**
 * A user's sequence right after an accepted interaction (a Flink POJO). The sequence travels in its
 * packed form, which is smaller on the wire than a list of entries.
 */
public class SequenceUpdate {
    public String userId;
    public String triggerEventId;
    /** Event time of the triggering interaction, epoch milliseconds. */
    public long eventTime;
    public byte[] packedSequence;

    public SequenceUpdate() {}

    public SequenceUpdate(String userId, String triggerEventId, long eventTime, byte[] packedSequence) {
        this.userId = userId;
        this.triggerEventId = triggerEventId;
        this.eventTime = eventTime;
        this.packedSequence = packedSequence;
    }

    public PackedSequence sequence() {
        return PackedSequence.decode(packedSequence);
    }
}
