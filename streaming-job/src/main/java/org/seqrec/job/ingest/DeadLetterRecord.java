package org.seqrec.job.ingest;

import java.nio.ByteBuffer;
import java.time.Instant;
import org.seqrec.avro.DeadLetter;
import org.seqrec.avro.ErrorKind;

/** An input record the job could not use, with its coordinates and the reason (a Flink POJO). */
public class DeadLetterRecord {
    public String sourceTopic;
    public int sourcePartition;
    public long sourceOffset;
    public byte[] rawKey;
    public byte[] rawValue;
    public ErrorKind errorKind;
    public String message;
    public long failedTime;

    public DeadLetterRecord() {}

    public DeadLetterRecord(String sourceTopic, int sourcePartition, long sourceOffset, byte[] rawKey,
            byte[] rawValue, ErrorKind errorKind, String message, long failedTime) {
        this.sourceTopic = sourceTopic;
        this.sourcePartition = sourcePartition;
        this.sourceOffset = sourceOffset;
        this.rawKey = rawKey;
        this.rawValue = rawValue;
        this.errorKind = errorKind;
        this.message = message;
        this.failedTime = failedTime;
    }

    public DeadLetter toAvro() {
        return DeadLetter.newBuilder()
                .setSourceTopic(sourceTopic).setSourcePartition(sourcePartition).setSourceOffset(sourceOffset)
                .setRawKey(rawKey == null ? null : ByteBuffer.wrap(rawKey))
                .setRawValue(rawValue == null ? null : ByteBuffer.wrap(rawValue))
                .setErrorKind(errorKind).setMessage(message).setFailedTime(Instant.ofEpochMilli(failedTime))
                .build();
    }
}
