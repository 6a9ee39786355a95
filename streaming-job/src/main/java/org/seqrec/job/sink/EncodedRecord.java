package org.seqrec.job.sink;

/** A Kafka record already encoded by the operator that produced it (a Flink POJO). */
public class EncodedRecord {
    public byte[] key;
    public byte[] value;

    public EncodedRecord() {}

    public EncodedRecord(byte[] key, byte[] value) {
        this.key = key;
        this.value = value;
    }
}
