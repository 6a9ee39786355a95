package org.seqrec.job.sink;

import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.seqrec.avro.DeadLetter;
import org.seqrec.job.JobConfig;
import org.seqrec.job.ingest.DeadLetterRecord;
import org.seqrec.job.sequence.SequenceUpdate;
import org.seqrec.job.wire.EncodedRecord;

/** The job's Kafka outputs: transactional (exactly-once) unless configured otherwise. */
public final class KafkaSinks {

    private KafkaSinks() {}

    public static KafkaSink<SequenceUpdate> features(JobConfig config) {
        return build(config, "features", new SequenceFeatureSerializer(config.get(JobConfig.FEATURES_TOPIC)));
    }

    /**
     * Dead letters keep the input's key (its kept prefix), so they land on partitions the way the input
     * did; their size is bounded where they are made ({@link DeadLetterRecord#of}).
     */
    public static KafkaSink<DeadLetterRecord> deadLetters(JobConfig config) {
        return build(config, "dead-letters", new AvroRecordSerializer<>(config.get(JobConfig.DEAD_LETTER_TOPIC),
                DeadLetter.class, new AvroRecordSerializer.Mapping<DeadLetterRecord, DeadLetter>() {
                    @Override
                    public byte[] key(DeadLetterRecord record) {
                        return record.rawKey;
                    }

                    @Override
                    public DeadLetter value(DeadLetterRecord record) {
                        return record.toAvro();
                    }
                }));
    }

    /** Records encoded upstream (recommendations), written as they are. */
    public static KafkaSink<EncodedRecord> encoded(JobConfig config, String name, String topic) {
        return build(config, name, (record, context, timestamp) ->
                new org.apache.kafka.clients.producer.ProducerRecord<>(topic, null, timestamp, record.key, record.value));
    }

    static <T> KafkaSink<T> build(JobConfig config, String name, KafkaRecordSerializationSchema<T> serializer) {
        DeliveryGuarantee guarantee = config.get(JobConfig.DELIVERY_GUARANTEE);
        // Defaults that kafka.client.* settings override. Feature records are a few KB: Kafka's default
        // 16 KB batch holds three of them, and every new batch allocates its compression buffers anew.
        Properties producer = new Properties();
        producer.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        producer.setProperty(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        producer.setProperty(ProducerConfig.LINGER_MS_CONFIG, "5");
        producer.setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(config.get(JobConfig.MAX_RECORD_BYTES)));
        producer.putAll(config.kafkaClientProperties());
        var builder = KafkaSink.<T>builder()
                .setBootstrapServers(config.get(JobConfig.BOOTSTRAP_SERVERS))
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(guarantee)
                .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                        String.valueOf(config.get(JobConfig.TRANSACTION_TIMEOUT).toMillis()));
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            builder.setTransactionalIdPrefix(config.get(JobConfig.TRANSACTIONAL_ID_PREFIX) + "-" + name);
        }
        return builder.build();
    }
}
