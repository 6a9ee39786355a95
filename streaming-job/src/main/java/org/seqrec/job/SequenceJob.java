package org.seqrec.job;

import java.nio.file.Path;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
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
import org.apache.flink.state.rocksdb.RocksDBNativeMetricOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.seqrec.avro.CandidatePoolUpdate;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.RankingRequest;
import org.seqrec.job.ingest.DeadLetterRecord;
import org.seqrec.job.ingest.DeadLetterSplitter;
import org.seqrec.job.ingest.DecodingDeserializer;
import org.seqrec.job.ingest.Ingested;
import org.seqrec.job.ingest.Interaction;
import org.seqrec.job.ingest.InteractionValidator;
import org.seqrec.job.ingest.PoolChange;
import org.seqrec.job.ingest.PoolChangeValidator;
import org.seqrec.job.ingest.RankRequest;
import org.seqrec.job.ingest.RankRequestValidator;
import org.seqrec.job.ingest.RecordValidator;
import org.seqrec.job.scoring.BatchScorer;
import org.seqrec.job.scoring.Device;
import org.seqrec.job.scoring.RankingModel;
import org.seqrec.job.scoring.ScoringTask;
import org.seqrec.job.sequence.PoolRefresher;
import org.seqrec.job.sequence.SequenceUpdate;
import org.seqrec.job.sequence.SequenceUpdater;
import org.seqrec.job.sink.EncodedRecord;
import org.seqrec.job.sink.KafkaSinks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming job. Interactions and ranking requests from Kafka are decoded and validated in their
 * sources (bad records to the dead-letter topic), keyed by user into RocksDB sequence state; each
 * accepted interaction is emitted as a sequence-feature record and, coalesced per user, refreshes the
 * user's top-k from the broadcast candidate pool; each ranking request is answered on the user's current
 * sequence. Scoring work from all users is micro-batched into ONNX Runtime calls. Kafka outputs are
 * transactional, so read_committed consumers see each record exactly once.
 */
public final class SequenceJob {

    private static final Logger LOG = LoggerFactory.getLogger(SequenceJob.class);

    private final JobConfig config;
    private final Sink<SequenceUpdate> featureSink;
    private final Sink<DeadLetterRecord> deadLetterSink;
    private final Sink<EncodedRecord> recommendationSink;

    public SequenceJob(JobConfig config, Sink<SequenceUpdate> featureSink, Sink<DeadLetterRecord> deadLetterSink,
            Sink<EncodedRecord> recommendationSink) {
        this.config = config;
        this.featureSink = featureSink;
        this.deadLetterSink = deadLetterSink;
        this.recommendationSink = recommendationSink;
    }

    /**
     * The job with its Kafka outputs as configured. With scoring on, the model file is loaded and checked
     * against the contract here, so a bad model stops the submission instead of failing tasks later.
     */
    public static SequenceJob fromConfig(JobConfig config) {
        LOG.info("seqrec options (sensitive values masked): {}", config);
        if (config.get(JobConfig.SCORING_ENABLED)) {
            RankingModel.load(Path.of(config.get(JobConfig.MODEL_PATH)), Device.CPU, 1,
                    config.get(JobConfig.MAX_SEQUENCE_LENGTH)).close();
        }
        return new SequenceJob(config, KafkaSinks.features(config), KafkaSinks.deadLetters(config),
                KafkaSinks.encoded(config, "recommendations", config.get(JobConfig.RECOMMENDATIONS_TOPIC)));
    }

