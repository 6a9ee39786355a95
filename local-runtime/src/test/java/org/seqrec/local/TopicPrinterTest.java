package org.seqrec.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seqrec.avro.Action;
import org.seqrec.avro.DeadLetter;
import org.seqrec.avro.ErrorKind;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.RankingRequest;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.testing.SharedKafka;
import org.seqrec.testing.Topics;

class TopicPrinterTest {

    @Test
    void shouldPrintEveryRecordOfAnyProjectTypeAsOneJsonLine() throws Exception {
        String topic = Topics.unique("mixed");
        SharedKafka.broker().createTopics(1, topic);
        try (KafkaProducer<byte[], byte[]> producer = Topics.producer()) {
            Topics.send(producer, topic, "u1", AvroCodec.of(InteractionEvent.class).encode(new InteractionEvent(
                    "e1", "u1", "318", Action.LIKE, Instant.ofEpochSecond(964982703), 4.5)));
            Topics.send(producer, topic, "u2", AvroCodec.of(RankingRequest.class).encode(new RankingRequest(
                    "r1", "u2", List.of("1", "2"), 1, Instant.ofEpochSecond(1))));
            Topics.send(producer, topic, "u3", "not avro \"quoted\"".getBytes(StandardCharsets.UTF_8));
            // What a hostile input leaves in a dead letter: raw bytes, escapes in the message, a NaN value.
            Topics.send(producer, topic, "u4\u001b[2J", AvroCodec.of(InteractionEvent.class).encode(new InteractionEvent(
                    "e\u0000\u009b", "u\u202e", "\u001b]0;x\u0007", Action.LIKE, Instant.ofEpochSecond(1), Double.NaN)));
            Topics.send(producer, topic, "u5", AvroCodec.of(DeadLetter.class).encode(DeadLetterRecordFixture.letter()));
        }
        List<JsonNode> lines = print(topic, TopicPrinter.Selection.all(topic));

        assertThat(lines).hasSize(5);
        assertThat(lines.get(0).get("topic").asText()).isEqualTo(topic);
        assertThat(lines.get(0).get("key").asText()).isEqualTo("u1");
        assertThat(lines.get(0).get("type").asText()).isEqualTo("InteractionEvent");
        assertThat(lines.get(0).get("value").get("item_id").asText()).isEqualTo("318");
        assertThat(lines.get(0).get("value").get("action").asText()).isEqualTo("LIKE");
        assertThat(lines.get(0).get("value").get("value").asDouble()).isEqualTo(4.5);
        assertThat(lines.get(1).get("value").get("candidate_item_ids")).extracting(JsonNode::asText)
                .containsExactly("1", "2");
        assertThat(lines.get(2).get("error").asText()).isEqualTo("not a message of any project schema");
        assertThat(lines.get(3).get("key").asText()).isEqualTo("u4\u001b[2J");
        assertThat(lines.get(3).get("value").get("event_id").asText()).isEqualTo("e\u0000\u009b");
        assertThat(lines.get(3).get("value").get("value").asText()).isEqualTo("NaN");
        assertThat(lines.get(4).get("value").get("raw_value").asText())
                .isEqualTo(Base64.getEncoder().encodeToString(new byte[] {0, (byte) 0xFF, 27}));
    }

    @Test
    void printsChosenPartitionsFromAnOffset() throws Exception {
        String topic = Topics.unique("partitioned");
        SharedKafka.broker().createTopics(2, topic);
        try (KafkaProducer<byte[], byte[]> producer = Topics.producer()) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, null, ("r" + i).getBytes(StandardCharsets.UTF_8)));
            }
        }
        List<JsonNode> lines = print(topic, new TopicPrinter.Selection(topic, List.of(1), 2, -1, false));
        assertThat(lines).extracting(line -> line.get("partition").asInt()).containsOnly(1);
        assertThat(lines).extracting(line -> line.get("offset").asLong()).containsExactly(2L, 3L, 4L);
    }

    @Test
    void readsTheKafkaClientKeysOfAJobOptionsFile(@TempDir Path dir) throws Exception {
        Path jobOptions = dir.resolve("job.properties");
        Files.writeString(jobOptions, "kafka.client.security.protocol=SASL_SSL\nscoring.device=cpu\n");
        assertThat(TopicPrinter.clientProperties(jobOptions)).containsOnly(Map.entry("security.protocol", "SASL_SSL"));
        Path clientFile = dir.resolve("client.properties");
        Files.writeString(clientFile, "security.protocol=SSL\nssl.truststore.location=/t.jks\n");
        assertThat(TopicPrinter.clientProperties(clientFile)).hasSize(2).containsEntry("security.protocol", "SSL");
    }

    private static List<JsonNode> print(String topic, TopicPrinter.Selection selection) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Properties client = new Properties();
        client.put("bootstrap.servers", SharedKafka.broker().bootstrapServers());
        new TopicPrinter().print(client, selection, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : bytes.toString(StandardCharsets.UTF_8).lines().toList()) {
            assertThat(line).as("one JSON object per line, nothing a terminal would act on").doesNotContainPattern("\\p{Cc}");
            lines.add(json.readTree(line));
        }
        return lines;
    }

    /** A dead letter with raw bytes that are no text at all. */
    private static final class DeadLetterRecordFixture {
        static DeadLetter letter() {
            return DeadLetter.newBuilder().setSourceTopic("interactions").setSourcePartition(0).setSourceOffset(7)
                    .setRawKey(null).setRawValue(ByteBuffer.wrap(new byte[] {0, (byte) 0xFF, 27}))
                    .setErrorKind(ErrorKind.NOT_AVRO).setMessage("Not Avro").setFailedTime(Instant.ofEpochSecond(2))
                    .build();
        }
    }
}
