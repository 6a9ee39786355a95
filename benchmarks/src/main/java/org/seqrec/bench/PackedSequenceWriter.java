package org.seqrec.bench;

import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.seqrec.job.sequence.SequenceUpdater;

/**
 * Puts a ready-made packed sequence into the job's own sequence state (the descriptor of
 * {@link SequenceUpdater}: same name, serializer and TTL), one {@code update} per user. It skips the
 * job's read-decode-insert per event, which does not change what ends up stored: the state-scale benchmark
 * measures size and checkpoints, not update throughput.
 */
final class PackedSequenceWriter extends KeyedProcessFunction<String, PackedSequenceWriter.UserSequence, Void> {

    private static final long serialVersionUID = 1L;

    /** One user's packed sequence, as {@code PackedSequence.encode()} wrote it. */
    record UserSequence(String userId, byte[] packed) {}

    private final Duration ttl;
    private transient ValueState<byte[]> sequence;

    PackedSequenceWriter(Duration ttl) {
        this.ttl = ttl;
    }

    @Override
    public void open(OpenContext ctx) {
        sequence = getRuntimeContext().getState(SequenceUpdater.sequenceDescriptor(ttl));
    }

    @Override
    public void processElement(UserSequence value, Context ctx, Collector<Void> out) throws Exception {
        sequence.update(value.packed());
    }
}
