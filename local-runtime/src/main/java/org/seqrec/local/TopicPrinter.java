package org.seqrec.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.SchemaStore;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.seqrec.cli.CommandLine;
import org.seqrec.schemas.ProjectSchemas;
import org.seqrec.schemas.SchemaHistory;

/**
 * Prints any of the project's topics as JSON lines, one valid JSON object per Kafka record, whatever record
 * type it holds (recognised by the schema fingerprint in each message). Reads committed records only.
 * Strings are JSON-escaped (control characters included), bytes are base64, timestamps epoch milliseconds.
 *
 * <pre>
 * scripts/print-topic.sh --bootstrap 127.0.0.1:9092 --topic sequence-features [--max 10] [--follow]
 *     [--partitions 0,2] [--from-offset 1200] [--config-file client.properties]
 * </pre>
 *
 * {@code --config-file} holds Kafka client settings (a secured cluster's {@code security.protocol},
 * {@code sasl.*}, {@code ssl.*}), or the job's own options file, whose {@code kafka.client.*} keys are used.
 */
public final class TopicPrinter {

    private static final ObjectMapper JSON = new ObjectMapper();
    static {
        JSON.getFactory().setCharacterEscapes(new TerminalSafeEscapes());
    }
    private static final String JOB_CLIENT_PREFIX = "kafka.client.";

    private final Map<Long, BinaryMessageDecoder<GenericRecord>> decoders = new HashMap<>();

    static final ConfigOption<String> BOOTSTRAP = ConfigOptions.key("bootstrap").stringType()
            .defaultValue("127.0.0.1:9092").withDescription("Kafka brokers, host:port[,host:port...].");
    static final ConfigOption<String> TOPIC = ConfigOptions.key("topic").stringType().noDefaultValue()
            .withDescription("The topic to print (required).");
    static final ConfigOption<Long> MAX = ConfigOptions.key("max").longType().defaultValue(-1L)
            .withDescription("Stop after this many records; -1: no limit.");
    static final ConfigOption<Boolean> FOLLOW = ConfigOptions.key("follow").booleanType().defaultValue(false)
            .withDescription("Keep printing new records instead of stopping at the end.");
    static final ConfigOption<String> PARTITIONS = ConfigOptions.key("partitions").stringType().noDefaultValue()
            .withDescription("Comma-separated partitions to print; all if absent.");
    static final ConfigOption<Long> FROM_OFFSET = ConfigOptions.key("from-offset").longType().defaultValue(0L)
            .withDescription("Start every chosen partition at this offset (or at its first retained one).");
    static final ConfigOption<String> CONFIG_FILE = ConfigOptions.key("config-file").stringType().noDefaultValue()
            .withDescription("Kafka client properties for a secured cluster (or the job's options file: its"
                    + " kafka.client.* keys).");

    /** What to read: the topic, which partitions (empty: all), from which offset, how many records. */
    public record Selection(String topic, List<Integer> partitions, long fromOffset, long max, boolean follow) {

        public static Selection all(String topic) {
            return new Selection(topic, List.of(), 0, -1, false);
        }
    }

    public static void main(String[] args) throws IOException {
        Configuration options = CommandLine.of("TopicPrinter",
                List.of(BOOTSTRAP, TOPIC, MAX, FOLLOW, PARTITIONS, FROM_OFFSET, CONFIG_FILE))
                .configurationOrExit(List.of(TOPIC), args);
        Properties client = options.getOptional(CONFIG_FILE).isPresent()
                ? clientProperties(Path.of(options.get(CONFIG_FILE))) : new Properties();
        client.putIfAbsent(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.get(BOOTSTRAP));
        List<Integer> partitions = options.getOptional(PARTITIONS).map(list -> Arrays.stream(list.split(","))
                .map(String::trim).filter(p -> !p.isEmpty()).map(Integer::valueOf).toList()).orElse(List.of());
        new TopicPrinter().print(client, new Selection(options.get(TOPIC), partitions, options.get(FROM_OFFSET),
                options.get(MAX), options.get(FOLLOW)), System.out);
    }

