package org.seqrec.job.scoring;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.seqrec.job.ingest.PoolChange;
import org.seqrec.job.sequence.PackedSequence;
import org.seqrec.job.sequence.ScoringTask;
import org.seqrec.job.sequence.SequenceUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refreshes a user's top-k from the candidate pool after their interactions, at most once per
 * {@code interval} per user (processing time): the first interaction after a quiet interval refreshes at
 * once; later ones within the interval are coalesced into one refresh, on the newest sequence, when the
 * interval ends. The pool is broadcast to every subtask; items the user already interacted with are left
 * out when {@code excludeSeen}. An interaction that finds nothing to rank (an empty pool) refreshes nothing
 * and does not start an interval. Per-user state exists only while a refresh is recent or pending. A zero
 * interval refreshes on every interaction and keeps no per-user state or timers.
 *
 * An update that would grow the pool past {@code maxPoolSize} is refused whole (the pool stays as it was)
 * and counted.
 *
 * <p>Metrics: {@code pool.refreshes}, {@code pool.coalesced}, {@code pool.skippedEmpty}, {@code pool.size},
 * {@code pool.refusedUpdates}.
 */
public final class PoolRefresher extends KeyedBroadcastProcessFunction<String, SequenceUpdate, PoolChange, ScoringTask>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PoolRefresher.class);

    /** The pool: item id → present. */
    public static final MapStateDescriptor<String, Boolean> POOL =
            new MapStateDescriptor<>("candidate-pool", Types.STRING, Types.BOOLEAN);

    static final ValueStateDescriptor<Long> NEXT_ALLOWED = new ValueStateDescriptor<>("next-refresh-allowed", Types.LONG);
    static final ValueStateDescriptor<SequenceUpdate> PENDING =
            new ValueStateDescriptor<>("pending-refresh", Types.POJO(SequenceUpdate.class));

    private final long intervalMillis;
    private final int topK;
    private final int maxCandidates;
    private final boolean excludeSeen;
    private final int maxPoolSize;

    private transient ValueState<Long> nextAllowed;
    private transient ValueState<SequenceUpdate> pending;
    private transient Counter refreshes;
    private transient Counter coalesced;
    private transient Counter skippedEmpty;
    private transient Counter refusedUpdates;
    private transient volatile int poolSize;

    public PoolRefresher(Duration interval, int topK, int maxCandidates, boolean excludeSeen, int maxPoolSize) {
        this.intervalMillis = interval.toMillis();
        this.topK = topK;
        this.maxCandidates = maxCandidates;
        this.excludeSeen = excludeSeen;
        this.maxPoolSize = maxPoolSize;
    }

    @Override
    public void open(OpenContext openContext) {
        nextAllowed = getRuntimeContext().getState(NEXT_ALLOWED);
        pending = getRuntimeContext().getState(PENDING);
        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("pool");
        refreshes = metrics.counter("refreshes");
        coalesced = metrics.counter("coalesced");
        skippedEmpty = metrics.counter("skippedEmpty");
        refusedUpdates = metrics.counter("refusedUpdates");
        metrics.gauge("size", this::poolSize);
    }

    /** What the {@code pool.size} gauge reports: items in the broadcast pool. */
    int poolSize() {
        return poolSize;
    }

    @Override
    public void processElement(SequenceUpdate update, ReadOnlyContext ctx, Collector<ScoringTask> out) throws Exception {
        if (intervalMillis == 0) {
            refresh(update, ctx.getBroadcastState(POOL).immutableEntries(), out);
            return;
        }
        long now = ctx.timerService().currentProcessingTime();
        Long next = nextAllowed.value();
        if (next == null || now >= next) {
            if (next != null) {
                // The interval is over but its timer has not fired yet (its mail is queued behind this
                // element, or behind a whole outage after a restore): this refresh supersedes both.
                ctx.timerService().deleteProcessingTimeTimer(next);
                if (pending.value() != null) {
                    coalesced.inc();
                    pending.clear();
                }
            }
            refreshAndWait(update, ctx.getBroadcastState(POOL).immutableEntries(), now, ctx.timerService(), out);
        } else {
            if (pending.value() != null) {
                coalesced.inc();
            }
            pending.update(update);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ScoringTask> out) throws Exception {
        SequenceUpdate update = pending.value();
        if (update == null) {
            nextAllowed.clear();
            return;
        }
        pending.clear();
        refreshAndWait(update, ctx.getBroadcastState(POOL).immutableEntries(), timestamp, ctx.timerService(), out);
    }

    /** Refreshes and starts an interval at {@code now}; with nothing to rank, the user keeps no refresh state. */
    private void refreshAndWait(SequenceUpdate update, Iterable<Map.Entry<String, Boolean>> pool, long now,
            TimerService timers, Collector<ScoringTask> out) throws IOException {
        if (refresh(update, pool, out)) {
            nextAllowed.update(now + intervalMillis);
            timers.registerProcessingTimeTimer(now + intervalMillis);
        } else {
            nextAllowed.clear();
        }
    }

    @Override
    public void processBroadcastElement(PoolChange change, Context ctx, Collector<ScoringTask> out) throws Exception {
        BroadcastState<String, Boolean> pool = ctx.getBroadcastState(POOL);
        if (change.add) {
            Set<String> added = new HashSet<>();
            for (String item : change.itemIds) {
                if (!pool.contains(item)) {
                    added.add(item);
                }
            }
            if (poolSize + added.size() > maxPoolSize) {
                // Every subtask holds the whole pool in memory and in each checkpoint: a pool without a
                // bound is one producer's mistake away from failing every subtask at once.
                refusedUpdates.inc();
                LOG.warn("Refused a candidate-pool update adding {} items to a pool of {}: pool.max-size is {}",
                        added.size(), poolSize, maxPoolSize);
                return;
            }
        }
        for (String item : change.itemIds) {
            if (change.add) {
                pool.put(item, Boolean.TRUE);
            } else {
                pool.remove(item);
            }
        }
        poolSize = count(pool.immutableEntries());
    }

    /** The pool is operator state: after a restore the gauge reads it from there, not from the last change. */
    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        poolSize = count(context.getOperatorStateStore().getBroadcastState(POOL).immutableEntries());
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        // Nothing of its own: the pool and the per-user state are Flink's.
    }

    private static int count(Iterable<?> entries) {
        int size = 0;
        for (var ignored : entries) {
            size++;
        }
        return size;
    }

    /** Emits the refresh; false (and nothing emitted) when no pool item is left to rank. */
    private boolean refresh(SequenceUpdate update, Iterable<Map.Entry<String, Boolean>> pool,
            Collector<ScoringTask> out) {
        PackedSequence sequence = update.sequence();
        Set<String> seen = new HashSet<>();
        if (excludeSeen) {
            for (int i = 0; i < sequence.size(); i++) {
                seen.add(sequence.itemId(i));
            }
        }
        List<String> candidates = new ArrayList<>();
        for (Map.Entry<String, Boolean> entry : pool) {
            if (candidates.size() == maxCandidates) {
                break;
            }
            if (!seen.contains(entry.getKey())) {
                candidates.add(entry.getKey());
            }
        }
        if (candidates.isEmpty()) {
            skippedEmpty.inc();
            return false;
        }
        candidates.sort(null);
        refreshes.inc();
        out.collect(new ScoringTask(update.userId, null, update.triggerEventId, update.eventTime,
                update.packedSequence, candidates.toArray(String[]::new), Math.min(topK, candidates.size())));
        return true;
    }
}
