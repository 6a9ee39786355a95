package org.seqrec.local;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * Prints any of the project's topics as JSON lines, one per Kafka record, whatever record type it
 * holds (recognised by the schema fingerprint in each message). Reads committed records only.
 *
 * <pre>
 * scripts/print-topic.sh --bootstrap 127.0.0.1:9092 --topic sequence-features [--max 10] [--follow]
 * </pre>
 */
public final class TopicPrinter {

    private final Map<Long, BinaryMessageDecoder<GenericRecord>> decoders = new HashMap<>();

    static final ConfigOption<String> BOOTSTRAP = ConfigOptions.key("bootstrap").stringType()
            .defaultValue("127.0.0.1:9092").withDescription("Kafka brokers, host:port[,host:port...].");
    static final ConfigOption<String> TOPIC = ConfigOptions.key("topic").stringType().noDefaultValue()
            .withDescription("The topic to print (required).");
    static final ConfigOption<Long> MAX = ConfigOptions.key("max").longType().defaultValue(-1L)
            .withDescription("Stop after this many records; -1: no limit.");
    static final ConfigOption<Boolean> FOLLOW = ConfigOptions.key("follow").booleanType().defaultValue(false)
            .withDescription("Keep printing new records instead of stopping at the end.");

    public static void main(String[] args) {
        Configuration options = CommandLine.of("TopicPrinter", List.of(BOOTSTRAP, TOPIC, MAX, FOLLOW))
                .configurationOrExit(List.of(TOPIC), args);
        new TopicPrinter().print(options.get(BOOTSTRAP), options.get(TOPIC), options.get(MAX), options.get(FOLLOW),
                System.out);
    }

    /** Prints from the beginning; stops at the end (or after {@code max} records) unless following. */
    public void print(String bootstrap, String topic, long max, boolean follow, PrintStream out) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long printed = 0;
            while (max < 0 || printed < max) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    out.println(toJson(record));
                    if (++printed == max) {
                        break;
                    }
                }
                if (!follow && partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
                    break;
                }
            }
        }
    }

    /** One record as a JSON object: coordinates, key, record type and value (or why it did not decode). */
    public String toJson(ConsumerRecord<byte[], byte[]> record) {
        StringBuilder json = new StringBuilder(256);
        json.append("{\"topic\":").append(quote(record.topic()))
                .append(",\"partition\":").append(record.partition())
                .append(",\"offset\":").append(record.offset())
                .append(",\"timestamp\":").append(record.timestamp())
                .append(",\"key\":").append(record.key() == null ? "null"
                        : quote(new String(record.key(), StandardCharsets.UTF_8)));
        byte[] value = record.value();
        Schema schema = value != null && value.length >= 10 ? ProjectSchemas.byFingerprint(fingerprint(value)).orElse(null)
                : null;
        if (schema == null) {
            json.append(",\"error\":\"not a message of any project schema\"}");
            return json.toString();
        }
        try {
            GenericRecord decoded = decoder(schema, fingerprint(value)).decode(value);
            json.append(",\"type\":").append(quote(schema.getName()))
                    .append(",\"value\":").append(GenericData.get().toString(decoded)).append('}');
        } catch (Exception e) {
            json.append(",\"type\":").append(quote(schema.getName()))
                    .append(",\"error\":").append(quote("does not decode: " + e.getMessage())).append('}');
        }
        return json.toString();
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

    private static String quote(String s) {
        StringBuilder q = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                default -> {
                    if (c < 0x20) {
                        q.append(String.format("\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }
}
