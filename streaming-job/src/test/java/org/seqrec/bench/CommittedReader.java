package org.seqrec.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows one output topic from its beginning with {@code isolation.level=read_committed} on its own
 * thread and notes, for every record, when it became visible here and (optionally) the event time it
 * carries. Visibility to a read_committed reader is the moment that matters downstream: a record the job
 * wrote is only there once its checkpoint's transaction commits.
 */
final class CommittedReader implements AutoCloseable {

    /** One record: wall-clock millis when it was read, and the event time it carries (0 if not asked). */
    record Arrival(long readMillis, long eventTime) {}

    private final Thread thread;
    private final List<Arrival> arrivals = new ArrayList<>();
    private volatile boolean running = true;

    CommittedReader(String bootstrap, String topic, ToLongFunction<byte[]> eventTime) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        thread = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                while (running) {
                    var records = consumer.poll(Duration.ofMillis(20));
                    long now = System.currentTimeMillis();
                    synchronized (arrivals) {
                        for (ConsumerRecord<byte[], byte[]> record : records) {
                            arrivals.add(new Arrival(now, eventTime == null ? 0 : eventTime.applyAsLong(record.value())));
                        }
                    }
                }
            }
        }, "committed-reader-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    int count() {
        synchronized (arrivals) {
            return arrivals.size();
        }
    }

    List<Arrival> arrivals() {
        synchronized (arrivals) {
            return new ArrayList<>(arrivals);
        }
    }

    /** Waits until at least {@code count} records arrived; false on timeout. */
    boolean await(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count() < count) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /**
     * Records per second between the arrival of the {@code from} and {@code to} fractions of all records:
     * the steady state, leaving out start-up and the drain at the end.
     */
    double steadyRate(double from, double to) {
        List<Arrival> all = arrivals();
        int first = (int) (all.size() * from);
        int last = Math.min(all.size() - 1, (int) (all.size() * to));
        double seconds = (all.get(last).readMillis() - all.get(first).readMillis()) / 1000.0;
        return (last - first) / seconds;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
