package org.seqrec.job.ingest;

import org.seqrec.avro.CandidatePoolUpdate;
import org.seqrec.avro.ErrorKind;
import org.seqrec.avro.PoolOp;

/** Accepts pool updates that name at least one item, each a valid id. */
public final class PoolChangeValidator implements RecordValidator<CandidatePoolUpdate, PoolChange> {

    private static final long serialVersionUID = 1L;

    private final int maxIdLength;

    public PoolChangeValidator(int maxIdLength) {
        this.maxIdLength = maxIdLength;
    }

    @Override
    public PoolChange validate(CandidatePoolUpdate update) throws ValidationException {
        if (update.getItemIds().isEmpty()) {
            throw new ValidationException(ErrorKind.MISSING_FIELD, "item_ids is empty");
        }
        String[] items = new String[update.getItemIds().size()];
        for (int i = 0; i < items.length; i++) {
            items[i] = Ids.require("item id", update.getItemIds().get(i), maxIdLength);
        }
        return new PoolChange(update.getOp() == PoolOp.ADD, items);
    }
}
