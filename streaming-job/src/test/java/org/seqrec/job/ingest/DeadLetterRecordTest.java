package org.seqrec.job.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.seqrec.avro.DeadLetter;
import org.seqrec.avro.ErrorKind;
import org.seqrec.job.sink.RecordSizes;
import org.seqrec.schemas.AvroCodec;

class DeadLetterRecordTest {

    private static final AvroCodec<DeadLetter> CODEC = AvroCodec.of(DeadLetter.class);

    @Test
    void keepsASmallRecordWhole() throws Exception {
        byte[] key = {1, 2};
        byte[] value = {3, 4, 5};
        DeadLetter letter = CODEC.decode(CODEC.encode(
                DeadLetterRecord.of("t", 1, 7, key, value, ErrorKind.NOT_AVRO, "why", 0, 4).toAvro()));
        assertThat(letter.getRawKey().array()).isEqualTo(key);
        assertThat(letter.getRawValue().array()).isEqualTo(value);
        assertThat(letter.getRawKeySize()).isEqualTo(2);
        assertThat(letter.getRawValueSize()).isEqualTo(3);
        assertThat(letter.getTruncated()).isFalse();
        assertThat(letter.getRawValueSha256()).isEqualTo(sha256(value));
    }

    @Test
    void cutsKeyAndValueOfARecordNearTheBrokerLimitSoTheDeadLetterFitsUnderIt() throws Exception {
        int brokerLimit = 1024 * 1024;
        byte[] key = new byte[brokerLimit / 2];
        byte[] value = new byte[brokerLimit - 100];
        Arrays.fill(value, (byte) 7);
        int maxRaw = 256 * 1024;
        DeadLetterRecord record = DeadLetterRecord.of("interactions", 0, 1, key, value, ErrorKind.INVALID_FIELD,
                "x".repeat(5_000), 0, maxRaw);
        byte[] encoded = CODEC.encode(record.toAvro());
        assertThat(encoded.length + record.rawKey.length).isLessThan(brokerLimit)
                .isLessThanOrEqualTo(RecordSizes.deadLetter(maxRaw, DeadLetterRecord.MAX_MESSAGE_CHARS));
        DeadLetter letter = CODEC.decode(encoded);
        assertThat(letter.getTruncated()).isTrue();
        assertThat(letter.getRawValue().array()).isEqualTo(Arrays.copyOf(value, maxRaw));
        assertThat(letter.getRawValueSize()).isEqualTo(value.length);
        assertThat(letter.getRawKeySize()).isEqualTo(key.length);
        assertThat(letter.getRawValueSha256()).isEqualTo(sha256(value));
        assertThat(letter.getRawKeySha256()).isEqualTo(sha256(key));
        assertThat(letter.getMessage()).hasSize(DeadLetterRecord.MAX_MESSAGE_CHARS).endsWith("…");
    }

    @Test
    void writesControlCharactersOfTheMessageAsEscapes() {
        String message = DeadLetterRecord.of("t", 0, 0, null, null, ErrorKind.OTHER, "a\u001b[2Jb\0c\u202E", 0, 8).message;
        assertThat(message).isEqualTo("a\\u001b[2Jb\\u0000c\\u202e");
        assertThat(DeadLetterRecord.of("t", 0, 0, null, null, ErrorKind.OTHER, null, 0, 8).rawValueSha256).isNull();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
