package org.seqrec.job;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.seqrec.job.ingest.Ingested;
import org.seqrec.job.ingest.JobInput;

/** Where the job's inputs come from: Kafka when deployed ({@link KafkaInputs}); tests may read from anywhere. */
public interface InputSources {

    /** The input's records, each decoded and validated into a value or a dead letter. */
    <A extends SpecificRecord, T> DataStream<Ingested<T>> read(StreamExecutionEnvironment env, JobInput<A, T> input);
}
