package org.seqrec.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;
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

    /** Times a record carries: its event time and when the job produced it (epoch millis). */
    record Times(long eventTime, long producedTime) {}

    /** One record: wall-clock millis when it was read here, and its times (zero if not asked for). */
    record Arrival(long readMillis, long eventTime, long producedTime) {}

    private final Thread thread;
    private final List<Arrival> arrivals = new ArrayList<>();
    private volatile boolean running = true;

    CommittedReader(String bootstrap, String topic, Function<byte[], Times> times) {
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
                            Times t = times == null ? new Times(0, 0) : times.apply(record.value());
                            arrivals.add(new Arrival(now, t.eventTime(), t.producedTime()));
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
     * Records per second by arrival here, between the {@code from} and {@code to} fractions of all records.
     * Arrivals come in one burst per committed checkpoint, so this needs many checkpoints to mean anything.
     */
    double arrivalRate(double from, double to) {
        return rate(arrivals().stream().mapToLong(Arrival::readMillis).sorted().toArray(), from, to);
    }

    /**
     * Records per second by the time the job produced them, between the {@code from} and {@code to}
     * fractions: the pipeline's steady rate, leaving out start-up and the drain, and unaffected by how
     * transaction commits bunch up what readers see.
     */
    double producedRate(double from, double to) {
        return rate(arrivals().stream().mapToLong(Arrival::producedTime).sorted().toArray(), from, to);
    }

    private static double rate(long[] sortedMillis, double from, double to) {
        int first = (int) (sortedMillis.length * from);
        int last = Math.min(sortedMillis.length - 1, (int) (sortedMillis.length * to));
        return (last - first) / ((sortedMillis[last] - sortedMillis[first]) / 1000.0);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