    public static void main(String[] args) throws Exception {
        JobConfig config = JobConfig.fromArgs(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        fromConfig(config).execute(env);
    }

    /**
     * Settings the job needs from Flink itself: RocksDB state (with its size reported as metrics),
     * checkpointing, exactly-once.
     */
    public static Configuration flinkConfiguration(JobConfig config) {
        Configuration flink = new Configuration();
        flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        flink.set(RocksDBNativeMetricOptions.ESTIMATE_LIVE_DATA_SIZE, true);
        flink.set(RocksDBNativeMetricOptions.MONITOR_TOTAL_SST_FILES_SIZE, true);
        flink.set(RocksDBNativeMetricOptions.ESTIMATE_NUM_KEYS, true);
        flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.get(JobConfig.CHECKPOINT_DIR));
        flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.get(JobConfig.CHECKPOINT_INTERVAL));
        flink.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        flink.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, config.get(JobConfig.CHECKPOINT_TOLERABLE_FAILURES));
        return flink;
    }

    /** Adds the job's operators to the environment. */
    public void build(StreamExecutionEnvironment env) {
        env.configure(flinkConfiguration(config));

        SingleOutputStreamOperator<Interaction> interactions = ingest(env, config.get(JobConfig.INTERACTIONS_TOPIC),
                "interactions", InteractionEvent.class, InteractionValidator.from(config),
                new TypeHint<Ingested<Interaction>>() {}.getTypeInfo(), Interaction.class,
                eventTimeWatermarks((interaction, kafkaTime) -> interaction.eventTime));
        DataStream<DeadLetterRecord> deadLetters = interactions.getSideOutput(DeadLetterSplitter.DEAD_LETTERS);

        if (!config.get(JobConfig.SCORING_ENABLED)) {
            // The sequence operator's second input carries rank requests; without scoring it gets none.
            DataStream<RankRequest> noRequests = interactions
                    .flatMap((Interaction interaction, Collector<RankRequest> out) -> { })
                    .returns(RankRequest.class).name("no-rank-requests");
            interactions.keyBy(interaction -> interaction.userId)
                    .connect(noRequests.keyBy(request -> request.userId))
                    .process(sequenceUpdater()).name("sequence-state").uid("sequence-state")
                    .sinkTo(featureSink).name("features-sink").uid("features-sink");
            deadLetters.sinkTo(deadLetterSink).name("dead-letters-sink").uid("dead-letters-sink");
            return;
        }

        SingleOutputStreamOperator<RankRequest> requests = ingest(env, config.get(JobConfig.RANK_REQUESTS_TOPIC),
                "rank-requests", RankingRequest.class, RankRequestValidator.from(config),
                new TypeHint<Ingested<RankRequest>>() {}.getTypeInfo(), RankRequest.class,
                eventTimeWatermarks((request, kafkaTime) -> request.requestTime));
        SingleOutputStreamOperator<PoolChange> pool = ingest(env, config.get(JobConfig.CANDIDATES_TOPIC),
                "candidate-pool", CandidatePoolUpdate.class, PoolChangeValidator.from(config),
                new TypeHint<Ingested<PoolChange>>() {}.getTypeInfo(), PoolChange.class,
                WatermarkStrategy.noWatermarks());
        deadLetters = deadLetters.union(requests.getSideOutput(DeadLetterSplitter.DEAD_LETTERS),
                pool.getSideOutput(DeadLetterSplitter.DEAD_LETTERS));

        SingleOutputStreamOperator<SequenceUpdate> updates = interactions.keyBy(interaction -> interaction.userId)
                .connect(requests.keyBy(request -> request.userId))
                .process(sequenceUpdater()).name("sequence-state").uid("sequence-state");
        updates.sinkTo(featureSink).name("features-sink").uid("features-sink");

        DataStream<ScoringTask> refreshes = updates.keyBy(update -> update.userId)
                .connect(pool.broadcast(PoolRefresher.POOL))
                .process(new PoolRefresher(config.get(JobConfig.REFRESH_INTERVAL), config.get(JobConfig.POOL_TOP_K),
                        config.get(JobConfig.MAX_CANDIDATES), config.get(JobConfig.EXCLUDE_SEEN)))
                .name("pool-refresh").uid("pool-refresh");

        refreshes.union(updates.getSideOutput(SequenceUpdater.SCORING_TASKS))
                .transform("batch-scorer", TypeInformation.of(EncodedRecord.class), new BatchScorer(
                        config.get(JobConfig.MODEL_PATH), config.device(), config.get(JobConfig.INTRA_OP_THREADS),
                        config.get(JobConfig.MAX_SEQUENCE_LENGTH), config.get(JobConfig.BATCH_SIZE),
                        config.get(JobConfig.BATCH_DEADLINE)))
                .uid("batch-scorer")
                .sinkTo(recommendationSink).name("recommendations-sink").uid("recommendations-sink");
        deadLetters.sinkTo(deadLetterSink).name("dead-letters-sink").uid("dead-letters-sink");
    }

    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.execute("seqrec");
    }

    private SequenceUpdater sequenceUpdater() {
        return new SequenceUpdater(config.get(JobConfig.MAX_SEQUENCE_LENGTH), config.get(JobConfig.STATE_TTL));
    }

    /**
     * Bounded out-of-orderness on the records' own time, idle partitions released. Dead letters carry no
     * time ({@code Long.MIN_VALUE}), so they never move a watermark.
     */
    private <T> WatermarkStrategy<Ingested<T>> eventTimeWatermarks(SerializableTimestampAssigner<T> time) {
        return WatermarkStrategy.<Ingested<T>>forBoundedOutOfOrderness(config.get(JobConfig.MAX_OUT_OF_ORDERNESS))
                .withTimestampAssigner((in, kafkaTime) -> in.value != null ? time.extractTimestamp(in.value, kafkaTime) : Long.MIN_VALUE)
                .withIdleness(config.get(JobConfig.IDLE_TIMEOUT));
    }

    /** A Kafka source of one record type, decoded and validated, with dead letters on a side output. */
    private <A extends SpecificRecord, T> SingleOutputStreamOperator<T> ingest(StreamExecutionEnvironment env,
            String topic, String name, Class<A> avroType, RecordValidator<A, T> validator,
            TypeInformation<Ingested<T>> ingestedType, Class<T> valueType, WatermarkStrategy<Ingested<T>> watermarks) {
        var builder = KafkaSource.<Ingested<T>>builder()
                .setProperties(config.kafkaClientProperties())
                .setBootstrapServers(config.get(JobConfig.BOOTSTRAP_SERVERS))
                .setTopics(topic)
                .setGroupId(config.get(JobConfig.GROUP_ID))
                .setStartingOffsets(startingOffsets())
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .setDeserializer(new DecodingDeserializer<>(avroType, validator, ingestedType,
                        config.get(JobConfig.DEAD_LETTER_MAX_RAW_BYTES)));
        if (config.get(JobConfig.BOUNDED)) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return env.fromSource(builder.build(), watermarks, name).uid(name + "-source")
                .process(new DeadLetterSplitter<T>()).returns(valueType)
                .name(name + "-dead-letters").uid(name + "-dead-letters");
    }

    private OffsetsInitializer startingOffsets() {
        return switch (config.get(JobConfig.STARTING_OFFSETS)) {
            case "earliest" -> OffsetsInitializer.earliest();
            case "latest" -> OffsetsInitializer.latest();
            default -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        };
    }
}
