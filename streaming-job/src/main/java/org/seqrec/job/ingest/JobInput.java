package org.seqrec.job.ingest;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * One input of the job: its name (operator names and uids derive from it), its topic, the Avro record its
 * messages hold, the validator that turns one into the job's own type, the Flink types of both, and how
 * many bytes of a rejected record's key and value its dead letter keeps.
 */
public record JobInput<A extends SpecificRecord, T>(String name, String topic, Class<A> avroType,
        RecordValidator<A, T> validator, Class<T> type, TypeInformation<Ingested<T>> ingestedType,
        int maxDeadLetterRawBytes) {

    /** Decodes and validates inside the source, so that nothing a source emits can fail the job. */
    public DecodingDeserializer<A, T> deserializer() {
        return new DecodingDeserializer<>(avroType, validator, ingestedType, maxDeadLetterRawBytes);
    }
}
