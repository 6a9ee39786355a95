package org.seqrec.job;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.util.TimeUtils;
import org.seqrec.cli.CommandLine;
import org.seqrec.job.ingest.DeadLetterRecord;
import org.seqrec.job.sink.RecordSizes;

/**
 * The job's whole configuration, typed and validated in one place. Read from {@code --key value}
 * arguments and, under them, from the properties file that {@code --config-file} names, and under both
 * from Flink's configuration ({@link JobConfigSources}); every key is
 * listed in {@link #OPTIONS} and documented in the README. Unknown keys and out-of-range values stop
 * start-up with a message that names the key and what to fix. Keys starting with
 * {@value #KAFKA_CLIENT_PREFIX} are passed, without the prefix, to every Kafka client (security
 * settings, for example). Secrets belong in the file: Flink logs a job's arguments. {@link #toString()}
 * masks sensitive values.
 */
public final class JobConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String KAFKA_CLIENT_PREFIX = "kafka.client.";

    public static final ConfigOption<String> CONFIG_FILE = ConfigOptions.key("config-file")
            .stringType().noDefaultValue()
            .withDescription("A Java properties file of further options (the same keys); arguments override it."
                    + " Keeps secrets out of the job's arguments, which Flink logs.");
    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key("kafka.bootstrap-servers")
            .stringType().defaultValue("localhost:9092").withDescription("Kafka brokers to read from and write to.");
    public static final ConfigOption<String> GROUP_ID = ConfigOptions.key("kafka.group-id")
            .stringType().defaultValue("seqrec").withDescription("Consumer group of the job's Kafka sources.");
    public static final ConfigOption<String> INTERACTIONS_TOPIC = ConfigOptions.key("topic.interactions")
            .stringType().defaultValue("interactions").withDescription("Input: InteractionEvent records keyed by user.");
    public static final ConfigOption<String> FEATURES_TOPIC = ConfigOptions.key("topic.features")
            .stringType().defaultValue("sequence-features")
            .withDescription("Output: SequenceFeature records, as features.emit says (by default one per accepted interaction).");
    public static final ConfigOption<FeatureEmission> FEATURES_EMIT = ConfigOptions.key("features.emit")
            .enumType(FeatureEmission.class).defaultValue(FeatureEmission.EVERY_EVENT)
            .withDescription("'every-event' (a feature record per accepted interaction: the training log),"
                    + " 'coalesced' (at most one per user per features.coalesce-interval, the latest sequence, for a"
                    + " compacted topic keyed by user) or 'off'.");
    public static final ConfigOption<Duration> FEATURES_COALESCE_INTERVAL = ConfigOptions
            .key("features.coalesce-interval").durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("With features.emit 'coalesced': the longest a user's latest sequence waits to be written.");
    public static final ConfigOption<String> DEAD_LETTER_TOPIC = ConfigOptions.key("topic.dead-letters")
            .stringType().defaultValue("dead-letters")
            .withDescription("Output: a DeadLetter record for every input record that failed to decode or validate.");
    /** Where a job without state starts reading its inputs. */
    public enum StartingOffsets {
        COMMITTED, EARLIEST, LATEST, TIMESTAMP;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Which feature records the job writes. */
    public enum FeatureEmission {
        /** One per accepted interaction: the exact inputs for training. */
        EVERY_EVENT,
        /** At most one per user per interval, the latest sequence: for a compacted topic or a feature store. */
        COALESCED,
        /** None. */
        OFF;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** Where ONNX Runtime runs the model; AUTO: CUDA when usable, else CPU. */
    public enum ScoringDevice {
        CPU, CUDA, AUTO;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final ConfigOption<StartingOffsets> STARTING_OFFSETS = ConfigOptions.key("source.starting-offsets")
            .enumType(StartingOffsets.class).defaultValue(StartingOffsets.COMMITTED)
            .withDescription("Where a job without state starts reading: 'committed' (the group's offsets, else earliest),"
                    + " 'earliest', 'latest' or 'timestamp' (see source.starting-timestamp).");
    public static final ConfigOption<String> STARTING_TIMESTAMP = ConfigOptions.key("source.starting-timestamp")
            .stringType().noDefaultValue()
            .withDescription("With source.starting-offsets 'timestamp': each partition starts at its first record whose"
                    + " Kafka timestamp is at or after this ISO-8601 instant (the hand-over time the state bootstrap"
                    + " prints).");
    public static final ConfigOption<Boolean> BOUNDED = ConfigOptions.key("source.bounded")
            .booleanType().defaultValue(false)
            .withDescription("Stop at the offsets that are latest when the job starts (backfills, tests).");
    public static final ConfigOption<Integer> MAX_SEQUENCE_LENGTH = ConfigOptions.key("sequence.max-length")
            .intType().defaultValue(256).withDescription("N: how many most recent interactions are kept per user.");
    public static final ConfigOption<Duration> STATE_TTL = ConfigOptions.key("sequence.ttl")
            .durationType().defaultValue(Duration.ofDays(30))
            .withDescription("A user's sequence is dropped after this long without a new interaction (processing time).");
    public static final ConfigOption<String> MIN_EVENT_TIME = ConfigOptions.key("validation.min-event-time")
            .stringType().defaultValue("1990-01-01T00:00:00Z")
            .withDescription("Events before this instant (ISO-8601) are dead-lettered as ABSURD_TIMESTAMP.");
    public static final ConfigOption<Duration> MAX_FUTURE_SKEW = ConfigOptions.key("validation.max-future-skew")
            .durationType().defaultValue(Duration.ofHours(1))
            .withDescription("Events this far ahead of the job's clock are dead-lettered as ABSURD_TIMESTAMP.");
    public static final ConfigOption<Integer> MAX_ID_LENGTH = ConfigOptions.key("validation.max-id-length")
            .intType().defaultValue(256).withDescription("Longest accepted event, user or item id, in characters.");
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOptions.key("checkpoint.interval")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("Checkpoint interval; exactly-once outputs become visible to read_committed readers at each.");
    public static final ConfigOption<String> CHECKPOINT_DIR = ConfigOptions.key("checkpoint.dir")
            .stringType().defaultValue("file:///tmp/seqrec/checkpoints")
            .withDescription("Durable checkpoint storage URI (file://, s3://, ...).");
    public static final ConfigOption<Integer> CHECKPOINT_TOLERABLE_FAILURES = ConfigOptions
            .key("checkpoint.tolerable-failures").intType().defaultValue(3)
            .withDescription("Consecutive failed checkpoints (storage errors, timeouts) the job rides out before it"
                    + " fails over; outputs wait for the next completed checkpoint meanwhile. (This + 1) x"
                    + " checkpoint.interval must stay below sink.transaction-timeout.");
    public static final ConfigOption<DeliveryGuarantee> DELIVERY_GUARANTEE = ConfigOptions.key("sink.delivery-guarantee")
            .enumType(DeliveryGuarantee.class).defaultValue(DeliveryGuarantee.EXACTLY_ONCE)
            .withDescription("'exactly-once' or 'at-least-once'.");
    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT = ConfigOptions.key("sink.transaction-timeout")
            .durationType().defaultValue(Duration.ofMinutes(10))
            .withDescription("Kafka transaction timeout; must exceed the checkpoint interval plus restart time and stay"
                    + " below sink.broker-transaction-max-timeout.");
    public static final ConfigOption<Duration> BROKER_TRANSACTION_MAX_TIMEOUT = ConfigOptions
            .key("sink.broker-transaction-max-timeout").durationType().defaultValue(Duration.ofMinutes(15))
            .withDescription("The brokers' transaction.max.timeout.ms (Kafka's default: 15 min), which bounds"
                    + " sink.transaction-timeout; set it when the brokers allow longer transactions.");
    public static final ConfigOption<Integer> MAX_RECORD_BYTES = ConfigOptions.key("sink.max-record-bytes")
            .intType().defaultValue(1024 * 1024)
            .withDescription("Largest record the output topics accept (their max.message.bytes; also the producers'"
                    + " max.request.size). Start-up refuses limits under which some valid input could yield a"
                    + " larger output record.");
    public static final ConfigOption<Integer> DEAD_LETTER_MAX_RAW_BYTES = ConfigOptions.key("dead-letter.max-raw-bytes")
            .intType().defaultValue(256 * 1024)
            .withDescription("Bytes of a rejected record's key and of its value kept in its dead letter, each; beyond"
                    + " them the dead letter holds the prefix, the original size and a SHA-256 of the whole.");
    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = ConfigOptions.key("sink.transactional-id-prefix")
            .stringType().defaultValue("seqrec")
            .withDescription("Prefix of the sinks' transactional ids; unique per job on a Kafka cluster.");

    public static final ConfigOption<String> RANK_REQUESTS_TOPIC = ConfigOptions.key("topic.rank-requests")
            .stringType().defaultValue("rank-requests")
            .withDescription("Input: RankingRequest records keyed by user; each is answered by one Recommendation.");
    public static final ConfigOption<String> CANDIDATES_TOPIC = ConfigOptions.key("topic.candidates")
            .stringType().defaultValue("candidate-pool")
            .withDescription("Input: CandidatePoolUpdate records, broadcast to every subtask.");
    public static final ConfigOption<String> RECOMMENDATIONS_TOPIC = ConfigOptions.key("topic.recommendations")
            .stringType().defaultValue("recommendations")
            .withDescription("Output: Recommendation records (request answers and pool refreshes).");
    public static final ConfigOption<Boolean> SCORING_ENABLED = ConfigOptions.key("scoring.enabled")
            .booleanType().defaultValue(true)
            .withDescription("Score rank requests and pool refreshes; false runs the feature half only.");
    public static final ConfigOption<String> MODEL_PATH = ConfigOptions.key("scoring.model-path")
            .stringType().defaultValue("model-export/models/attn_mvp.onnx")
            .withDescription("ONNX model exported by model-export; any of the three architectures.");
    public static final ConfigOption<ScoringDevice> DEVICE = ConfigOptions.key("scoring.device")
            .enumType(ScoringDevice.class).defaultValue(ScoringDevice.AUTO)
            .withDescription("'cpu', 'cuda' (fail if CUDA cannot be used) or 'auto' (CUDA when usable, else CPU).");
    public static final ConfigOption<Integer> INTRA_OP_THREADS = ConfigOptions.key("scoring.intra-op-threads")
            .intType().defaultValue(1).withDescription("ONNX Runtime threads per inference call.");
    public static final ConfigOption<Integer> BATCH_SIZE = ConfigOptions.key("scoring.batch-size")
            .intType().defaultValue(64)
            .withDescription("Users scored per batch, at most; a batch is split into ONNX calls of similar shape.");
    public static final ConfigOption<Duration> BATCH_DEADLINE = ConfigOptions.key("scoring.batch-deadline")
            .durationType().defaultValue(Duration.ofMillis(5))
            .withDescription("Longest a scoring task waits for its batch to fill.");
    public static final ConfigOption<Integer> MAX_CANDIDATES = ConfigOptions.key("scoring.max-candidates")
            .intType().defaultValue(500)
            .withDescription("Most candidates per request (more: dead-lettered) and per pool refresh (pool truncated).");
    public static final ConfigOption<Duration> REFRESH_INTERVAL = ConfigOptions.key("pool.refresh-interval")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("At most one pool refresh per user per interval; interactions in between coalesce."
                    + " 0: every accepted interaction refreshes.");
    public static final ConfigOption<Integer> POOL_TOP_K = ConfigOptions.key("pool.top-k")
            .intType().defaultValue(10).withDescription("Items in a pool refresh's recommendation.");
    public static final ConfigOption<Integer> MAX_POOL_SIZE = ConfigOptions.key("pool.max-size")
            .intType().defaultValue(100_000)
            .withDescription("Most items in the candidate pool, which every subtask holds in memory and checkpoints;"
                    + " an update that would grow it further is refused whole (pool.refusedUpdates), one naming"
                    + " more items than this is dead-lettered.");
    public static final ConfigOption<Boolean> EXCLUDE_SEEN = ConfigOptions.key("pool.exclude-seen")
            .booleanType().defaultValue(true)
            .withDescription("Leave items in the user's sequence out of pool refreshes.");

    /** Every option, in the order the README documents them. */
    public static final List<ConfigOption<?>> OPTIONS = List.of(
            CONFIG_FILE, BOOTSTRAP_SERVERS, GROUP_ID, INTERACTIONS_TOPIC, FEATURES_TOPIC, FEATURES_EMIT,
            FEATURES_COALESCE_INTERVAL, DEAD_LETTER_TOPIC,
            RANK_REQUESTS_TOPIC, CANDIDATES_TOPIC, RECOMMENDATIONS_TOPIC, STARTING_OFFSETS, STARTING_TIMESTAMP, BOUNDED,
            MAX_SEQUENCE_LENGTH, STATE_TTL, MIN_EVENT_TIME, MAX_FUTURE_SKEW,
            MAX_ID_LENGTH, SCORING_ENABLED, MODEL_PATH, DEVICE, INTRA_OP_THREADS, BATCH_SIZE, BATCH_DEADLINE,
            MAX_CANDIDATES, REFRESH_INTERVAL, POOL_TOP_K, MAX_POOL_SIZE, EXCLUDE_SEEN, CHECKPOINT_INTERVAL,
            CHECKPOINT_DIR,
            CHECKPOINT_TOLERABLE_FAILURES, DELIVERY_GUARANTEE, TRANSACTION_TIMEOUT, BROKER_TRANSACTION_MAX_TIMEOUT,
            MAX_RECORD_BYTES,
            DEAD_LETTER_MAX_RAW_BYTES, TRANSACTIONAL_ID_PREFIX);

    /** Parts of a key that mark its value as secret (Kafka's and Flink's conventions); such values are masked. */
    static final List<String> SENSITIVE_KEY_PARTS = List.of("password", "secret", "jaas", "key", "token", "credential");
    static final String MASK = "******";

    private final Map<String, String> values;

    private JobConfig(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The job's command line: every option, and any key under {@value #KAFKA_CLIENT_PREFIX}. */
    public static final CommandLine COMMAND_LINE = CommandLine.of("SequenceJob", OPTIONS)
            .withOpenPrefix(KAFKA_CLIENT_PREFIX);

    /** Parses {@code --key value} or {@code --key=value} arguments and validates them. */
    public static JobConfig fromArgs(String... args) {
        return fromMap(arguments(args));
    }

    /** The job's arguments as keys and values, unvalidated; unknown keys are refused with the known ones. */
    static Map<String, String> arguments(String... args) {
        return COMMAND_LINE.parse(args);
    }

    /**
     * Validates the given settings together with the file that {@code config-file} names, if any (a setting
     * given here wins over the file's); keys absent from both take their defaults.
     */
    public static JobConfig fromMap(Map<String, String> arguments) {
        return fromMap(Map.of(), arguments);
    }

    /**
     * As {@link #fromMap(Map)}, over a lowest layer of settings (from Flink's configuration: see
     * {@link JobConfigSources}), which may name the config file too: base, then the file, then arguments.
     */
    static JobConfig fromMap(Map<String, String> base, Map<String, String> arguments) {
        Map<String, String> settings = new LinkedHashMap<>(base);
        String file = arguments.getOrDefault(CONFIG_FILE.key(), base.get(CONFIG_FILE.key()));
        if (file != null) {
            settings.putAll(readFile(Path.of(file)));
        }
        settings.putAll(arguments);
        List<String> known = OPTIONS.stream().map(ConfigOption::key).toList();
        List<String> problems = new ArrayList<>();
        for (String key : settings.keySet()) {
            if (!known.contains(key) && !key.startsWith(KAFKA_CLIENT_PREFIX)) {
                problems.add("unknown option '" + key + "' (known: " + String.join(", ", known)
                        + ", or " + KAFKA_CLIENT_PREFIX + "<kafka client property>)");
            }
        }
        JobConfig config = new JobConfig(settings);
        if (problems.isEmpty()) {
            config.validate(problems);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid configuration:\n  - " + String.join("\n  - ", problems));
        }
        return config;
    }

    public <T> T get(ConfigOption<T> option) {
        return Configuration.fromMap(values).get(option);
    }

    /** Every value that was set, sensitive ones masked: fit for logs. */
    @Override
    public String toString() {
        return values.entrySet().stream()
                .map(e -> e.getKey() + "=" + (isSensitive(e.getKey()) ? MASK : e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }

    /** Sensitive by Flink's own list of key parts or by the job's. */
    static boolean isSensitive(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return GlobalConfiguration.isSensitive(key) || SENSITIVE_KEY_PARTS.stream().anyMatch(lower::contains);
    }

    public Instant minEventTime() {
        return Instant.parse(get(MIN_EVENT_TIME));
    }

    /** The instant of {@link #STARTING_TIMESTAMP}; only valid when it is set. */
    public Instant startingTimestamp() {
        return Instant.parse(get(STARTING_TIMESTAMP));
    }

    /** Settings for every Kafka client: bootstrap servers plus all {@code kafka.client.*} pass-through keys. */
    public Properties kafkaClientProperties() {
        Properties properties = new Properties();
        values.forEach((key, value) -> {
            if (key.startsWith(KAFKA_CLIENT_PREFIX)) {
                properties.setProperty(key.substring(KAFKA_CLIENT_PREFIX.length()), value);
            }
        });
        properties.setProperty("bootstrap.servers", get(BOOTSTRAP_SERVERS));
        return properties;
    }

    private static Map<String, String> readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("Invalid configuration:\n  - " + CONFIG_FILE.key() + ": cannot read "
                    + file.toAbsolutePath() + " (" + e + "); name a readable Java properties file of job options", e);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().sorted().forEach(key -> settings.put(key, properties.getProperty(key)));
        if (settings.containsKey(CONFIG_FILE.key())) {
            throw new IllegalArgumentException("Invalid configuration:\n  - " + file + " sets " + CONFIG_FILE.key()
                    + "; a config file cannot name another one");
        }
        return settings;
    }

    private void validate(List<String> problems) {
        for (ConfigOption<?> option : OPTIONS) {
            try {
                get(option);
            } catch (RuntimeException e) {
                problems.add(option.key() + ": cannot read '" + values.get(option.key()) + "' ("
                        + e.getMessage() + "); " + option.description());
                return;
            }
        }
        requirePositive(problems, MAX_SEQUENCE_LENGTH, get(MAX_SEQUENCE_LENGTH));
        requirePositive(problems, MAX_ID_LENGTH, get(MAX_ID_LENGTH));
        requirePositive(problems, STATE_TTL, get(STATE_TTL).toMillis());
        requirePositive(problems, CHECKPOINT_INTERVAL, get(CHECKPOINT_INTERVAL).toMillis());
        requirePositive(problems, INTRA_OP_THREADS, get(INTRA_OP_THREADS));
        requirePositive(problems, BATCH_SIZE, get(BATCH_SIZE));
        requirePositive(problems, BATCH_DEADLINE, get(BATCH_DEADLINE).toMillis());
        requirePositive(problems, MAX_CANDIDATES, get(MAX_CANDIDATES));
        if (get(REFRESH_INTERVAL).isNegative()) {
            problems.add(REFRESH_INTERVAL.key() + " must not be negative");
        }
        requirePositive(problems, POOL_TOP_K, get(POOL_TOP_K));
        requirePositive(problems, MAX_POOL_SIZE, get(MAX_POOL_SIZE));
        requirePositive(problems, DEAD_LETTER_MAX_RAW_BYTES, get(DEAD_LETTER_MAX_RAW_BYTES));
        requirePositive(problems, FEATURES_COALESCE_INTERVAL, get(FEATURES_COALESCE_INTERVAL).toMillis());
        if (problems.isEmpty()) {
            requireRecordsFit(problems);
        }
        if (get(BOOTSTRAP_SERVERS).isBlank()) {
            problems.add(BOOTSTRAP_SERVERS.key() + " must name at least one broker (host:port)");
        }
        if (get(DELIVERY_GUARANTEE) == DeliveryGuarantee.NONE) {
            problems.add(DELIVERY_GUARANTEE.key() + " must be 'exactly-once' or 'at-least-once', not 'none':"
                    + " the job does not drop outputs");
        }
        validateStartingTimestamp(problems);
        try {
            minEventTime();
        } catch (DateTimeParseException e) {
            problems.add(MIN_EVENT_TIME.key() + " must be an ISO-8601 instant such as 1990-01-01T00:00:00Z, not '"
                    + get(MIN_EVENT_TIME) + "'");
        }
        Duration timeout = get(TRANSACTION_TIMEOUT);
        Duration brokerMaximum = get(BROKER_TRANSACTION_MAX_TIMEOUT);
        if (timeout.compareTo(brokerMaximum) > 0) {
            problems.add(TRANSACTION_TIMEOUT.key() + " is " + TimeUtils.formatWithHighestUnit(timeout)
                    + ", above the brokers' transaction.max.timeout.ms (" + BROKER_TRANSACTION_MAX_TIMEOUT.key() + ", "
                    + TimeUtils.formatWithHighestUnit(brokerMaximum) + "): lower it, or raise"
                    + " transaction.max.timeout.ms on the brokers and set " + BROKER_TRANSACTION_MAX_TIMEOUT.key()
                    + " to the new value");
        }
        int tolerable = get(CHECKPOINT_TOLERABLE_FAILURES);
        if (tolerable < 0) {
            problems.add(CHECKPOINT_TOLERABLE_FAILURES.key() + " must not be negative, got " + tolerable);
        }
        Duration longestUncommitted = get(CHECKPOINT_INTERVAL).multipliedBy(Math.max(tolerable, 0) + 1L);
        if (timeout.compareTo(longestUncommitted) <= 0) {
            problems.add(TRANSACTION_TIMEOUT.key() + " (" + timeout + ") must exceed ("
                    + CHECKPOINT_TOLERABLE_FAILURES.key() + " + 1) x " + CHECKPOINT_INTERVAL.key() + " (" + longestUncommitted + "): a transaction waits"
                    + " that long for its commit when checkpoints fail, and one the broker has aborted is lost");
        }
    }

    /** Every output record the options allow must fit the output topics, or one input could stall a sink. */
    private void requireRecordsFit(List<String> problems) {
        int limit = get(MAX_RECORD_BYTES);
        int maxIdLength = get(MAX_ID_LENGTH);
        int feature = RecordSizes.feature(get(MAX_SEQUENCE_LENGTH), maxIdLength);
        if (feature > limit) {
            problems.add(String.format("a feature record can reach %,d bytes with %s=%d and %s=%d, over %s=%,d:"
                    + " lower those or raise the topics' max.message.bytes and this option", feature,
                    MAX_SEQUENCE_LENGTH.key(), get(MAX_SEQUENCE_LENGTH), MAX_ID_LENGTH.key(), maxIdLength,
                    MAX_RECORD_BYTES.key(), limit));
        }
        int recommendation = RecordSizes.recommendation(get(MAX_CANDIDATES), maxIdLength);
        if (get(SCORING_ENABLED) && recommendation > limit) {
            problems.add(String.format("a recommendation can reach %,d bytes with %s=%d and %s=%d, over %s=%,d:"
                    + " lower those or raise the topics' max.message.bytes and this option", recommendation,
                    MAX_CANDIDATES.key(), get(MAX_CANDIDATES), MAX_ID_LENGTH.key(), maxIdLength,
                    MAX_RECORD_BYTES.key(), limit));
        }
        int deadLetter = RecordSizes.deadLetter(get(DEAD_LETTER_MAX_RAW_BYTES), DeadLetterRecord.MAX_MESSAGE_CHARS);
        if (deadLetter > limit) {
            problems.add(String.format("a dead letter can reach %,d bytes with %s=%d, over %s=%,d: lower %s",
                    deadLetter, DEAD_LETTER_MAX_RAW_BYTES.key(), get(DEAD_LETTER_MAX_RAW_BYTES),
                    MAX_RECORD_BYTES.key(), limit, DEAD_LETTER_MAX_RAW_BYTES.key()));
        }
    }

    /** A hand-over timestamp belongs to starting offsets 'timestamp' and to nothing else. */
    private void validateStartingTimestamp(List<String> problems) {
        boolean byTimestamp = get(STARTING_OFFSETS) == StartingOffsets.TIMESTAMP;
        String timestamp = get(STARTING_TIMESTAMP);
        if (byTimestamp && timestamp == null) {
            problems.add(STARTING_OFFSETS.key() + " 'timestamp' needs " + STARTING_TIMESTAMP.key()
                    + ", an ISO-8601 instant such as 2018-09-24T14:27:30Z");
        } else if (!byTimestamp && timestamp != null) {
            problems.add(STARTING_TIMESTAMP.key() + " is set but " + STARTING_OFFSETS.key() + " is '"
                    + get(STARTING_OFFSETS) + "'; set " + STARTING_OFFSETS.key() + " to 'timestamp' to use it");
        } else if (byTimestamp) {
            try {
                startingTimestamp();
            } catch (DateTimeParseException e) {
                problems.add(STARTING_TIMESTAMP.key() + " must be an ISO-8601 instant such as 2018-09-24T14:27:30Z,"
                        + " not '" + timestamp + "'");
            }
        }
    }

    private static void requirePositive(List<String> problems, ConfigOption<?> option, long value) {
        if (value <= 0) {
            problems.add(option.key() + " must be positive, got " + value);
        }
    }
}
