package org.seqrec.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.seqrec.avro.Recommendation;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.schemas.DecodeException;

/**
 * How a downstream Java service reads seqrec's recommendations: a plain Kafka consumer with
 * {@code isolation.level=read_committed} (the job writes in transactions committed at its checkpoints, so
 * only those records are visible, each once), values decoded with {@code seqrec-schemas}'
 * {@link AvroCodec}, which also reads messages written with older published schema versions.
 *
 * <pre>
 * java -cp seqrec-example-consumer.jar:seqrec-schemas.jar:avro.jar:kafka-clients.jar:... \
 *     org.seqrec.examples.RecommendationReader --bootstrap localhost:19092 [--topic recommendations]
 *     [--group my-service] [--max 10] [--config-file client.properties]
 * </pre>
 *
 * Without {@code --group} it reads every partition from the start and commits nothing; with one it
 * joins that consumer group and commits its offsets. {@code --config-file} adds Kafka client properties
 * (security settings). Prints one line per recommendation; a record that does not decode is printed
 * with the reason and skipped.
 */
public final class RecommendationReader {

    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroCodec<Recommendation> codec = AvroCodec.of(Recommendation.class);

    public RecommendationReader(Properties client, String topic, boolean fromStart) {
        Properties settings = new Properties();
        settings.putAll(client);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer = new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer());
        if (fromStart) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        } else {
            consumer.subscribe(List.of(topic));
        }
    }

    /** Prints up to {@code max} recommendations (0: no limit), stopping after {@code idle} without one. */
    public int print(PrintStream out, int max, Duration idle) {
        int printed = 0;
        long quietSince = System.nanoTime();
        try (consumer) {
            while ((max == 0 || printed < max) && System.nanoTime() - quietSince < idle.toNanos()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    quietSince = System.nanoTime();
                    out.println(describe(record));
                    if (++printed == max) {
                        break;
                    }
                }
            }
        }
        return printed;
    }

    private String describe(ConsumerRecord<String, byte[]> record) {
        String where = record.topic() + "/" + record.partition() + "@" + record.offset() + " user " + record.key();
        try {
            Recommendation r = codec.decode(record.value());
            String items = r.getItems().stream().map(i -> i.getItemId() + ":" + i.getScore())
                    .collect(Collectors.joining(" "));
            String answers = r.getRequestId() != null ? "request " + r.getRequestId() : "after event " + r.getTriggerEventId();
            return where + " " + answers + " model " + r.getModelVersion() + " items " + items;
        } catch (DecodeException e) {
            return where + " not a Recommendation: " + e.getMessage();
        }
    }

    public static void main(String[] args) throws IOException {
        Properties client = new Properties();
        String topic = "recommendations";
        String group = null;
        int max = 0;
        Duration idle = Duration.ofDays(365);
        for (int i = 0; i + 1 < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--bootstrap" -> client.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, value);
                case "--topic" -> topic = value;
                case "--group" -> group = value;
                case "--max" -> max = Integer.parseInt(value);
                case "--idle-timeout" -> idle = Duration.parse(value);
                case "--config-file" -> {
                    try (Reader reader = Files.newBufferedReader(Path.of(value), StandardCharsets.UTF_8)) {
                        client.load(reader);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (known: --bootstrap, --topic, --group, --max, --idle-timeout PT30S, --config-file)");
            }
        }
        client.putIfAbsent(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        if (group != null) {
            client.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        new RecommendationReader(client, topic, group == null).print(System.out, max, idle);
    }
}
