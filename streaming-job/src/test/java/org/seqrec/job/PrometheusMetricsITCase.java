package org.seqrec.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.seqrec.avro.ErrorKind;
import org.seqrec.avro.InteractionEvent;
import org.seqrec.avro.RankingRequest;
import org.seqrec.local.MovieLens;
import org.seqrec.schemas.AvroCodec;
import org.seqrec.testing.JobTopics;
import org.seqrec.testing.PrometheusServer;
import org.seqrec.testing.Topics;

/**
 * The job's metrics reach Flink's Prometheus reporter, and a real Prometheus scraping it finds every
 * metric that the alert rules ({@code deploy/prometheus/alerts.yml}) and the Grafana dashboard
 * ({@code deploy/grafana/dashboards/seqrec.json}) query.
 */
class PrometheusMetricsITCase {

    private static final int PORT = freePort();
    private static final Path DEPLOY = Path.of("..", "deploy");
    /** A metric selector with its label matchers: what the rules and the dashboard must find in the scrape. */
    private static final Pattern SELECTOR = Pattern.compile("\\b(flink_\\w+|up(?=\\{))(\\{[^}]*\\})?");

    private static final String NOT_AVRO_RATE =
            "seqrec:dead_letters:rate5m{kind=\"NOT_AVRO\",job_name=\"prometheus_itcase\"} > 0";

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(prometheus()).setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static JobTopics topics;
    private static JobClient job;

    private static Configuration prometheus() {
        Configuration config = new Configuration();
        config.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        config.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(256));
        config.setString("metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        config.setString("metrics.reporter.prom.port", String.valueOf(PORT));
        return config;
    }

    /** One job for both tests: interactions, a malformed record and a rank request, all processed. */
    @BeforeAll
    static void runJob(@InjectMiniCluster MiniCluster cluster) throws Exception {
        topics = JobTopics.create();
        Map<String, String> settings = topics.settings();
        settings.putAll(Map.of("scoring.model-path", Path.of("..", "model-export", "models", "attn_mvp.onnx").toString(),
                "scoring.device", "cpu", "checkpoint.interval", "1s"));
        StreamExecutionEnvironment env = new TestStreamEnvironment(cluster, 2);
        SequenceJob.fromConfig(JobConfig.fromMap(settings)).build(env);
        job = env.executeAsync("prometheus-itcase");

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
    }

    @AfterAll
    static void cancelJob() throws Exception {
        job.cancel().get();
    }

    @Test
    void shouldExportThroughputDeadLettersStateScoringDeviceAndModelVersion() throws Exception {
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

        assertThat(scrape).contains(expected);
        // Flink's Prometheus reporter turns '-' and '.' in label values into '_'.
        assertThat(scrape).containsPattern(prefix + "scoring_model_architecture_model_version_device_modelInfo\\{"
                + ".*model_version=\"attn_mvp_\\d+_\\d+_\\d+_ml_latest_small_\\d{8}\"");
    }

