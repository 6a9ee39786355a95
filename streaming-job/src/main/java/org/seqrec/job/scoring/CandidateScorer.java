package org.seqrec.job.scoring;

import ai.onnxruntime.OrtException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.seqrec.job.sequence.PackedSequence;

/**
 * Turns users' sequences and candidate lists into model indices exactly as training did (most recent
 * {@code max_history} events, oldest first; unknown items and actions to the model's unknown indices),
 * scores them in as few ONNX calls as rows of similar shape allow ({@link ScoringBatch#bucketed}), and
 * ranks each user's candidates.
 */
public final class CandidateScorer {

    /** One user's result: per-candidate action probabilities [C][A] (flattened) and ranking scores [C]. */
    public record Scores(float[] probabilities, float[] rankingScores, int numActions) {

        /** Candidate positions, best first (ties broken by position), at most k. */
        public int[] topK(int k) {
            Integer[] order = new Integer[rankingScores.length];
            Arrays.setAll(order, i -> i);
            Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -rankingScores[i]).thenComparing(i -> i));
            return Arrays.stream(order).limit(k).mapToInt(Integer::intValue).toArray();
        }

        public float probability(int candidate, int action) {
            return probabilities[candidate * numActions + action];
        }
    }

    private final RankingModel model;
    private final ModelMetadata metadata;

    public CandidateScorer(RankingModel model) {
        this.model = model;
        this.metadata = model.metadata();
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    /** Scores every user's candidates; one result per input row, in order. */
    public List<Scores> score(List<PackedSequence> histories, List<String[]> candidates) throws OrtException {
        int b = histories.size();
        long[][] items = new long[b][];
        long[][] actions = new long[b][];
        long[][] candidateRows = new long[b][];
        for (int row = 0; row < b; row++) {
            PackedSequence history = histories.get(row);
            int n = Math.min(history.size(), metadata.maxHistory());
            int first = history.size() - n;
            items[row] = new long[n];
            actions[row] = new long[n];
            for (int j = 0; j < n; j++) {
                items[row][j] = metadata.itemIndex(history.itemId(first + j));
                actions[row][j] = metadata.actionIndex(history.action(first + j));
            }
            String[] rowCandidates = candidates.get(row);
            candidateRows[row] = new long[rowCandidates.length];
            for (int j = 0; j < rowCandidates.length; j++) {
                candidateRows[row][j] = metadata.itemIndex(rowCandidates[j]);
            }
        }
        int a = metadata.numActions();
        Scores[] results = new Scores[b];
        for (ScoringBatch.Part part : ScoringBatch.bucketed(items, actions, candidateRows, metadata.paddingItem())) {
            ScoringBatch batch = part.batch();
            float[] flat = model.score(batch);
            for (int k = 0; k < batch.size(); k++) {
                int c = candidateRows[part.rows()[k]].length;
                float[] probabilities = Arrays.copyOfRange(flat, k * batch.candidates() * a,
                        (k * batch.candidates() + c) * a);
                float[] ranking = new float[c];
                for (int j = 0; j < c; j++) {
                    ranking[j] = metadata.rankingScore(probabilities, j * a);
                }
                results[part.rows()[k]] = new Scores(probabilities, ranking, a);
            }
        }
        return List.of(results);
    }
}
