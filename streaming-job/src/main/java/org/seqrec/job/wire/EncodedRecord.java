package org.seqrec.job.wire;

import java.nio.charset.StandardCharsets;

/**
 * A Kafka record already encoded by the operator that produced it (a Flink POJO). Every output of the
 * job is keyed by the user id as UTF-8 ({@link #key(String)}), so one user's outputs stay in order on one
 * partition.
 */
public class EncodedRecord {
    public byte[] key;
    public byte[] value;

    public EncodedRecord() {}

    public EncodedRecord(byte[] key, byte[] value) {
        this.key = key;
        this.value = value;
    }

    /** The Kafka key of a record about this user: the id as UTF-8, or null. */
    public static byte[] key(String userId) {
        return userId == null ? null : userId.getBytes(StandardCharsets.UTF_8);
    }
}
