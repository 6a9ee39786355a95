package org.seqrec.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (Debian's {@code prometheus} binary) scraping one target every second and
 * evaluating the given rule files every second, queried through its HTTP API. Its log and data stay in
 * the directory given.
 */
public final class PrometheusServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final URI api;
    private final Path log;

    private PrometheusServer(Process process, URI api, Path log) {
        this.process = process;
        this.api = api;
        this.log = log;
    }

    /**
     * Starts Prometheus with a scrape job named {@code scrapeJob} on {@code target} (host:port, path
     * /metrics) and the rule files, and waits until it is ready.
     */
    public static PrometheusServer start(Path dir, String scrapeJob, String target, List<Path> ruleFiles)
            throws IOException, InterruptedException {
        Path binary = Path.of("/usr/bin/prometheus");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("Prometheus is not installed: apt-get install prometheus (Debian);"
                    + " scripts/test.sh installs it");
        }
        StringBuilder config = new StringBuilder("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n");
        config.append("rule_files:\n");
        for (Path rules : ruleFiles) {
            config.append("  - ").append(JSON.writeValueAsString(rules.toAbsolutePath().toString())).append('\n');
        }
        config.append("scrape_configs:\n  - job_name: ").append(scrapeJob)
                .append("\n    static_configs:\n      - targets: [").append(JSON.writeValueAsString(target))
                .append("]\n");
        Path configFile = Files.writeString(dir.resolve("prometheus.yml"), config.toString());
        int port = freePort();
        Path log = dir.resolve("prometheus.log");
        Process process = new ProcessBuilder(binary.toString(), "--config.file=" + configFile,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusServer server = new PrometheusServer(process, URI.create("http://127.0.0.1:" + port), log);
        server.awaitReady();
        return server;
    }

    /** An instant query's result vector (empty when nothing matched). */
    public List<JsonNode> query(String promql) throws IOException, InterruptedException {
        JsonNode result = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
                .path("data").path("result");
        List<JsonNode> samples = new ArrayList<>();
        result.forEach(samples::add);
        return samples;
    }

    /** Every loaded rule as the rules API reports it (name, query, labels, health, lastError, ...). */
    public List<JsonNode> rules() throws IOException, InterruptedException {
        List<JsonNode> rules = new ArrayList<>();
        get("/api/v1/rules").path("data").path("groups").forEach(group -> group.path("rules").forEach(rules::add));
        return rules;
    }

    /** The scrape targets' health as Prometheus sees it ("up", "down", "unknown"). */
    public List<String> targetHealth() throws IOException, InterruptedException {
        List<String> health = new ArrayList<>();
        get("/api/v1/targets").path("data").path("activeTargets").forEach(t -> health.add(t.path("health").asText()));
        return health;
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(api.resolve(path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new IOException("Prometheus " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return body;
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Prometheus exited with " + process.exitValue() + ":\n"
                        + Files.readString(log));
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(api.resolve("/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // Prometheus opens its port after loading the configuration and the rules.
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("Prometheus not ready after 30 s:\n" + Files.readString(log));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
