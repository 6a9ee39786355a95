package org.seqrec.testing;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/** A sink that keeps what it is given in this JVM (a MiniCluster's tasks run here), for tests without Kafka. */
public final class CollectingSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;
    private static final Map<String, Queue<Object>> RECEIVED = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();

    public CollectingSink() {
        RECEIVED.put(id, new ConcurrentLinkedQueue<>());
    }

    /** Everything every subtask of this sink received so far. */
    @SuppressWarnings("unchecked")
    public List<T> received() {
        return (List<T>) List.copyOf(RECEIVED.get(id));
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        Queue<Object> queue = RECEIVED.get(id);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context context) {
                queue.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