    @Test
    void shouldFindEveryMetricOfTheAlertRulesAndTheDashboardInARealPrometheus(@TempDir Path dir) throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DEPLOY.resolve("grafana/dashboards/seqrec.json").toFile());
        Map<String, String> variables = new LinkedHashMap<>();
        dashboard.path("templating").path("list").forEach(v -> variables.put(v.path("name").asText(),
                v.path("allValue").asText()));
        Map<String, String> panelQueries = new LinkedHashMap<>();
        Set<String> selectors = new TreeSet<>();
        dashboard.path("panels").forEach(panel -> panel.path("targets").forEach(target -> {
            String query = asPrometheusWouldRunIt(target.path("expr").asText(), variables);
            panelQueries.put(panel.path("title").asText() + " [" + target.path("refId").asText() + "]", query);
            selectors.addAll(selectors(query));
        }));
        dashboard.path("templating").path("list").forEach(v -> selectors.addAll(selectors(v.path("definition").asText())));

        try (PrometheusServer prometheus = PrometheusServer.start(dir, "flink-jobmanager", "127.0.0.1:" + PORT,
                List.of(DEPLOY.resolve("prometheus/alerts.yml")))) {
            // A malformed record while Prometheus watches (after its first scrapes): the dead-letter rate by
            // kind must rise above zero.
            for (long deadline = System.nanoTime() + 60_000_000_000L;
                    prometheus.query("count_over_time(up[1m]) > 2").isEmpty(); Thread.sleep(500)) {
                assertThat(System.nanoTime()).as("Prometheus scraped the job within 60 s").isLessThan(deadline);
            }
            try (KafkaProducer<byte[], byte[]> producer = Topics.producer()) {
                Topics.send(producer, topics.interactions(), "bad", "more garbage".getBytes(StandardCharsets.UTF_8));
            }
            List<JsonNode> rules = prometheus.rules();
            rules.forEach(rule -> selectors.addAll(selectors(rule.path("query").asText())));
            List<String> missing = List.of();
            List<String> emptyPanels = List.of();
            List<String> unhealthyRules = List.of();
            for (long deadline = System.nanoTime() + 120_000_000_000L; System.nanoTime() < deadline; Thread.sleep(2000)) {
                missing = new ArrayList<>();
                for (String selector : selectors) {
                    if (prometheus.query("count(" + selector + ")").isEmpty()) {
                        missing.add(selector);
                    }
                }
                emptyPanels = new ArrayList<>();
                for (Map.Entry<String, String> panel : panelQueries.entrySet()) {
                    if (prometheus.query(panel.getValue()).isEmpty()) {
                        emptyPanels.add(panel.getKey() + ": " + panel.getValue());
                    }
                }
                unhealthyRules = new ArrayList<>();
                for (JsonNode rule : prometheus.rules()) {
                    if (!"ok".equals(rule.path("health").asText())) {
                        unhealthyRules.add(rule.path("name").asText() + " (" + rule.path("health").asText() + ") "
                                + rule.path("lastError").asText());
                    }
                }
                boolean deadLetterSeen = !prometheus.query(NOT_AVRO_RATE).isEmpty();
                if (missing.isEmpty() && emptyPanels.isEmpty() && unhealthyRules.isEmpty() && deadLetterSeen) {
                    break;
                }
            }

            assertThat(prometheus.targetHealth()).containsOnly("up");
            assertThat(rules).hasSizeGreaterThan(10);
            assertThat(unhealthyRules).as("rules Prometheus could not evaluate").isEmpty();
            assertThat(missing).as("selectors of the rules and the dashboard with no series in the scrape").isEmpty();
            assertThat(emptyPanels).as("dashboard queries without data").isEmpty();
            // The recording rule names each ErrorKind; the malformed record is counted under its kind.
            Set<String> kinds = new TreeSet<>();
            prometheus.query("seqrec:dead_letters:rate5m").forEach(s -> kinds.add(s.path("metric").path("kind").asText()));
            Set<String> schemaKinds = new TreeSet<>();
            for (ErrorKind kind : ErrorKind.values()) {
                schemaKinds.add(kind.name());
            }
            assertThat(kinds).isEqualTo(schemaKinds);
            assertThat(prometheus.query(NOT_AVRO_RATE)).hasSize(1);
            assertThat(prometheus.query("count by (job_name) (flink_jobmanager_job_uptime)"))
                    .extracting(s -> s.path("metric").path("job_name").asText()).containsExactly("prometheus_itcase");
        }
    }

    /** Grafana's interval macro as a fixed window, each variable as its "All" value. */
    private static String asPrometheusWouldRunIt(String expr, Map<String, String> variables) {
        String query = expr.replace("$__rate_interval", "1m");
        for (Map.Entry<String, String> variable : variables.entrySet()) {
            query = query.replace("$" + variable.getKey(), variable.getValue());
        }
        return query;
    }

    private static Set<String> selectors(String query) {
        Set<String> found = new LinkedHashSet<>();
        Matcher m = SELECTOR.matcher(query);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
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
