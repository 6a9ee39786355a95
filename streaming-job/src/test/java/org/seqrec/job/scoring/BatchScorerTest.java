package org.seqrec.job.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.seqrec.avro.Action;
import org.seqrec.avro.Recommendation;
import org.seqrec.job.ingest.Interaction;
import org.seqrec.job.sequence.PackedSequence;
import org.seqrec.job.sequence.ScoringTask;
import org.seqrec.job.wire.EncodedRecord;
import org.seqrec.schemas.AvroCodec;

/** When the micro-batcher flushes: by size, by deadline, before a checkpoint barrier, at end of input. */
class BatchScorerTest {

    private OneInputStreamOperatorTestHarness<ScoringTask, EncodedRecord> harness;

    private void open(int batchSize, Duration deadline) throws Exception {
        harness = new OneInputStreamOperatorTestHarness<>(new BatchScorer(Models.model("attn_mvp").toString(),
                Device.CPU, 1, 256, batchSize, deadline));
        harness.setProcessingTime(0);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static ScoringTask task(String user) {
        PackedSequence history = PackedSequence.empty();
        history.add(new Interaction("e-" + user, user, "318", Action.LIKE, 1), 256);
        return new ScoringTask(user, "req-" + user, null, 1_000, history.encode(), new String[] {"1", "2", "3"}, 2);
    }

    @Test
    void shouldFlushWhenTheBatchIsFull() throws Exception {
        open(3, Duration.ofHours(1));
        harness.processElement(task("a"), 1);
        harness.processElement(task("b"), 1);
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.processElement(task("c"), 1);
        assertThat(harness.extractOutputValues()).hasSize(3);
    }

    @Test
    void shouldFlushWhenTheOldestTaskReachesTheDeadline() throws Exception {
        open(64, Duration.ofMillis(5));
        harness.processElement(task("a"), 1);
        harness.setProcessingTime(4);
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.setProcessingTime(5);
        assertThat(harness.extractOutputValues()).hasSize(1);
    }

    @Test
    void shouldFlushBeforeEveryCheckpointBarrierSoNothingIsInFlight() throws Exception {
        open(64, Duration.ofHours(1));
        harness.processElement(task("a"), 1);
        harness.processElement(task("b"), 1);
        harness.prepareSnapshotPreBarrier(1);
        var out = harness.extractOutputValues();
        assertThat(out).hasSize(2);
        Recommendation first = AvroCodec.of(Recommendation.class).decode(out.get(0).value);
        assertThat(first.getRequestId()).isEqualTo("req-a");
        assertThat(first.getItems()).hasSize(2);
        assertThat(first.getHistoryLength()).isEqualTo(1);
        assertThat(first.getItems().get(0).getScore()).isGreaterThanOrEqualTo(first.getItems().get(1).getScore());
    }

    @Test
    void shouldFlushAtEndOfInput() throws Exception {
        open(64, Duration.ofHours(1));
        harness.processElement(task("a"), 1);
        harness.endInput();
        assertThat(harness.extractOutputValues()).hasSize(1);
    }
}
