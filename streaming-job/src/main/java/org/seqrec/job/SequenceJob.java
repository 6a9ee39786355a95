package org.seqrec.job;

import java.nio.file.Path;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.seqrec.avro.CandidatePoolUpdate;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.RankingRequest;
import org.seqrec.job.ingest.DeadLetterRecord;
import org.seqrec.job.ingest.DeadLetterSplitter;
import org.seqrec.job.ingest.Ingested;
import org.seqrec.job.ingest.Interaction;
import org.seqrec.job.ingest.InteractionValidator;
import org.seqrec.job.ingest.JobInput;
import org.seqrec.job.ingest.PoolChange;
import org.seqrec.job.ingest.PoolChangeValidator;
import org.seqrec.job.ingest.RankRequest;
import org.seqrec.job.ingest.RankRequestValidator;
import org.seqrec.job.scoring.BatchScorer;
import org.seqrec.job.scoring.Device;
import org.seqrec.job.scoring.PoolRefresher;
import org.seqrec.job.scoring.RankingModel;
import org.seqrec.job.sequence.FeatureCoalescer;
import org.seqrec.job.sequence.ScoringTask;
import org.seqrec.job.sequence.SequenceUpdate;
import org.seqrec.job.sequence.SequenceUpdater;
import org.seqrec.job.sink.KafkaSinks;
import org.seqrec.job.sink.SinkSettings;
import org.seqrec.job.wire.EncodedRecord;
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
    private final InputSources sources;
    private final Sink<SequenceUpdate> featureSink;
    private final Sink<DeadLetterRecord> deadLetterSink;
    private final Sink<EncodedRecord> recommendationSink;

    public SequenceJob(JobConfig config, InputSources sources, Sink<SequenceUpdate> featureSink,
            Sink<DeadLetterRecord> deadLetterSink, Sink<EncodedRecord> recommendationSink) {
        this.config = config;
        this.sources = sources;
        this.featureSink = featureSink;
        this.deadLetterSink = deadLetterSink;
        this.recommendationSink = recommendationSink;
    }

    /**
     * The job with its Kafka inputs and outputs as configured. With scoring on, the model file is loaded and
     * checked against the contract here, so a bad model stops the submission instead of failing tasks later.
     */
    public static SequenceJob fromConfig(JobConfig config) {
        LOG.info("seqrec options (sensitive values masked): {}", config);
        if (config.get(JobConfig.SCORING_ENABLED)) {
            RankingModel.load(Path.of(config.get(JobConfig.MODEL_PATH)), Device.CPU, 1,
                    config.get(JobConfig.MAX_SEQUENCE_LENGTH)).close();
        }
        SinkSettings sinks = new SinkSettings(config.kafkaClientProperties(), config.get(JobConfig.DELIVERY_GUARANTEE),
                config.get(JobConfig.TRANSACTION_TIMEOUT), config.get(JobConfig.TRANSACTIONAL_ID_PREFIX),
                config.get(JobConfig.MAX_RECORD_BYTES));
        return new SequenceJob(config, new KafkaInputs(config),
                KafkaSinks.features(sinks, config.get(JobConfig.FEATURES_TOPIC)),
                KafkaSinks.deadLetters(sinks, config.get(JobConfig.DEAD_LETTER_TOPIC)),
                KafkaSinks.encoded(sinks, "recommendations", config.get(JobConfig.RECOMMENDATIONS_TOPIC)));
    }

    /** The job's options from Flink's configuration, the config file and the arguments ({@link JobConfigSources}). */
    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        fromConfig(JobConfigSources.resolve(env.getConfiguration(), args)).execute(env);
    }

    /** Interactions keyed by user: the sequence state's input. */
    public JobInput<InteractionEvent, Interaction> interactions() {
        return new JobInput<>("interactions", config.get(JobConfig.INTERACTIONS_TOPIC), InteractionEvent.class,
                interactionValidator(config),
                Interaction.class, new TypeHint<Ingested<Interaction>>() {}.getTypeInfo(),
                config.get(JobConfig.DEAD_LETTER_MAX_RAW_BYTES));
    }

    /** The job's rules for an interaction; the state bootstrap applies the same ones to historical files. */
    public static InteractionValidator interactionValidator(JobConfig config) {
        return new InteractionValidator(config.minEventTime(), config.get(JobConfig.MAX_FUTURE_SKEW),
                config.get(JobConfig.MAX_ID_LENGTH));
    }

    /** Ranking requests keyed by user, answered on the user's current sequence. */
    public JobInput<RankingRequest, RankRequest> rankRequests() {
        return new JobInput<>("rank-requests", config.get(JobConfig.RANK_REQUESTS_TOPIC), RankingRequest.class,
                new RankRequestValidator(config.minEventTime(), config.get(JobConfig.MAX_FUTURE_SKEW),
                        config.get(JobConfig.MAX_ID_LENGTH), config.get(JobConfig.MAX_CANDIDATES)),
                RankRequest.class, new TypeHint<Ingested<RankRequest>>() {}.getTypeInfo(),
                config.get(JobConfig.DEAD_LETTER_MAX_RAW_BYTES));
    }

    /** Changes of the candidate pool, broadcast to every subtask. */
    public JobInput<CandidatePoolUpdate, PoolChange> candidatePool() {
        return new JobInput<>("candidate-pool", config.get(JobConfig.CANDIDATES_TOPIC), CandidatePoolUpdate.class,
                new PoolChangeValidator(config.get(JobConfig.MAX_ID_LENGTH), config.get(JobConfig.MAX_POOL_SIZE)),
                PoolChange.class, new TypeHint<Ingested<PoolChange>>() {}.getTypeInfo(),
                config.get(JobConfig.DEAD_LETTER_MAX_RAW_BYTES));
    }

    /**
     * Adds the job's operators to the environment, and the Flink settings it needs where the environment's
     * configuration leaves them unset ({@link FlinkDefaults}).
     */
    public void build(StreamExecutionEnvironment env) {
        env.configure(FlinkDefaults.under(env.getConfiguration(), config));
        SequenceUpdater sequenceUpdater = new SequenceUpdater(config.get(JobConfig.MAX_SEQUENCE_LENGTH),
                config.get(JobConfig.STATE_TTL));

        SingleOutputStreamOperator<Interaction> interactions = ingest(env, interactions());
        DataStream<DeadLetterRecord> deadLetters = interactions.getSideOutput(DeadLetterSplitter.DEAD_LETTERS);
        KeyedStream<Interaction, String> byUser = interactions.keyBy(interaction -> interaction.userId);

        if (!config.get(JobConfig.SCORING_ENABLED)) {
            writeFeatures(byUser.process(sequenceUpdater.interactionsOnly())
                    .name(SequenceUpdater.UID).uid(SequenceUpdater.UID));
            deadLetters.sinkTo(deadLetterSink).name("dead-letters-sink").uid("dead-letters-sink");
            return;
        }

        SingleOutputStreamOperator<RankRequest> requests = ingest(env, rankRequests());
        SingleOutputStreamOperator<PoolChange> pool = ingest(env, candidatePool());
        deadLetters = deadLetters.union(requests.getSideOutput(DeadLetterSplitter.DEAD_LETTERS),
                pool.getSideOutput(DeadLetterSplitter.DEAD_LETTERS));

        SingleOutputStreamOperator<SequenceUpdate> updates = byUser
                .connect(requests.keyBy(request -> request.userId))
                .process(sequenceUpdater).name(SequenceUpdater.UID).uid(SequenceUpdater.UID);
        writeFeatures(updates);

        DataStream<ScoringTask> refreshes = updates.keyBy(update -> update.userId)
                .connect(pool.broadcast(PoolRefresher.POOL))
                .process(new PoolRefresher(config.get(JobConfig.REFRESH_INTERVAL), config.get(JobConfig.POOL_TOP_K),
                        config.get(JobConfig.MAX_CANDIDATES), config.get(JobConfig.EXCLUDE_SEEN),
                        config.get(JobConfig.MAX_POOL_SIZE)))
                .name("pool-refresh").uid("pool-refresh");

        refreshes.union(updates.getSideOutput(SequenceUpdater.SCORING_TASKS))
                .transform("batch-scorer", TypeInformation.of(EncodedRecord.class), new BatchScorer(
                        config.get(JobConfig.MODEL_PATH), Device.valueOf(config.get(JobConfig.DEVICE).name()),
                        config.get(JobConfig.INTRA_OP_THREADS), config.get(JobConfig.MAX_SEQUENCE_LENGTH),
                        config.get(JobConfig.BATCH_SIZE), config.get(JobConfig.BATCH_DEADLINE)))
                .uid("batch-scorer")
                .sinkTo(recommendationSink).name("recommendations-sink").uid("recommendations-sink");
        deadLetters.sinkTo(deadLetterSink).name("dead-letters-sink").uid("dead-letters-sink");
    }

    /** The feature records, as {@code features.emit} says: every update, the latest per user per interval, or none. */
    private void writeFeatures(DataStream<SequenceUpdate> updates) {
        DataStream<SequenceUpdate> features = switch (config.get(JobConfig.FEATURES_EMIT)) {
            case EVERY_EVENT -> updates;
            case COALESCED -> updates.keyBy(update -> update.userId)
                    .transform("feature-coalescer", TypeInformation.of(SequenceUpdate.class),
                            new FeatureCoalescer(config.get(JobConfig.FEATURES_COALESCE_INTERVAL)))
                    .uid("feature-coalescer");
            case OFF -> null;
        };
        if (features != null) {
            features.sinkTo(featureSink).name("features-sink").uid("features-sink");
        }
    }

    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.execute("seqrec");
    }

    /** One input, its values on the main output and its dead letters on a side output. */
    private <A extends SpecificRecord, T> SingleOutputStreamOperator<T> ingest(StreamExecutionEnvironment env,
            JobInput<A, T> input) {
        return sources.read(env, input)
                .process(new DeadLetterSplitter<T>()).returns(input.type())
                .name(input.name() + "-dead-letters").uid(input.name() + "-dead-letters");
    }
}
