package org.seqrec.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.seqrec.avro.DeadLetter;
import org.seqrec.avro.ErrorKind;
import org.seqrec.cli.CommandLine;
import org.seqrec.job.JobConfig;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.schemas.DecodeException;

/**
 * Re-publishes chosen dead letters to the topics they came from, after the fix that makes them valid:
 * each selected dead letter's original key and value bytes go back to its source topic and partition,
 * with a header {@value #REPLAYED_FROM_HEADER} naming the dead letter.
 *
 * <pre>
 * java -cp seqrec-job.jar org.seqrec.tools.DeadLetterReplay --bootstrap HOST:PORT [--topic dead-letters]
 *     [--kind NOT_AVRO,CORRUPT_PAYLOAD] [--source-topic interactions] [--source-offsets 1200-1350]
 *     [--dry-run] [--group NAME] [--config-file client.properties]
 * </pre>
 *
 * Exactly once per selection: the dead-letter topic is read with read_committed up to its end at start,
 * and every batch's re-published records and the consumer group's progress through the dead-letter topic
 * are committed in one Kafka transaction. The group (and transactional id) is named after the selection,
 * so running the same selection again re-publishes only dead letters that arrived since, and a run that
 * died half-way resumes where its last transaction ended. {@code --dry-run} prints what would be
 * re-published and writes nothing. A dead letter that kept only a prefix of its record (over
 * {@code dead-letter.max-raw-bytes}) is never re-published: it is listed with where the original was.
 */
public final class DeadLetterReplay {

    public static final String REPLAYED_FROM_HEADER = "seqrec-replayed-from";

    /** Which dead letters to re-publish: any of the kinds (all if empty), one source topic or all, a source offset range. */
    public record Selection(Set<ErrorKind> kinds, String sourceTopic, long fromOffset, long toOffset) {

        boolean matches(DeadLetter letter) {
            return (kinds.isEmpty() || kinds.contains(letter.getErrorKind()))
                    && (sourceTopic == null || sourceTopic.equals(letter.getSourceTopic()))
                    && letter.getSourceOffset() >= fromOffset && letter.getSourceOffset() <= toOffset;
        }

        /** The consumer group and transactional id of this selection's replays. */
        String groupId() {
            String kindList = kinds.isEmpty() ? "all-kinds"
                    : kinds.stream().map(Enum::name).sorted().collect(Collectors.joining("+"));
            return "seqrec-dead-letter-replay." + (sourceTopic == null ? "all-topics" : sourceTopic) + "." + kindList
                    + "." + fromOffset + "-" + (toOffset == Long.MAX_VALUE ? "end" : toOffset);
        }
    }

    /** Dead letters read, how many the selection chose, and how many were re-published. */
    public record Report(int read, int selected, int published) {}

    private DeadLetterReplay() {}

