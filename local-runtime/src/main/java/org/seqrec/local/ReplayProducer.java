package org.seqrec.local;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.schemas.AvroCodec;

/**
 * Replays interaction events into Kafka in their order, keyed by user. Event-time gaps are shrunk by
 * {@code speedUp} (so 1e6 turns a day into ~86 ms) and the rate is capped at {@code maxEventsPerSecond};
 * whichever is slower wins. The Kafka record timestamp is the event time.
 */
public final class ReplayProducer implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final double speedUp;
    private final double maxEventsPerSecond;
    private final AvroCodec<InteractionEvent> codec = AvroCodec.of(InteractionEvent.class);

    public ReplayProducer(Properties kafka, String topic, double speedUp, double maxEventsPerSecond) {
        if (speedUp <= 0 || maxEventsPerSecond <= 0) {
            throw new IllegalArgumentException("speed-up and max rate must be positive");
        }
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        this.producer = new KafkaProducer<>(props);
        this.topic = topic;
        this.speedUp = speedUp;
        this.maxEventsPerSecond = maxEventsPerSecond;
    }

    /**
     * Sends every event, pacing as configured; {@code progress} sees the running count of this call.
     * Flushes at the end and returns the number sent.
     */
    public long replay(List<InteractionEvent> events, LongConsumer progress) throws InterruptedException {
        long startNanos = System.nanoTime();
        long firstEventTime = events.isEmpty() ? 0 : events.get(0).getEventTime().toEpochMilli();
        double minNanosPerEvent = 1e9 / maxEventsPerSecond;
        for (int i = 0; i < events.size(); i++) {
            InteractionEvent event = events.get(i);
            long eventTime = event.getEventTime().toEpochMilli();
            long dueByEventTime = (long) ((eventTime - firstEventTime) * 1e6 / speedUp);
            long dueByRate = (long) (i * minNanosPerEvent);
            long dueNanos = startNanos + Math.max(dueByEventTime, dueByRate);
            for (long wait = dueNanos - System.nanoTime(); wait > 1_000_000; wait = dueNanos - System.nanoTime()) {
                Thread.sleep(Math.min(Duration.ofNanos(wait).toMillis(), 1000));
            }
            producer.send(new ProducerRecord<>(topic, null, eventTime,
                    event.getUserId().getBytes(StandardCharsets.UTF_8), codec.encode(event)));
            progress.accept(i + 1);
        }
        producer.flush();
        return events.size();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
