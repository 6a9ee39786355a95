package org.seqrec.job;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.job.ingest.DeadLetterRecord;
import org.seqrec.job.ingest.DeadLetterSplitter;
import org.seqrec.job.ingest.DecodingDeserializer;
import org.seqrec.job.ingest.Ingested;
import org.seqrec.job.ingest.Interaction;
import org.seqrec.job.ingest.InteractionValidator;
import org.seqrec.job.sequence.SequenceUpdate;
import org.seqrec.job.sequence.SequenceUpdater;
import org.seqrec.job.sink.KafkaSinks;

/**
 * The streaming job: interactions from Kafka, decoded and validated in the source (bad records to the
 * dead-letter topic), keyed by user into RocksDB sequence state, each accepted interaction emitted as
 * a sequence-feature record; Kafka outputs are transactional, so read_committed consumers see each
 * record exactly once.
 */
public final class SequenceJob {

    private static final TypeInformation<Ingested<Interaction>> INGESTED_INTERACTION =
            new TypeHint<Ingested<Interaction>>() {}.getTypeInfo();

    private final JobConfig config;
    private final Sink<SequenceUpdate> featureSink;
    private final Sink<DeadLetterRecord> deadLetterSink;

    public SequenceJob(JobConfig config, Sink<SequenceUpdate> featureSink, Sink<DeadLetterRecord> deadLetterSink) {
        this.config = config;
        this.featureSink = featureSink;
        this.deadLetterSink = deadLetterSink;
    }

    /** The job with its Kafka outputs as configured. */
    public static SequenceJob fromConfig(JobConfig config) {
        return new SequenceJob(config, KafkaSinks.features(config), KafkaSinks.deadLetters(config));
    }

    public static void main(String[] args) throws Exception {
        JobConfig config = JobConfig.fromArgs(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        fromConfig(config).execute(env);
    }

    /** Settings the job needs from Flink itself: RocksDB state, checkpointing, exactly-once. */
    public static Configuration flinkConfiguration(JobConfig config) {
        Configuration flink = new Configuration();
        flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.get(JobConfig.CHECKPOINT_DIR));
        flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.get(JobConfig.CHECKPOINT_INTERVAL));
        flink.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        return flink;
    }

    /** Adds the job's operators to the environment. */
    public void build(StreamExecutionEnvironment env) {
        env.configure(flinkConfiguration(config));

        KafkaSource<Ingested<Interaction>> source = interactionSource();
        WatermarkStrategy<Ingested<Interaction>> watermarks = WatermarkStrategy
                .<Ingested<Interaction>>forBoundedOutOfOrderness(config.get(JobConfig.MAX_OUT_OF_ORDERNESS))
                .withTimestampAssigner((ingested, kafkaTime) ->
                        ingested.value != null ? ingested.value.eventTime : Long.MIN_VALUE)
                .withIdleness(config.get(JobConfig.IDLE_TIMEOUT));

        SingleOutputStreamOperator<Interaction> interactions = env
                .fromSource(source, watermarks, "interactions")
                .uid("interactions-source")
                .process(new DeadLetterSplitter<Interaction>())
                .returns(Interaction.class)
                .name("split-dead-letters")
                .uid("split-dead-letters");

        DataStream<SequenceUpdate> updates = interactions
                .keyBy(interaction -> interaction.userId)
                .process(new SequenceUpdater(config.get(JobConfig.MAX_SEQUENCE_LENGTH), config.get(JobConfig.STATE_TTL)))
                .name("sequence-state")
                .uid("sequence-state");

        updates.sinkTo(featureSink).name("features-sink").uid("features-sink");
        interactions.getSideOutput(DeadLetterSplitter.DEAD_LETTERS)
                .sinkTo(deadLetterSink).name("dead-letters-sink").uid("dead-letters-sink");
    }

    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.execute("seqrec: sequence features");
    }

    private KafkaSource<Ingested<Interaction>> interactionSource() {
        var builder = KafkaSource.<Ingested<Interaction>>builder()
                .setProperties(config.kafkaClientProperties())
                .setBootstrapServers(config.get(JobConfig.BOOTSTRAP_SERVERS))
                .setTopics(config.get(JobConfig.INTERACTIONS_TOPIC))
                .setGroupId(config.get(JobConfig.GROUP_ID))
                .setStartingOffsets(startingOffsets())
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .setDeserializer(new DecodingDeserializer<>(InteractionEvent.class, InteractionValidator.from(config),
                        INGESTED_INTERACTION));
        if (config.get(JobConfig.BOUNDED)) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    private OffsetsInitializer startingOffsets() {
        return switch (config.get(JobConfig.STARTING_OFFSETS)) {
            case "earliest" -> OffsetsInitializer.earliest();
            case "latest" -> OffsetsInitializer.latest();
            default -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        };
    }
}
