package org.seqrec.job.bootstrap;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;
import org.seqrec.job.sequence.PackedSequence;
import org.seqrec.job.sequence.SequenceUpdater;

/** The sequence state in a savepoint, read back through the job's own descriptor, as item/action/time entries. */
final class SavepointSequences {

    private SavepointSequences() {}

    static Map<String, List<String>> read(String savepoint, Duration ttl) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        Map<String, List<String>> sequences = new HashMap<>();
        try (CloseableIterator<UserSequence> users = SavepointReader.read(env, savepoint, new EmbeddedRocksDBStateBackend())
                .readKeyedState(OperatorIdentifier.forUid(SequenceUpdater.UID), new StateReader(ttl))
                .executeAndCollect()) {
            users.forEachRemaining(user -> sequences.put(user.userId, entries(PackedSequence.decode(user.packed))));
        }
        return sequences;
    }

    static List<String> entries(PackedSequence sequence) {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < sequence.size(); i++) {
            entries.add(sequence.itemId(i) + "/" + sequence.action(i) + "/" + sequence.eventTime(i));
        }
        return entries;
    }

    private static final class StateReader extends KeyedStateReaderFunction<String, UserSequence> {
        private final Duration ttl;
        private transient ValueState<byte[]> state;

        StateReader(Duration ttl) {
            this.ttl = ttl;
        }

        @Override
        public void open(OpenContext openContext) {
            state = getRuntimeContext().getState(SequenceUpdater.sequenceDescriptor(ttl));
        }

        @Override
        public void readKey(String user, Context ctx, Collector<UserSequence> out) throws Exception {
            out.collect(new UserSequence(user, state.value()));
        }
    }
}
