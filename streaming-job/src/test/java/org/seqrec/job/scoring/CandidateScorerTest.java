package org.seqrec.job.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.seqrec.avro.Action;
import org.seqrec.job.ingest.Interaction;
import org.seqrec.job.sequence.PackedSequence;

/** Splitting a batch into rows of similar shape changes which rows share an ONNX call, never a score. */
class CandidateScorerTest {

    @Test
    void shouldSplitMixedRowsIntoBatchesOfSimilarShapeCoveringEveryRowOnce() {
        long[][] items = {new long[3], new long[250], new long[4], new long[200], new long[5], new long[240]};
        long[][] candidates = {new long[10], new long[10], new long[100], new long[10], new long[10], new long[10]};
        List<ScoringBatch.Part> parts = ScoringBatch.bucketed(items, items, candidates, 0);
        assertThat(parts.stream().flatMapToInt(p -> Arrays.stream(p.rows())).sorted().toArray())
                .containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(parts).extracting(p -> Arrays.stream(p.rows()).sorted().boxed().toList())
                .containsExactly(List.of(0, 4), List.of(1, 3, 5), List.of(2));
        assertThat(parts.get(1).batch().historyLength()).isEqualTo(250);
        assertThat(parts.get(2).batch().candidates()).isEqualTo(100);
    }

    @Test
    void shouldScoreEachRowAsIfItWereScoredAlone() throws Exception {
        Random random = new Random(5);
        List<PackedSequence> histories = new ArrayList<>();
        List<String[]> candidates = new ArrayList<>();
        for (int row = 0; row < 40; row++) {
            PackedSequence history = PackedSequence.empty();
            int length = random.nextBoolean() ? 1 + random.nextInt(20) : 100 + random.nextInt(157);
            for (int i = 0; i < length; i++) {
                history.add(new Interaction("e" + i, "u", String.valueOf(1 + random.nextInt(3000)),
                        Action.values()[1 + random.nextInt(4)], 1_000L * i), 256);
            }
            histories.add(history);
            candidates.add(IntStream.range(0, 1 + random.nextInt(120))
                    .mapToObj(i -> String.valueOf(1 + random.nextInt(3000))).toArray(String[]::new));
        }
        try (RankingModel model = RankingModel.load(Models.model("attn_mvp"), Device.CPU, 1, 256)) {
            CandidateScorer scorer = new CandidateScorer(model);
            List<CandidateScorer.Scores> together = scorer.score(histories, candidates);
            for (int row = 0; row < histories.size(); row++) {
                List<String[]> one = new ArrayList<>();
                one.add(candidates.get(row));
                CandidateScorer.Scores alone = scorer.score(List.of(histories.get(row)), one).get(0);
                float[] expected = alone.probabilities();
                float[] actual = together.get(row).probabilities();
                assertThat(actual).hasSameSizeAs(expected);
                for (int i = 0; i < expected.length; i++) {
                    assertThat(actual[i]).as("row %d, value %d", row, i).isCloseTo(expected[i], within(1e-5f));
                }
            }
        }
    }
}
