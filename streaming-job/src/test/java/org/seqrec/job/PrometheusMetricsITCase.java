package org.seqrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.RankingRequest;
import org.seqrec.local.MovieLens;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.testing.JobTopics;
import org.seqrec.testing.Topics;

/** The job's metrics reach Flink's Prometheus reporter: what an operator's dashboards scrape. */
class PrometheusMetricsITCase {

    private static final int PORT = freePort();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(prometheus()).setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static Configuration prometheus() {
        Configuration config = new Configuration();
        config.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        config.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(256));
        config.setString("metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        config.setString("metrics.reporter.prom.port", String.valueOf(PORT));
        return config;
    }

    @Test
    void shouldExportThroughputDeadLettersStateScoringDeviceAndModelVersion() throws Exception {
        JobTopics topics = JobTopics.create();
        Map<String, String> settings = topics.settings();
        settings.putAll(Map.of("scoring.model-path", Path.of("..", "model-export", "models", "attn_mvp.onnx").toString(),
                "scoring.device", "cpu", "checkpoint.interval", "1s"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        SequenceJob.fromConfig(JobConfig.fromMap(settings)).build(env);
        JobClient job = env.executeAsync("prometheus-itcase");

        AvroCodec<InteractionEvent> events = AvroCodec.of(InteractionEvent.class);
        try (KafkaProducer<byte[], byte[]> producer = Topics.producer()) {
            for (InteractionEvent event : MovieLens.events(MovieLens.DEFAULT_DIR_FROM_MODULE).subList(0, 300)) {
                Topics.send(producer, topics.interactions(), event.getUserId(), events.encode(event));
            }
            Topics.send(producer, topics.interactions(), "bad", "garbage".getBytes(StandardCharsets.UTF_8));
            Topics.send(producer, topics.requests(), "1", AvroCodec.of(RankingRequest.class).encode(
                    new RankingRequest("r1", "1", List.of("1", "318"), 1, Instant.now())));
        }
        Topics.awaitCommitted(topics.recommendations(), 1);
        Topics.awaitCommitted(topics.deadLetters(), 1);
        String prefix = "flink_taskmanager_job_task_operator_";
        List<String> expected = List.of(prefix + "numRecordsInPerSecond", prefix + "numRecordsOutPerSecond",
                prefix + "deadLetters_NOT_AVRO", prefix + "sequence_accepted", prefix + "scoring_requestsPerSecond",
                prefix + "scoring_batchSize", prefix + "scoring_inferenceMs", prefix + "scoring_eventToOutputMs",
                prefix + "scoring_deviceIsCuda", prefix + "sequence_rocksdb_estimate_live_data_size",
                prefix + "sequence_rocksdb_estimate_num_keys");
        String scrape = scrape();
        // The reporter shows a metric from its registration on; give the last operators time to open.
        for (long deadline = System.nanoTime() + 60_000_000_000L;
                !expected.stream().allMatch(scrape::contains) && System.nanoTime() < deadline; scrape = scrape()) {
            Thread.sleep(1000);
        }
        job.cancel().get();

        assertThat(scrape).contains(expected);
        // Flink's Prometheus reporter turns '-' and '.' in label values into '_'.
        assertThat(scrape).containsPattern(prefix + "scoring_model_architecture_model_version_device_modelInfo\\{"
                + ".*model_version=\"attn_mvp_\\d+_\\d+_\\d+_ml_latest_small_\\d{8}\"");
    }

    private static String scrape() throws Exception {
        return HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
