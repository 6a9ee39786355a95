package org.seqrec.job.scoring;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;

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
