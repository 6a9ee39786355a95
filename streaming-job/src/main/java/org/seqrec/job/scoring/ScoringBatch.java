package org.seqrec.job.scoring;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The four input tensors of one ONNX call, right-padded: histories to the longest one in the batch
 * (at least 1, mask false on padding), candidate lists to the longest one (padding item index; the
 * padded candidates' outputs are ignored). Direct buffers, so ONNX Runtime reads them without a copy.
 */
public final class ScoringBatch {

    private final int size;
    private final int historyLength;
    private final int candidates;
    private final LongBuffer itemIds;
    private final LongBuffer actionIds;
    private final ByteBuffer historyMask;
    private final LongBuffer candidateIds;

    private ScoringBatch(int size, int historyLength, int candidates) {
        this.size = size;
        this.historyLength = historyLength;
        this.candidates = candidates;
        this.itemIds = longs(size * historyLength);
        this.actionIds = longs(size * historyLength);
        this.historyMask = ByteBuffer.allocateDirect(size * historyLength).order(ByteOrder.nativeOrder());
        this.candidateIds = longs(size * candidates);
    }

    /** Rows of model indices, one per user: history items, their actions, and the candidates. */
    public static ScoringBatch of(long[][] items, long[][] actions, long[][] candidateRows, long paddingItem) {
        int b = items.length;
        int n = 1;
        int c = 1;
        for (int row = 0; row < b; row++) {
            n = Math.max(n, items[row].length);
            c = Math.max(c, candidateRows[row].length);
        }
        ScoringBatch batch = new ScoringBatch(b, n, c);
        for (int row = 0; row < b; row++) {
            for (int j = 0; j < n; j++) {
                boolean real = j < items[row].length;
                batch.itemIds.put(real ? items[row][j] : paddingItem);
                batch.actionIds.put(real ? actions[row][j] : 0);
                batch.historyMask.put((byte) (real ? 1 : 0));
            }
            for (int j = 0; j < c; j++) {
                batch.candidateIds.put(j < candidateRows[row].length ? candidateRows[row][j] : paddingItem);
            }
        }
        batch.itemIds.rewind();
        batch.actionIds.rewind();
        batch.historyMask.rewind();
        batch.candidateIds.rewind();
        return batch;
    }

    /** One ONNX call's worth of rows: the batch and, for each of its rows, the input row it holds. */
    public record Part(ScoringBatch batch, int[] rows) {}

    /**
     * The rows split into batches of similar shape: ordered by candidate count (in steps of a quarter) and
     * then history length, and a new batch begins where a row's history or candidate list would make the
     * batch's longest more than a quarter (and more than 8 positions) longer than its shortest. Every row
     * is padded to its batch's longest and attention costs grow with the square of the padded length, so
     * one long history in a batch of short ones made every row pay for it; on CPU a batch of similar rows
     * is as cheap per row as one big batch (docs/benchmarks.md, optimisation pass).
     */
    public static List<Part> bucketed(long[][] items, long[][] actions, long[][] candidateRows, long paddingItem) {
        Integer[] order = new Integer[items.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.<Integer>comparingInt(r -> (int) (Math.log(candidateRows[r].length + 1) / LOG_STEP))
                .thenComparingInt(r -> items[r].length).thenComparingInt(r -> candidateRows[r].length));
        List<Part> parts = new ArrayList<>();
        for (int start = 0, end; start < order.length; start = end) {
            int minN = items[order[start]].length;
            int maxN = minN;
            int minC = candidateRows[order[start]].length;
            int maxC = minC;
            for (end = start + 1; end < order.length; end++) {
                int n = items[order[end]].length;
                int c = candidateRows[order[end]].length;
                if (!similar(Math.min(minN, n), Math.max(maxN, n)) || !similar(Math.min(minC, c), Math.max(maxC, c))) {
                    break;
                }
                minN = Math.min(minN, n);
                maxN = Math.max(maxN, n);
                minC = Math.min(minC, c);
                maxC = Math.max(maxC, c);
            }
            int[] rows = new int[end - start];
            for (int k = 0; k < rows.length; k++) {
                rows[k] = order[start + k];
            }
            parts.add(new Part(of(pick(items, rows), pick(actions, rows), pick(candidateRows, rows), paddingItem), rows));
        }
        return parts;
    }

    private static final double LOG_STEP = Math.log(1.25);

    private static boolean similar(int shortest, int longest) {
        return longest <= shortest + Math.max(8, shortest / 4);
    }

    private static long[][] pick(long[][] rows, int[] which) {
        long[][] picked = new long[which.length][];
        for (int k = 0; k < which.length; k++) {
            picked[k] = rows[which[k]];
        }
        return picked;
    }

    private static LongBuffer longs(int count) {
        return ByteBuffer.allocateDirect(count * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    public int size() {
        return size;
    }

    public int historyLength() {
        return historyLength;
    }

    public int candidates() {
        return candidates;
    }

    LongBuffer itemIds() {
        return itemIds;
    }

    LongBuffer actionIds() {
        return actionIds;
    }

    ByteBuffer historyMask() {
        return historyMask;
    }

    LongBuffer candidateIds() {
        return candidateIds;
    }
}
