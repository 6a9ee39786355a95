package org.seqrec.job.sequence;

import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.Collector;

/**
 * The {@code coalesced} feature emission: at most one feature record per user per interval, holding the
 * user's latest sequence, for consumers that want the current state (an online feature store, a cache,
 * a compacted topic keyed by user) rather than the training log of every step.
 *
 * <p>The first update after a quiet period starts the interval; later ones replace the pending update;
 * the processing-time timer at the interval's end emits it and clears the state, so a quiet user holds
 * neither state nor timers. At the end of a bounded input every pending update is written, since Flink
 * does not fire processing-time timers then. Metrics: {@code features.coalesced} (updates replaced
 * before they were written).
 */
public final class FeatureCoalescer extends KeyedProcessOperator<String, SequenceUpdate, SequenceUpdate>
        implements BoundedOneInput {

    private static final long serialVersionUID = 1L;

    static final ValueStateDescriptor<SequenceUpdate> PENDING =
            new ValueStateDescriptor<>("pending-feature", TypeInformation.of(SequenceUpdate.class));

    public FeatureCoalescer(Duration interval) {
        super(new Coalesce(interval.toMillis()));
    }

    @Override
    public void endInput() throws Exception {
        getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, PENDING,
                (user, pending) -> {
                    SequenceUpdate latest = pending.value();
                    if (latest != null) {
                        output.collect(new StreamRecord<>(latest, latest.eventTime));
                    }
                });
    }

    private static final class Coalesce extends KeyedProcessFunction<String, SequenceUpdate, SequenceUpdate> {

        private static final long serialVersionUID = 1L;

        private final long intervalMillis;

        private transient ValueState<SequenceUpdate> pending;
        private transient Counter coalesced;

        Coalesce(long intervalMillis) {
            this.intervalMillis = intervalMillis;
        }

        @Override
        public void open(OpenContext openContext) {
            pending = getRuntimeContext().getState(PENDING);
            coalesced = getRuntimeContext().getMetricGroup().addGroup("features").counter("coalesced");
        }

        @Override
        public void processElement(SequenceUpdate update, Context ctx, Collector<SequenceUpdate> out) throws Exception {
            if (pending.value() == null) {
                long now = ctx.timerService().currentProcessingTime();
                ctx.timerService().registerProcessingTimeTimer(now + intervalMillis);
            } else {
                coalesced.inc();
            }
            pending.update(update);
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<SequenceUpdate> out) throws Exception {
            SequenceUpdate latest = pending.value();
            if (latest != null) {
                out.collect(latest);
                pending.clear();
            }
        }
    }
}
