package org.seqrec.job.ingest;

/** A validated ranking request (a Flink POJO): rank these distinct candidates for this user, keep k. */
public class RankRequest {
    public String requestId;
    public String userId;
    public String[] candidateItemIds;
    public int k;
    /** Request time, epoch milliseconds. */
    public long requestTime;

    public RankRequest() {}

    public RankRequest(String requestId, String userId, String[] candidateItemIds, int k, long requestTime) {
        this.requestId = requestId;
        this.userId = userId;
        this.candidateItemIds = candidateItemIds;
        this.k = k;
        this.requestTime = requestTime;
    }
}
