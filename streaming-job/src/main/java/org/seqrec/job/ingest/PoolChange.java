package org.seqrec.job.ingest;

/** A validated candidate-pool update (a Flink POJO). */
public class PoolChange {
    public boolean add;
    public String[] itemIds;

    public PoolChange() {}

    public PoolChange(boolean add, String[] itemIds) {
        this.add = add;
        this.itemIds = itemIds;
    }
}
