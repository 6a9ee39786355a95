package org.seqrec.job.bootstrap;

/** One user's packed sequence after their whole history (a Flink POJO), ready to be written as state. */
public class UserSequence {
    public String userId;
    public byte[] packed;

    public UserSequence() {}

    public UserSequence(String userId, byte[] packed) {
        this.userId = userId;
        this.packed = packed;
    }
}
