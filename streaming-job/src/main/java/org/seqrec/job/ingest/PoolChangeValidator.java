package org.seqrec.job.ingest;

import org.seqrec.avro.CandidatePoolUpdate;
import org.seqrec.avro.ErrorKind;
import org.seqrec.avro.PoolOp;

/** Accepts pool updates that name at least one item and no more than the pool may hold, each a valid id. */
public final class PoolChangeValidator implements RecordValidator<CandidatePoolUpdate, PoolChange> {

    private static final long serialVersionUID = 1L;

    private final int maxIdLength;
    private final int maxPoolSize;

    public PoolChangeValidator(int maxIdLength, int maxPoolSize) {
        this.maxIdLength = maxIdLength;
        this.maxPoolSize = maxPoolSize;
    }

    @Override
    public PoolChange validate(CandidatePoolUpdate update) throws ValidationException {
        if (update.getItemIds().isEmpty()) {
            throw new ValidationException(ErrorKind.MISSING_FIELD, "item_ids is empty");
        }
        if (update.getItemIds().size() > maxPoolSize) {
            throw new ValidationException(ErrorKind.INVALID_FIELD, "item_ids has " + update.getItemIds().size()
                    + " items, more than the whole pool may hold (pool.max-size " + maxPoolSize + ")");
        }
        String[] items = new String[update.getItemIds().size()];
        for (int i = 0; i < items.length; i++) {
            items[i] = Ids.require("item id", update.getItemIds().get(i), maxIdLength);
        }
        return new PoolChange(update.getOp() == PoolOp.ADD, items);
    }
}
