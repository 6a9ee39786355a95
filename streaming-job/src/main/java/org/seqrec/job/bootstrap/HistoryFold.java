package org.seqrec.job.bootstrap;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.seqrec.job.sequence.SequenceUpdater;

/**
 * Gathers one user's historical events and, once the user's input is complete, replays them in event-time order
 * (ties in input order) through the job's own {@link SequenceUpdater#apply} and emits the resulting sequence. Runs
 * in batch execution, where each user's input is complete when the event-time timer at the end of time fires and
 * the gathered list lives only while that user is processed.
 *
 * <p>Accumulators: users, events folded, and how many were accepted or were duplicates or too old.
 */
public final class HistoryFold extends KeyedProcessFunction<String, HistoricalEvent, UserSequence> {

    private static final long serialVersionUID = 1L;

    static final String USERS = "users";
    static final String FOLDED = "folded";
    static final String ACCEPTED = "accepted";
    static final String DUPLICATES = "duplicates";
    static final String TOO_OLD = "too-old";

    private final int maxLength;

    private transient ListState<HistoricalEvent> history;
    private transient LongCounter users;
    private transient LongCounter folded;
    private transient LongCounter accepted;
    private transient LongCounter duplicates;
    private transient LongCounter tooOld;

    public HistoryFold(int maxLength) {
        this.maxLength = maxLength;
    }

    @Override
    public void open(OpenContext openContext) {
        history = getRuntimeContext().getListState(
                new ListStateDescriptor<>("history", TypeInformation.of(HistoricalEvent.class)));
        users = getRuntimeContext().getLongCounter(USERS);
        folded = getRuntimeContext().getLongCounter(FOLDED);
        accepted = getRuntimeContext().getLongCounter(ACCEPTED);
        duplicates = getRuntimeContext().getLongCounter(DUPLICATES);
        tooOld = getRuntimeContext().getLongCounter(TOO_OLD);
    }

    @Override
    public void processElement(HistoricalEvent event, Context ctx, Collector<UserSequence> out) throws Exception {
        history.add(event);
        ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<UserSequence> out) throws Exception {
        List<HistoricalEvent> events = new ArrayList<>();
        history.get().forEach(events::add);
        history.clear();
        events.sort(HistoricalEvent.REPLAY_ORDER);
        byte[] packed = null;
        for (HistoricalEvent event : events) {
            SequenceUpdater.Applied applied = SequenceUpdater.apply(packed, event.interaction, maxLength);
            switch (applied.outcome()) {
                case DUPLICATE -> duplicates.add(1);
                case TOO_OLD -> tooOld.add(1);
                case APPENDED, INSERTED_OUT_OF_ORDER -> {
                    accepted.add(1);
                    packed = applied.packed();
                }
            }
        }
        folded.add(events.size());
        users.add(1);
        out.collect(new UserSequence(ctx.getCurrentKey(), packed));
    }
}
