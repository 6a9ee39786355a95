package org.seqrec.job.sequence;

import java.io.IOException;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.seqrec.job.ingest.Interaction;
import org.seqrec.job.ingest.RankRequest;

/**
 * Keeps each user's last N interactions, ordered by event time, and emits the sequence after every
 * interaction it accepts. Duplicates (an event id already kept) and events older than a full
 * sequence's oldest entry leave the state untouched and are only counted. Users with no interaction
 * for the TTL lose their state. Ranking requests read the user's current sequence (empty for a user
 * without state) and leave as {@link ScoringTask}s on the {@link #SCORING_TASKS} side output.
 *
 * <p>Metrics: {@code sequence.accepted}, {@code sequence.outOfOrder} (accepted, inserted before
 * newer entries), {@code sequence.duplicates}, {@code sequence.tooOld}, {@code sequence.rankRequests}.
 */
public final class SequenceUpdater extends KeyedCoProcessFunction<String, Interaction, RankRequest, SequenceUpdate> {

    private static final long serialVersionUID = 1L;

    /** The operator's uid: savepoints, the state bootstrap's included, hold the sequences under it. */
    public static final String UID = "sequence-state";

    public static final OutputTag<ScoringTask> SCORING_TASKS =
            new OutputTag<>("rank-request-scoring", TypeInformation.of(ScoringTask.class));

    /**
     * One packed value per user; see {@link PackedSequence}. Public so that benchmarks measure the job's
     * own state (name, serializer, TTL settings) rather than a copy of it.
     */
    public static ValueStateDescriptor<byte[]> sequenceDescriptor(Duration ttl) {
        ValueStateDescriptor<byte[]> descriptor =
                new ValueStateDescriptor<>("sequence", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .cleanupInRocksdbCompactFilter(1000)
                .build());
        return descriptor;
    }

    private final int maxLength;
    private final Duration ttl;

    private transient ValueState<byte[]> sequenceState;
    private transient Counter accepted;
    private transient Counter outOfOrder;
    private transient Counter duplicates;
    private transient Counter tooOld;
    private transient Counter rankRequests;

    public SequenceUpdater(int maxLength, Duration ttl) {
        this.maxLength = maxLength;
        this.ttl = ttl;
    }

    @Override
    public void open(OpenContext openContext) {
        sequenceState = getRuntimeContext().getState(sequenceDescriptor(ttl));
        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("sequence");
        accepted = metrics.counter("accepted");
        outOfOrder = metrics.counter("outOfOrder");
        duplicates = metrics.counter("duplicates");
        tooOld = metrics.counter("tooOld");
        rankRequests = metrics.counter("rankRequests");
    }

    @Override
    public void processElement1(Interaction event, Context ctx, Collector<SequenceUpdate> out) throws Exception {
        accept(event, out);
    }

    private void accept(Interaction event, Collector<SequenceUpdate> out) throws IOException {
        Applied applied = apply(sequenceState.value(), event, maxLength);
        switch (applied.outcome()) {
            case DUPLICATE -> duplicates.inc();
            case TOO_OLD -> tooOld.inc();
            case APPENDED, INSERTED_OUT_OF_ORDER -> {
                if (applied.outcome() == PackedSequence.Outcome.INSERTED_OUT_OF_ORDER) {
                    outOfOrder.inc();
                }
                accepted.inc();
                sequenceState.update(applied.packed());
                out.collect(new SequenceUpdate(event.userId, event.eventId, event.eventTime, applied.packed()));
            }
        }
    }

    /** What one interaction did to a user's sequence: the outcome and, when accepted, the new packed sequence. */
    public record Applied(PackedSequence.Outcome outcome, byte[] packed) {}

    /**
     * Applies one interaction to a user's packed sequence ({@code null}: none yet): the job's ordering, duplicate
     * and N-window rules. The state bootstrap builds each user's history through this same method, so a
     * bootstrapped sequence is byte for byte the one the job would keep had it read that history in that order.
     */
    public static Applied apply(byte[] packed, Interaction event, int maxLength) {
        PackedSequence sequence = PackedSequence.decode(packed);
        PackedSequence.Outcome outcome = sequence.add(event, maxLength);
        return new Applied(outcome, outcome.accepted() ? sequence.encode() : null);
    }

    @Override
    public void processElement2(RankRequest request, Context ctx, Collector<SequenceUpdate> out) throws Exception {
        rankRequests.inc();
        ctx.output(SCORING_TASKS, new ScoringTask(request.userId, request.requestId, null, request.requestTime,
                sequenceState.value(), request.candidateItemIds, request.k));
    }

    /**
     * This operator for a job without scoring, which has no ranking requests to connect: interactions only,
     * the same state and metrics.
     */
    public KeyedProcessFunction<String, Interaction, SequenceUpdate> interactionsOnly() {
        return new InteractionsOnly(this);
    }

    private static final class InteractionsOnly extends KeyedProcessFunction<String, Interaction, SequenceUpdate> {

        private static final long serialVersionUID = 1L;

        private final SequenceUpdater updater;

        InteractionsOnly(SequenceUpdater updater) {
            this.updater = updater;
        }

        @Override
        public void open(OpenContext openContext) {
            updater.setRuntimeContext(getRuntimeContext());
            updater.open(openContext);
        }

        @Override
        public void processElement(Interaction event, Context ctx, Collector<SequenceUpdate> out) throws Exception {
            updater.accept(event, out);
        }
    }
}
