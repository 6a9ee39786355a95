package org.seqrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.seqrec.avro.Action;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.local.MovieLens;
import org.seqrec.local.ReplayProducer;
import org.seqrec.testing.FeatureLog;
import org.seqrec.testing.FlinkCluster;
import org.seqrec.testing.SharedKafka;
import org.seqrec.testing.Topics;

/** The whole of ml-latest-small through the replay producer, the broker and the job: nothing lost. */
class MovieLensReplayITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkCluster.withReporter(METRICS);

    private static final int N = 64;

    @Test
    void shouldAccountForEveryRatingAndTagOfTheDataset() throws Exception {
        String interactions = Topics.unique("ml-interactions");
        String features = Topics.unique("ml-features");
        String deadLetters = Topics.unique("ml-dead-letters");
        SharedKafka.broker().createTopics(2, interactions, features, deadLetters);

        List<InteractionEvent> events = MovieLens.events(MovieLens.DEFAULT_DIR_FROM_MODULE);
        assertThat(events.stream().filter(e -> e.getAction() != Action.TAG)).hasSize(100_836);
        assertThat(events.stream().filter(e -> e.getAction() == Action.TAG)).hasSize(3_683);

        JobConfig config = JobConfig.fromMap(Map.of(
                "kafka.bootstrap-servers", SharedKafka.broker().bootstrapServers(),
                "topic.interactions", interactions,
                "topic.features", features,
                "topic.dead-letters", deadLetters,
                "source.bounded", "true",
                "source.starting-offsets", "earliest",
                "sequence.max-length", String.valueOf(N),
                "checkpoint.interval", "2s",
                "sink.transactional-id-prefix", Topics.unique("tx"),
                "scoring.enabled", "false"));
        try (ReplayProducer replay = new ReplayProducer(config.kafkaClientProperties(), interactions, 1e12, 1e9)) {
            assertThat(replay.replay(events, sent -> {})).isEqualTo(events.size());
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        JobExecutionResult result = SequenceJob.fromConfig(config).execute(env);

        FeatureLog.read(features).assertOneRecordPerEvent(events).assertFinalSequences(events, N);
        assertThat(events.stream().map(InteractionEvent::getUserId).distinct()).hasSize(610);
        assertThat(Topics.readCommitted(deadLetters)).isEmpty();
        assertThat(FlinkCluster.counter(METRICS, result, "sequence.accepted")).isEqualTo(events.size());
    }
}
