package org.seqrec.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.seqrec.avro.Action;
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
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new TopicPrinter().print(SharedKafka.broker().bootstrapServers(), topic, -1, false,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();

        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("{\"topic\":\"" + topic + "\",\"partition\":0,\"offset\":0")
                .contains("\"key\":\"u1\"", "\"type\":\"InteractionEvent\"", "\"item_id\": \"318\"",
                        "\"action\": \"LIKE\"");
        assertThat(lines.get(1)).contains("\"type\":\"RankingRequest\"", "\"candidate_item_ids\": [\"1\", \"2\"]");
        assertThat(lines.get(2)).contains("\"key\":\"u3\"", "\"error\":\"not a message of any project schema\"");
    }
}
