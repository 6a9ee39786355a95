package org.seqrec.job;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.seqrec.job.ingest.Ingested;
import org.seqrec.job.ingest.JobInput;

/**
 * The job's inputs as Kafka sources of its consumer group, reading committed records only. No operator
 * uses event time, so the sources assign no watermarks.
 */
public final class KafkaInputs implements InputSources {

    private final JobConfig config;

    public KafkaInputs(JobConfig config) {
        this.config = config;
    }

    @Override
    public <A extends SpecificRecord, T> DataStream<Ingested<T>> read(StreamExecutionEnvironment env,
            JobInput<A, T> input) {
        var builder = KafkaSource.<Ingested<T>>builder()
                .setProperties(config.kafkaClientProperties())
                .setBootstrapServers(config.get(JobConfig.BOOTSTRAP_SERVERS))
                .setTopics(input.topic())
                .setGroupId(config.get(JobConfig.GROUP_ID))
                .setStartingOffsets(startingOffsets())
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .setDeserializer(input.deserializer());
        if (config.get(JobConfig.BOUNDED)) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return env.fromSource(builder.build(), WatermarkStrategy.noWatermarks(), input.name())
                .uid(input.name() + "-source");
    }

    private OffsetsInitializer startingOffsets() {
        return switch (config.get(JobConfig.STARTING_OFFSETS)) {
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case TIMESTAMP -> OffsetsInitializer.timestamp(config.startingTimestamp().toEpochMilli());
        };
    }
}
