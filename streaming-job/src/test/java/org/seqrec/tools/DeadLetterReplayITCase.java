package org.seqrec.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.seqrec.avro.Action;
import org.seqrec.avro.ErrorKind;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.job.JobConfig;
import org.seqrec.job.SequenceJob;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.testing.JobTopics;
import org.seqrec.testing.SharedKafka;
import org.seqrec.testing.Topics;

/**
 * Dead letters the job wrote are re-published to their source topic by kind and source offset range,
 * exactly once per selection; a dry run writes nothing.
 */
class DeadLetterReplayITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @Test
    void shouldRepublishTheChosenDeadLettersOnceAndNothingOnADryRun() throws Exception {
        JobTopics topics = JobTopics.create(SharedKafka.broker(), 1);
        AvroCodec<InteractionEvent> codec = AvroCodec.of(InteractionEvent.class);
        try (KafkaProducer<byte[], byte[]> producer = Topics.producer()) {
            // Offsets 0 to 7 alternate a valid event and garbage (garbage at 1, 3, 5, 7).
            for (int i = 0; i < 8; i++) {
                if (i % 2 == 0) {
                    Topics.send(producer, topics.interactions(), "u" + i, codec.encode(new InteractionEvent(
                            "e" + i, "u" + i, "318", Action.CLICK, Instant.parse("2020-01-01T00:00:00Z"), null)));
                } else {
                    Topics.send(producer, topics.interactions(), "k" + i, ("garbage " + i).getBytes(StandardCharsets.UTF_8));
                }
            }
            // Offset 8 decodes but is from 1980: ABSURD_TIMESTAMP.
            Topics.send(producer, topics.interactions(), "u8", codec.encode(new InteractionEvent(
                    "e8", "u8", "318", Action.CLICK, Instant.parse("1980-01-01T00:00:00Z"), null)));
            // Offset 9 is garbage longer than the dead letter keeps: its dead letter holds a prefix only.
            Topics.send(producer, topics.interactions(), "k9", "x".repeat(200).getBytes(StandardCharsets.UTF_8));
        }
        Map<String, String> settings = topics.settings();
        settings.putAll(Map.of("source.bounded", "true", "scoring.enabled", "false", "checkpoint.interval", "1s",
                "dead-letter.max-raw-bytes", "100"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        SequenceJob.fromConfig(JobConfig.fromMap(settings)).execute(env);
        assertThat(Topics.readCommitted(topics.deadLetters())).hasSize(6);

        Properties client = new Properties();
        client.put("bootstrap.servers", SharedKafka.broker().bootstrapServers());
        DeadLetterReplay.Selection garbage = new DeadLetterReplay.Selection(EnumSet.of(ErrorKind.NOT_AVRO),
                topics.interactions(), 2, 5);

        assertThat(replay(client, topics.deadLetters(), garbage, true)).isEqualTo(new DeadLetterReplay.Report(6, 2, 0));
        assertThat(Topics.readCommitted(topics.interactions())).as("a dry run writes nothing").hasSize(10);

        assertThat(replay(client, topics.deadLetters(), garbage, false)).isEqualTo(new DeadLetterReplay.Report(6, 2, 2));
        List<ConsumerRecord<byte[], byte[]>> after = Topics.readCommitted(topics.interactions());
        assertThat(after).hasSize(12);
        assertThat(after.subList(10, 12)).extracting(r -> new String(r.key(), StandardCharsets.UTF_8) + "="
                + new String(r.value(), StandardCharsets.UTF_8)).containsExactly("k3=garbage 3", "k5=garbage 5");
        assertThat(new String(after.get(10).headers().lastHeader(DeadLetterReplay.REPLAYED_FROM_HEADER).value(),
                StandardCharsets.UTF_8)).startsWith(topics.deadLetters() + "/0@");

        assertThat(replay(client, topics.deadLetters(), garbage, false))
                .as("the same selection again: nothing left to re-publish").isEqualTo(new DeadLetterReplay.Report(0, 0, 0));
        assertThat(Topics.readCommitted(topics.interactions())).hasSize(12);

        DeadLetterReplay.Selection old = new DeadLetterReplay.Selection(EnumSet.of(ErrorKind.ABSURD_TIMESTAMP), null,
                0, Long.MAX_VALUE);
        assertThat(replay(client, topics.deadLetters(), old, false)).isEqualTo(new DeadLetterReplay.Report(6, 1, 1));
        List<ConsumerRecord<byte[], byte[]>> last = Topics.readCommitted(topics.interactions());
        assertThat(last).hasSize(13);
        assertThat(codec.decode(last.get(12).value()).getEventId()).isEqualTo("e8");

        DeadLetterReplay.Selection cut = new DeadLetterReplay.Selection(EnumSet.of(ErrorKind.NOT_AVRO), null, 9, 9);
        assertThat(replay(client, topics.deadLetters(), cut, false))
                .as("a dead letter that kept only a prefix is never re-published").isEqualTo(new DeadLetterReplay.Report(6, 0, 0));
        assertThat(Topics.readCommitted(topics.interactions())).hasSize(13);
    }

    private static DeadLetterReplay.Report replay(Properties client, String topic, DeadLetterReplay.Selection selection,
            boolean dryRun) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        DeadLetterReplay.Report report = DeadLetterReplay.run(client, topic, selection, selection.groupId(), dryRun,
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("selected " + report.selected());
        return report;
    }
}
