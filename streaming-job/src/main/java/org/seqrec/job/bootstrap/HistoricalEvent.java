package org.seqrec.job.bootstrap;

import java.util.Comparator;
import org.seqrec.job.ingest.Interaction;

/**
 * A validated historical interaction with its place in the input (a Flink POJO): file ordinal, then record
 * or line number. Events of one user with the same time keep that order, as the job keeps arrival order.
 */
public class HistoricalEvent {

    /** Event time, then place in the input. */
    public static final Comparator<HistoricalEvent> REPLAY_ORDER = Comparator
            .<HistoricalEvent>comparingLong(e -> e.interaction.eventTime)
            .thenComparingInt(e -> e.file)
            .thenComparingLong(e -> e.position);

    public Interaction interaction;
    public int file;
    public long position;

    public HistoricalEvent() {}

    public HistoricalEvent(Interaction interaction, int file, long position) {
        this.interaction = interaction;
        this.file = file;
        this.position = position;
    }
}
