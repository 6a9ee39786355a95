package org.seqrec.job.ingest;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.seqrec.avro.DeadLetter;
import org.seqrec.avro.ErrorKind;

/**
 * An input record the job could not use, with its coordinates and the reason (a Flink POJO).
 *
 * <p>Its size is bounded whatever the input was: key and value are kept up to {@code maxRawBytes} each
 * (with the original sizes, a truncation flag and SHA-256 digests of the whole originals), and the
 * message up to {@link #MAX_MESSAGE_CHARS} printable characters. Without the bound, an input just
 * under the broker's message limit made a dead letter over it, the dead-letter sink failed, and the job
 * restarted into the same record forever.
 */
public class DeadLetterRecord {

    /** Longest message kept; the reasons the job writes are far shorter. */
    public static final int MAX_MESSAGE_CHARS = 1_000;

    public String sourceTopic;
    public int sourcePartition;
    public long sourceOffset;
    public byte[] rawKey;
    public byte[] rawValue;
    public int rawKeySize;
    public int rawValueSize;
    public boolean truncated;
    public String rawKeySha256;
    public String rawValueSha256;
    public ErrorKind errorKind;
    public String message;
    public long failedTime;

    public DeadLetterRecord() {}

    /** A dead letter for the given input, its raw key and value cut to {@code maxRawBytes} each. */
    public static DeadLetterRecord of(String sourceTopic, int sourcePartition, long sourceOffset, byte[] rawKey,
            byte[] rawValue, ErrorKind errorKind, String message, long failedTime, int maxRawBytes) {
        DeadLetterRecord letter = new DeadLetterRecord();
        letter.sourceTopic = sourceTopic;
        letter.sourcePartition = sourcePartition;
        letter.sourceOffset = sourceOffset;
        letter.rawKey = prefix(rawKey, maxRawBytes);
        letter.rawValue = prefix(rawValue, maxRawBytes);
        letter.rawKeySize = rawKey == null ? 0 : rawKey.length;
        letter.rawValueSize = rawValue == null ? 0 : rawValue.length;
        letter.truncated = letter.rawKeySize > maxRawBytes || letter.rawValueSize > maxRawBytes;
        letter.rawKeySha256 = sha256(rawKey);
        letter.rawValueSha256 = sha256(rawValue);
        letter.errorKind = errorKind;
        letter.message = printable(message);
        letter.failedTime = failedTime;
        return letter;
    }

    public DeadLetter toAvro() {
        return DeadLetter.newBuilder()
                .setSourceTopic(sourceTopic).setSourcePartition(sourcePartition).setSourceOffset(sourceOffset)
                .setRawKey(rawKey == null ? null : ByteBuffer.wrap(rawKey))
                .setRawValue(rawValue == null ? null : ByteBuffer.wrap(rawValue))
                .setRawKeySize(rawKeySize).setRawValueSize(rawValueSize).setTruncated(truncated)
                .setRawKeySha256(rawKeySha256).setRawValueSha256(rawValueSha256)
                .setErrorKind(errorKind).setMessage(message).setFailedTime(Instant.ofEpochMilli(failedTime))
                .build();
    }

    private static byte[] prefix(byte[] bytes, int maxBytes) {
        return bytes == null || bytes.length <= maxBytes ? bytes : Arrays.copyOf(bytes, maxBytes);
    }

    private static String sha256(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }

    /**
     * The message, cut to {@link #MAX_MESSAGE_CHARS} with control characters written as {@code \\uXXXX}:
     * it reaches logs, terminals and the topic printer, where raw escapes would act.
     */
    static String printable(String message) {
        String text = message == null ? "" : message;
        StringBuilder out = new StringBuilder();
        int i = 0;
        for (; i < text.length() && out.length() < MAX_MESSAGE_CHARS; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (i < text.length() || out.length() > MAX_MESSAGE_CHARS) {
            out.setLength(MAX_MESSAGE_CHARS - 1);
            out.append('…');
        }
        return out.toString();
    }
}
