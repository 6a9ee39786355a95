package org.seqrec.job.sequence;

/**
 * One user's scoring work (a Flink POJO): the history to condition on, the candidates, and what the
 * answer refers to (a request id, or the interaction that triggered a pool refresh).
 */
public class ScoringTask {
    public String userId;
    public String requestId;
    public String triggerEventId;
    /** Event time of the request or triggering interaction, epoch milliseconds. */
    public long eventTime;
    /** The user's sequence as {@code PackedSequence} bytes; null for a user without state. */
    public byte[] packedSequence;
    public String[] candidateItemIds;
    public int k;

    public ScoringTask() {}

    public ScoringTask(String userId, String requestId, String triggerEventId, long eventTime, byte[] packedSequence,
            String[] candidateItemIds, int k) {
        this.userId = userId;
        this.requestId = requestId;
        this.triggerEventId = triggerEventId;
        this.eventTime = eventTime;
        this.packedSequence = packedSequence;
        this.candidateItemIds = candidateItemIds;
        this.k = k;
    }
}