    /** Kafka client settings from a properties file; a job options file contributes its kafka.client.* keys. */
    static Properties clientProperties(Path file) throws IOException {
        Properties read = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            read.load(reader);
        }
        boolean jobOptions = read.stringPropertyNames().stream().anyMatch(key -> key.startsWith(JOB_CLIENT_PREFIX));
        if (!jobOptions) {
            return read;
        }
        Properties client = new Properties();
        read.stringPropertyNames().stream().filter(key -> key.startsWith(JOB_CLIENT_PREFIX))
                .forEach(key -> client.put(key.substring(JOB_CLIENT_PREFIX.length()), read.getProperty(key)));
        return client;
    }

    /** Prints the selection; stops at the end (or after {@code max} records) unless following. */
    public void print(Properties client, Selection selection, PrintStream out) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        String topic = selection.topic();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .filter(p -> selection.partitions().isEmpty() || selection.partitions().contains(p.partition()))
                    .toList();
            if (partitions.isEmpty()) {
                throw new IllegalArgumentException("topic " + topic + " has none of the partitions "
                        + selection.partitions());
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> start = consumer.beginningOffsets(partitions);
            partitions.forEach(p -> consumer.seek(p, Math.max(selection.fromOffset(), start.get(p))));
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long printed = 0;
            long max = selection.max();
            while (max < 0 || printed < max) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    out.println(toJson(record));
                    if (++printed == max) {
                        break;
                    }
                }
                if (!selection.follow() && partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
                    break;
                }
            }
        }
    }

    /** One record as a JSON object: coordinates, key, record type and value (or why it did not decode). */
    public String toJson(ConsumerRecord<byte[], byte[]> record) {
        ObjectNode json = JSON.createObjectNode();
        json.put("topic", record.topic()).put("partition", record.partition()).put("offset", record.offset())
                .put("timestamp", record.timestamp());
        json.set("key", record.key() == null ? NullNode.getInstance() : text(record.key()));
        byte[] value = record.value();
        Schema schema = value != null && value.length >= 10 ? ProjectSchemas.byFingerprint(fingerprint(value)).orElse(null)
                : null;
        if (schema == null) {
            json.put("error", "not a message of any project schema");
            return write(json);
        }
        json.put("type", schema.getName());
        try {
            json.set("value", tree(decoder(schema, fingerprint(value)).decode(value)));
        } catch (Exception e) {
            json.put("error", "does not decode: " + e.getMessage());
        }
        return write(json);
    }

    private static String write(JsonNode json) {
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree always serializes", e);
        }
    }

    /** A key as text when it is UTF-8, else as base64 under "base64". */
    private static JsonNode text(byte[] bytes) {
        try {
            return TextNode.valueOf(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return JSON.createObjectNode().put("base64", Base64.getEncoder().encodeToString(bytes));
        }
    }

    /** An Avro datum as JSON: records and maps as objects, bytes as base64, non-finite numbers as strings. */
    private static JsonNode tree(Object datum) {
        if (datum == null) {
            return NullNode.getInstance();
        }
        if (datum instanceof GenericRecord record) {
            ObjectNode node = JSON.createObjectNode();
            record.getSchema().getFields().forEach(f -> node.set(f.name(), tree(record.get(f.pos()))));
            return node;
        }
        if (datum instanceof Map<?, ?> map) {
            ObjectNode node = JSON.createObjectNode();
            map.forEach((k, v) -> node.set(k.toString(), tree(v)));
            return node;
        }
        if (datum instanceof Collection<?> list) {
            ArrayNode node = JSON.createArrayNode();
            list.forEach(item -> node.add(tree(item)));
            return node;
        }
        if (datum instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return TextNode.valueOf(Base64.getEncoder().encodeToString(bytes));
        }
        if (datum instanceof Double d && !Double.isFinite(d) || datum instanceof Float f && !Float.isFinite(f)) {
            return TextNode.valueOf(datum.toString());
        }
        if (datum instanceof Number || datum instanceof Boolean) {
            return JSON.valueToTree(datum);
        }
        return TextNode.valueOf(datum.toString());
    }

    /**
     * JSON's own escapes, plus every character a terminal could act on or that reorders text: C1
     * controls (U+009B is a CSI), format characters (bidirectional overrides) and line separators.
     */
    private static final class TerminalSafeEscapes extends CharacterEscapes {

        private static final long serialVersionUID = 1L;

        private final int[] ascii = standardAsciiEscapesForJSON();

        TerminalSafeEscapes() {
            ascii[0x7F] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            int type = Character.getType(ch);
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE) {
                return new SerializedString(String.format("\\u%04x", ch));
            }
            return null;
        }
    }

    private BinaryMessageDecoder<GenericRecord> decoder(Schema schema, long fingerprint) {
        return decoders.computeIfAbsent(fingerprint, f -> {
            SchemaStore.Cache store = new SchemaStore.Cache();
            SchemaHistory.versions(schema.getName()).forEach(store::addSchema);
            store.addSchema(schema);
            return new BinaryMessageDecoder<>(GenericData.get(), schema, store);
        });
    }

    private static long fingerprint(byte[] value) {
        return ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }
}
