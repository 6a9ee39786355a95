package org.seqrec.job.bootstrap;

import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.seqrec.job.sequence.SequenceUpdater;

/**
 * Writes each user's sequence into the job's own state, through the job's descriptor (name, serializer, TTL), so
 * the job restores it as if it had built it.
 */
public final class SequenceStateWriter extends KeyedStateBootstrapFunction<String, UserSequence> {

    private static final long serialVersionUID = 1L;

    private final Duration ttl;

    private transient ValueState<byte[]> sequenceState;

    public SequenceStateWriter(Duration ttl) {
        this.ttl = ttl;
    }

    @Override
    public void open(OpenContext openContext) {
        sequenceState = getRuntimeContext().getState(SequenceUpdater.sequenceDescriptor(ttl));
    }

    @Override
    public void processElement(UserSequence user, Context ctx) throws Exception {
        sequenceState.update(user.packed);
    }
}