    /**
     * Reads {@code deadLetterTopic} from the group's committed position to its end and re-publishes the
     * selected dead letters, printing a line for each; with {@code dryRun}, only prints.
     */
    public static Report run(Properties client, String deadLetterTopic, Selection selection, String group,
            boolean dryRun, PrintStream out) {
        AvroCodec<DeadLetter> codec = AvroCodec.of(DeadLetter.class);
        Properties consumerSettings = new Properties();
        consumerSettings.putAll(client);
        consumerSettings.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        consumerSettings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerSettings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerSettings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        int read = 0;
        int selected = 0;
        int published = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerSettings,
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
                KafkaProducer<byte[], byte[]> producer = dryRun ? null : transactionalProducer(client, group)) {
            List<TopicPartition> partitions = consumer.partitionsFor(deadLetterTopic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(deadLetterTopic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            if (producer != null) {
                producer.initTransactions();
            }
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
                if (batch.isEmpty()) {
                    continue;
                }
                List<ProducerRecord<byte[], byte[]>> replays = new ArrayList<>();
                Map<TopicPartition, OffsetAndMetadata> progress = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= end.get(partition)) {
                        continue;
                    }
                    progress.put(partition, new OffsetAndMetadata(record.offset() + 1));
                    read++;
                    DeadLetter letter;
                    try {
                        letter = codec.decode(record.value());
                    } catch (DecodeException e) {
                        out.println("skipped " + where(record) + ": not a DeadLetter (" + e.getMessage() + ")");
                        continue;
                    }
                    if (!selection.matches(letter)) {
                        continue;
                    }
                    if (letter.getTruncated()) {
                        // Only a prefix of the original was kept: publishing it would send a different record.
                        out.println("skipped " + where(record) + ": holds only the first bytes of a "
                                + letter.getRawValueSize() + "-byte record (sha256 " + letter.getRawValueSha256()
                                + "); fetch the original from " + letter.getSourceTopic() + "/"
                                + letter.getSourcePartition() + "@" + letter.getSourceOffset() + " while it is retained");
                        continue;
                    }
                    selected++;
                    out.println((dryRun ? "would re-publish " : "re-publishing ") + where(record) + " "
                            + letter.getErrorKind() + " to " + letter.getSourceTopic() + "/"
                            + letter.getSourcePartition() + " (was offset " + letter.getSourceOffset() + "): "
                            + letter.getMessage());
                    ProducerRecord<byte[], byte[]> replay = new ProducerRecord<>(letter.getSourceTopic(),
                            letter.getSourcePartition(), bytes(letter.getRawKey()), bytes(letter.getRawValue()));
                    replay.headers().add(REPLAYED_FROM_HEADER, where(record).getBytes(StandardCharsets.UTF_8));
                    replays.add(replay);
                }
                if (producer != null) {
                    producer.beginTransaction();
                    replays.forEach(producer::send);
                    producer.sendOffsetsToTransaction(progress, consumer.groupMetadata());
                    producer.commitTransaction();
                    published += replays.size();
                }
            }
        }
        out.println((dryRun ? "dry run: " : "") + "read " + read + " dead letters, selected " + selected
                + ", re-published " + published + " (group " + group + ")");
        return new Report(read, selected, published);
    }

    private static KafkaProducer<byte[], byte[]> transactionalProducer(Properties client, String transactionalId) {
        Properties settings = new Properties();
        settings.putAll(client);
        settings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static ErrorKind kind(String name) {
        try {
            return ErrorKind.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--kind " + name + " is no ErrorKind (known: "
                    + EnumSet.allOf(ErrorKind.class) + ")", e);
        }
    }

    private static String where(ConsumerRecord<?, ?> record) {
        return record.topic() + "/" + record.partition() + "@" + record.offset();
    }

    private static byte[] bytes(java.nio.ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    static final ConfigOption<String> BOOTSTRAP = ConfigOptions.key("bootstrap").stringType()
            .defaultValue("localhost:9092").withDescription("Kafka bootstrap servers.");
    static final ConfigOption<String> TOPIC = ConfigOptions.key("topic").stringType()
            .defaultValue(JobConfig.DEAD_LETTER_TOPIC.defaultValue())
            .withDescription("The dead-letter topic to read.");
    static final ConfigOption<String> KINDS = ConfigOptions.key("kind").stringType().noDefaultValue()
            .withDescription("Comma-separated ErrorKinds to re-publish; all kinds if absent.");
    static final ConfigOption<String> SOURCE_TOPIC = ConfigOptions.key("source-topic").stringType().noDefaultValue()
            .withDescription("Only dead letters from this input topic.");
    static final ConfigOption<String> SOURCE_OFFSETS = ConfigOptions.key("source-offsets").stringType()
            .noDefaultValue().withDescription("FROM-TO (TO optional): only dead letters of these source offsets.");
    static final ConfigOption<Boolean> DRY_RUN = ConfigOptions.key("dry-run").booleanType().defaultValue(false)
            .withDescription("Print what would be re-published; write nothing.");
    static final ConfigOption<String> GROUP = ConfigOptions.key("group").stringType().noDefaultValue()
            .withDescription("Consumer group and transactional id; default: named after the selection.");
    static final ConfigOption<String> CONFIG_FILE = ConfigOptions.key("config-file").stringType().noDefaultValue()
            .withDescription("Kafka client properties (security settings) for the consumer and the producer.");

    public static void main(String[] args) throws IOException {
        Configuration options = CommandLine.of("DeadLetterReplay", List.of(BOOTSTRAP, TOPIC, KINDS, SOURCE_TOPIC,
                SOURCE_OFFSETS, DRY_RUN, GROUP, CONFIG_FILE)).configurationOrExit(List.of(), args);
        Properties client = new Properties();
        if (options.getOptional(CONFIG_FILE).isPresent()) {
            try (Reader reader = Files.newBufferedReader(Path.of(options.get(CONFIG_FILE)), StandardCharsets.UTF_8)) {
                client.load(reader);
            }
        }
        client.putIfAbsent(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.get(BOOTSTRAP));
        Set<ErrorKind> kinds = EnumSet.noneOf(ErrorKind.class);
        for (String kind : options.getOptional(KINDS).orElse("").split(",")) {
            if (!kind.isBlank()) {
                kinds.add(kind(kind.trim()));
            }
        }
        long from = 0;
        long to = Long.MAX_VALUE;
        if (options.getOptional(SOURCE_OFFSETS).isPresent()) {
            String[] range = options.get(SOURCE_OFFSETS).split("-", 2);
            from = Long.parseLong(range[0]);
            to = range.length == 2 && !range[1].isEmpty() ? Long.parseLong(range[1]) : Long.MAX_VALUE;
        }
        Selection selection = new Selection(kinds, options.getOptional(SOURCE_TOPIC).orElse(null), from, to);
        run(client, options.get(TOPIC), selection, options.getOptional(GROUP).orElse(selection.groupId()),
                options.get(DRY_RUN), System.out);
    }
}
