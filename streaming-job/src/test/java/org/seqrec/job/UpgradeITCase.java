package org.seqrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.Recommendation;
import org.seqrec.job.scoring.Device;
import org.seqrec.job.scoring.RankingModel;
import org.seqrec.local.MovieLens;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.testing.FeatureLog;
import org.seqrec.testing.FlinkCluster;
import org.seqrec.testing.JobTopics;
import org.seqrec.testing.Topics;

/**
 * The upgrade path operators use: stop with a savepoint, restart from it with another parallelism and
 * another model. State survives the rescale, outputs continue without a gap or a duplicate, and every
 * answer after the switch names the new model.
 */
class UpgradeITCase {

    private static final Path MODELS = Path.of("..", "model-export", "models");
    private static final int N = 64;

    @Test
    void shouldKeepStateAndOutputsAcrossSavepointRescaleAndModelSwitch(@TempDir Path dir) throws Exception {
        JobTopics topics = JobTopics.create();
        List<InteractionEvent> events = MovieLens.events(MovieLens.DEFAULT_DIR_FROM_MODULE).subList(0, 20_000);
        int half = events.size() / 2;

        try (MiniCluster cluster = FlinkCluster.standalone(1, 4);
                KafkaProducer<byte[], byte[]> producer = Topics.producer()) {
            JobID before = cluster.submitJob(jobGraph(topics, dir, "attn_mvp.onnx", 2, null)).get().getJobID();
            topics.produce(producer, events.subList(0, half), "before");
            Topics.awaitCommitted(topics.features(), half);
            Topics.awaitCommitted(topics.recommendations(), half / 1000);
            String savepoint = cluster.stopWithSavepoint(before, dir.resolve("savepoints").toUri().toString(), false,
                    SavepointFormatType.CANONICAL).get();

            JobID after = cluster.submitJob(jobGraph(topics, dir, "interleaved.onnx", 3, savepoint)).get().getJobID();
            topics.produce(producer, events.subList(half, events.size()), "after");
            Topics.awaitCommitted(topics.features(), events.size());
            Topics.awaitCommitted(topics.recommendations(), events.size() / 1000);
            Thread.sleep(2000);
            cluster.cancelJob(after).get();
        }

        // One record per event and continuous sequences across the savepoint and the rescale.
        FeatureLog.read(topics.features()).assertOneRecordPerEvent(events).assertFinalSequences(events, N);

        String newVersion;
        try (RankingModel model = RankingModel.load(MODELS.resolve("interleaved.onnx"), Device.CPU, 1, N)) {
            newVersion = model.metadata().version();
        }
        AvroCodec<Recommendation> recommendationCodec = AvroCodec.of(Recommendation.class);
        List<Recommendation> answers = Topics.readCommitted(topics.recommendations()).stream()
                .map(r -> Topics.decode(recommendationCodec, r.value())).toList();
        assertThat(answers).extracting(Recommendation::getRequestId).doesNotHaveDuplicates()
                .hasSize(events.size() / 1000);
        for (Recommendation answer : answers) {
            boolean afterSwitch = answer.getRequestId().startsWith("after");
            assertThat(answer.getModelArchitecture()).as(answer.getRequestId())
                    .isEqualTo(afterSwitch ? "interleaved" : "attn_mvp");
            if (afterSwitch) {
                assertThat(answer.getModelVersion()).isEqualTo(newVersion);
            }
        }
    }

    private static JobGraph jobGraph(JobTopics topics, Path dir, String model, int parallelism, String savepoint) {
        Map<String, String> settings = topics.settings();
        settings.putAll(Map.of("scoring.model-path", MODELS.resolve(model).toString(), "scoring.device", "cpu",
                "sequence.max-length", String.valueOf(N), "checkpoint.interval", "1s",
                "checkpoint.dir", dir.resolve("checkpoints").toUri().toString()));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        SequenceJob.fromConfig(JobConfig.fromMap(settings)).build(env);
        JobGraph graph = env.getStreamGraph().getJobGraph();
        if (savepoint != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        }
        return graph;
    }
}
