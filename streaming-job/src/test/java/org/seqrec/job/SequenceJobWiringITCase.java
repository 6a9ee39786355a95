package org.seqrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.seqrec.avro.Action;
import org.seqrec.avro.ErrorKind;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.job.ingest.DeadLetterRecord;
import org.seqrec.job.ingest.Ingested;
import org.seqrec.job.ingest.JobInput;
import org.seqrec.job.sequence.SequenceUpdate;
import org.seqrec.job.wire.EncodedRecord;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.testing.CollectingSink;
import org.seqrec.testing.FlinkCluster;

/**
 * The job's wiring with injected sources and sinks, no broker: records go through each input's own
 * deserializer, and with scoring off only the interactions are read.
 */
class SequenceJobWiringITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.withReporter(InMemoryReporter.create());

    /** Each input's records as a Kafka consumer would hand them over, decoded by the input's deserializer. */
    private static final class FixedInputs implements InputSources {
        private final Map<String, List<byte[]>> valuesByTopic;
        private final List<String> read = new ArrayList<>();

        FixedInputs(Map<String, List<byte[]>> valuesByTopic) {
            this.valuesByTopic = valuesByTopic;
        }

        @Override
        public <A extends SpecificRecord, T> DataStream<Ingested<T>> read(StreamExecutionEnvironment env,
                JobInput<A, T> input) {
            read.add(input.name());
            List<Ingested<T>> ingested = new ArrayList<>();
            List<byte[]> values = valuesByTopic.get(input.topic());
            for (int offset = 0; offset < values.size(); offset++) {
                input.deserializer().deserialize(new ConsumerRecord<>(input.topic(), 0, offset, null, values.get(offset)),
                        new ListCollector<>(ingested));
            }
            return env.fromData(ingested, input.ingestedType());
        }
    }

    private static byte[] event(String id, String user, String item, long second) {
        return AvroCodec.of(InteractionEvent.class).encode(new InteractionEvent(id, user, item, Action.LIKE,
                Instant.parse("2020-01-01T00:00:00Z").plusSeconds(second), null));
    }

    @Test
    void withoutScoringOnlyInteractionsAreReadAndEachBecomesAFeatureOrADeadLetter() throws Exception {
        FixedInputs inputs = new FixedInputs(Map.of("interactions", List.of(event("e1", "u1", "10", 1),
                event("e2", "u2", "20", 2), "not avro".getBytes(StandardCharsets.UTF_8), event("e3", "u1", "30", 3))));
        CollectingSink<SequenceUpdate> features = new CollectingSink<>();
        CollectingSink<DeadLetterRecord> deadLetters = new CollectingSink<>();
        CollectingSink<EncodedRecord> recommendations = new CollectingSink<>();
        JobConfig config = JobConfig.fromArgs("--scoring.enabled", "false");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        new SequenceJob(config, inputs, features, deadLetters, recommendations).execute(env);

        assertThat(inputs.read).containsExactly("interactions");
        assertThat(features.received()).extracting(u -> u.triggerEventId).containsExactly("e1", "e2", "e3");
        assertThat(features.received().get(2).sequence().size()).as("u1's second event").isEqualTo(2);
        assertThat(deadLetters.received()).singleElement().satisfies(letter -> {
            assertThat(letter.errorKind).isEqualTo(ErrorKind.NOT_AVRO);
            assertThat(letter.sourceOffset).isEqualTo(2);
        });
        assertThat(recommendations.received()).isEmpty();
    }
}
