package org.seqrec.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.TopicPartition;
import org.apache.avro.specific.SpecificRecord;
import org.seqrec.local.KafkaBroker;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.schemas.DecodeException;

/** Produce and read raw records on the shared broker, the way an outside client would. */
public final class Topics {

    private Topics() {}

    /** A fresh topic name, so tests never see each other's records. */
    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static KafkaProducer<byte[], byte[]> producer() {
        return producer(SharedKafka.broker());
    }

    public static KafkaProducer<byte[], byte[]> producer(KafkaBroker broker) {
        Map<String, Object> config = client(broker);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Bootstrap servers and, for a broker that requires it, the SASL settings to authenticate. */
    private static Map<String, Object> client(KafkaBroker broker) {
        Map<String, Object> config = new HashMap<>(broker.clientSecurity());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return config;
    }

    public static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value));
    }

    /** Decodes a record the job wrote, failing the test if it is not a valid message. */
    public static <T extends SpecificRecord> T decode(AvroCodec<T> codec, byte[] bytes) {
        try {
            return codec.decode(bytes);
        } catch (DecodeException e) {
            throw new AssertionError("Output is not a valid " + codec.type().getSimpleName(), e);
        }
    }

    /** Waits (up to 2 min) until the topic holds at least {@code count} committed records. */
    public static void awaitCommitted(String topic, int count) throws InterruptedException {
        awaitCommitted(SharedKafka.broker(), topic, count);
    }

    public static void awaitCommitted(KafkaBroker broker, String topic, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        int seen;
        while ((seen = readCommitted(broker, topic).size()) < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(topic + " has " + seen + " committed records after 2 min; expected " + count);
            }
            Thread.sleep(500);
        }
    }

    /** Everything committed on the topic right now, read with isolation.level=read_committed. */
    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        return readCommitted(SharedKafka.broker(), topic);
    }

    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(KafkaBroker broker, String topic) {
        return read(broker, topic, "read_committed");
    }

    /**
     * Everything written to the topic right now, read with isolation.level=read_uncommitted: also the records
     * of open and aborted transactions.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readUncommitted(String topic) {
        return read(SharedKafka.broker(), topic, "read_uncommitted");
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(KafkaBroker broker, String topic, String isolation) {
        Map<String, Object> config = client(broker);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Could not read " + topic + " to its end within 60 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }
}
