package org.seqrec.job.ingest;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.seqrec.avro.ErrorKind;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.schemas.DecodeException;

/**
 * Decodes and validates each Kafka record inside the source, so bad records never fail the job and never
 * reach an operator: each becomes either a value
 * or a {@link DeadLetterRecord} with its topic, partition, offset, raw bytes and the reason.
 */
public final class DecodingDeserializer<A extends SpecificRecord, T> implements KafkaRecordDeserializationSchema<Ingested<T>> {

    private static final long serialVersionUID = 1L;

    private final AvroCodec<A> codec;
    private final RecordValidator<A, T> validator;
    private final TypeInformation<Ingested<T>> producedType;
    private final int maxDeadLetterRawBytes;

    public DecodingDeserializer(Class<A> avroType, RecordValidator<A, T> validator,
            TypeInformation<Ingested<T>> producedType, int maxDeadLetterRawBytes) {
        this.codec = AvroCodec.of(avroType);
        this.validator = validator;
        this.producedType = producedType;
        this.maxDeadLetterRawBytes = maxDeadLetterRawBytes;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Ingested<T>> out) {
        try {
            out.collect(Ingested.of(validator.validate(codec.decode(record.value()))));
        } catch (DecodeException e) {
            out.collect(Ingested.rejected(deadLetter(record, e.kind(), e.getMessage())));
        } catch (ValidationException e) {
            out.collect(Ingested.rejected(deadLetter(record, e.kind(), e.getMessage())));
        }
    }

    private DeadLetterRecord deadLetter(ConsumerRecord<byte[], byte[]> record, ErrorKind kind, String message) {
        return DeadLetterRecord.of(record.topic(), record.partition(), record.offset(), record.key(), record.value(),
                kind, message, System.currentTimeMillis(), maxDeadLetterRawBytes);
    }

    @Override
    public TypeInformation<Ingested<T>> getProducedType() {
        return producedType;
    }
}
