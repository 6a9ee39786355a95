package org.seqrec.job.sink;

import java.io.Serializable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.seqrec.schemas.AvroCodec;

/**
 * Writes a job record to one topic as an Avro single-object-encoded value, keyed by the user id so
 * that one user's outputs stay in order on one partition.
 */
public final class AvroRecordSerializer<T, A extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    /** The Kafka key and the Avro value of one record. */
    public interface Mapping<T, A> extends Serializable {
        byte[] key(T record);

        A value(T record);
    }

    private final String topic;
    private final AvroCodec<A> codec;
    private final Mapping<T, A> mapping;

    public AvroRecordSerializer(String topic, Class<A> avroType, Mapping<T, A> mapping) {
        this.topic = topic;
        this.codec = AvroCodec.of(avroType);
        this.mapping = mapping;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, timestamp, mapping.key(record), codec.encode(mapping.value(record)));
    }
}
