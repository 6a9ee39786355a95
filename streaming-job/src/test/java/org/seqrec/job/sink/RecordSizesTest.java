package org.seqrec.job.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.seqrec.avro.Action;
import org.seqrec.job.JobConfig;
import org.seqrec.job.ingest.Interaction;
import org.seqrec.job.scoring.ModelMetadata;
import org.seqrec.job.sequence.PackedSequence;
import org.seqrec.job.sequence.SequenceUpdate;

class RecordSizesTest {

    @Test
    void boundsTheLargestFeatureRecordTheSerializerCanWrite() {
        int n = 256;
        int maxId = 256;
        PackedSequence sequence = PackedSequence.empty();
        for (int i = 0; i < n + 10; i++) {
            String item = "\uD83D\uDE00".repeat(maxId / 2 - 4) + String.format("%08d", i);
            sequence.add(new Interaction("e" + i, "u", item, Action.values()[i % 4], 1_500_000_000_000L + i), n);
        }
        SequenceUpdate update = new SequenceUpdate("\u4E00".repeat(maxId), "\u4E01".repeat(maxId),
                Long.MAX_VALUE, sequence.encode());
        int written = new SequenceFeatureSerializer("features").encode(update).length;
        assertThat(written).isLessThanOrEqualTo(RecordSizes.feature(n, maxId));
    }

    @Test
    void assumesTheModelContractsOwnBoundsOnNames() {
        assertThat(RecordSizes.MAX_MODEL_ACTIONS).isEqualTo(ModelMetadata.MAX_ACTIONS);
        assertThat(RecordSizes.MAX_MODEL_STRING).isEqualTo(ModelMetadata.MAX_NAME_CHARS);
    }

    @Test
    void theDefaultsFitKafkasDefaultMessageSize() {
        JobConfig config = JobConfig.fromArgs();
        int limit = config.get(JobConfig.MAX_RECORD_BYTES);
        assertThat(RecordSizes.feature(config.get(JobConfig.MAX_SEQUENCE_LENGTH), config.get(JobConfig.MAX_ID_LENGTH)))
                .isLessThan(limit);
        assertThat(RecordSizes.recommendation(config.get(JobConfig.MAX_CANDIDATES), config.get(JobConfig.MAX_ID_LENGTH)))
                .isLessThan(limit);
    }

    @Test
    void startUpRefusesLimitsUnderWhichAnInputCouldMakeARecordTooLarge() {
        assertThatThrownBy(() -> JobConfig.fromMap(Map.of("validation.max-id-length", "4096")))
                .hasMessageContaining("a feature record can reach").hasMessageContaining("sink.max-record-bytes");
        assertThatThrownBy(() -> JobConfig.fromMap(Map.of("scoring.max-candidates", "5000")))
                .hasMessageContaining("a recommendation can reach");
        assertThatThrownBy(() -> JobConfig.fromMap(Map.of("dead-letter.max-raw-bytes", "600000")))
                .hasMessageContaining("a dead letter can reach");
        assertThat(JobConfig.fromMap(Map.of("scoring.max-candidates", "5000", "scoring.enabled", "false"))).isNotNull();
    }
}
