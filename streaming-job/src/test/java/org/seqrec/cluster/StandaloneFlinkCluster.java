package org.seqrec.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A real standalone Flink cluster of separate JVMs, started the way Flink's own scripts start it but from
 * Maven-resolved jars: a JobManager ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers
 * ({@code TaskManagerRunner}, with memory flags computed by {@code BashJavaUtils}). The classpath given is
 * the cluster's {@code lib/}; jobs are submitted as jars with Flink's {@code CliFrontend}. The JobManager
 * can be killed and a new one started, for tests of high availability.
 */
final class StandaloneFlinkCluster implements AutoCloseable {

    private static final List<String> JAVA_17_OPENS = List.of("--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED");

    private final Path dir;
    private final String libClasspath;
    private final int restPort;
    private final int taskManagers;
    private final List<Process> processes = new ArrayList<>();
    private Process jobManager;
    private int jobManagersStarted;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    StandaloneFlinkCluster(Path dir, String libClasspath, int taskManagers) throws Exception {
        this(dir, libClasspath, taskManagers, Map.of());
    }

    /** A cluster whose {@code config.yaml} also holds the given settings (high availability, for example). */
    StandaloneFlinkCluster(Path dir, String libClasspath, int taskManagers, Map<String, String> settings)
            throws Exception {
        this.dir = dir;
        this.libClasspath = libClasspath;
        this.restPort = freePort();
        this.taskManagers = taskManagers;
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("config.yaml"), String.join("\n",
                "jobmanager.rpc.address: 127.0.0.1",
                "jobmanager.rpc.port: " + freePort(),
                "jobmanager.bind-host: 127.0.0.1",
                "taskmanager.bind-host: 127.0.0.1",
                "taskmanager.host: 127.0.0.1",
                "rest.address: 127.0.0.1",
                "rest.bind-address: 127.0.0.1",
                "rest.port: " + restPort,
                "jobmanager.memory.process.size: 768m",
                "taskmanager.memory.process.size: 1280m",
                "taskmanager.memory.managed.size: 128m",
                "taskmanager.numberOfTaskSlots: 1",
                "parallelism.default: 2",
                "state.backend.type: rocksdb",
                "restart-strategy.type: fixed-delay",
                "restart-strategy.fixed-delay.attempts: 10",
                "restart-strategy.fixed-delay.delay: 1 s",
                "io.tmp.dirs: " + Files.createDirectories(dir.resolve("tmp")),
                "") + "\n");
        Files.writeString(conf.resolve("config.yaml"), settings.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue() + "\n").collect(Collectors.joining()),
                StandardOpenOption.APPEND);
        startJobManagerProcess();
        List<String> tmResources = taskManagerResourceParams(conf);
        for (int i = 0; i < taskManagers; i++) {
            List<String> args = new ArrayList<>(List.of("--configDir", conf.toString()));
            args.addAll(List.of(tmResources.get(1).trim().split(" ")));
            processes.add(launch("taskmanager-" + i, List.of(tmResources.get(0).trim().split(" ")),
                    "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", args));
        }
        awaitTaskManagers(taskManagers);
    }

    /** Kills the JobManager's JVM (SIGKILL), as a machine failure would. */
    void killJobManager() throws InterruptedException {
        jobManager.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        processes.remove(jobManager);
    }

    /** Starts a new JobManager on the same configuration; returns once every TaskManager has registered with it. */
    void startJobManager() throws Exception {
        startJobManagerProcess();
        awaitTaskManagers(taskManagers);
    }

    private void startJobManagerProcess() throws IOException {
        jobManagersStarted++;
        jobManager = launch("jobmanager-" + jobManagersStarted, List.of(),
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                List.of("--configDir", dir.resolve("conf").toString()));
        processes.add(jobManager);
    }

    /** Submits a job jar detached, with Flink's {@code -Dkey=value} options; returns the job id. */
    String submit(Path jar, String savepoint, List<String> flinkOptions, List<String> jobArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "-d", "-m", "127.0.0.1:" + restPort));
        if (savepoint != null) {
            args.addAll(List.of("-s", savepoint));
        }
        args.addAll(flinkOptions);
        args.add(jar.toString());
        args.addAll(jobArgs);
        String out = cli(args);
        Matcher id = Pattern.compile("JobID ([0-9a-f]{32})").matcher(out);
        if (!id.find()) {
            throw new IllegalStateException("No job id in the CLI output:\n" + out);
        }
        return id.group(1);
    }

    /** Runs a bounded program from a jar and waits for it, as {@code flink run -c} does; returns what it printed. */
    String runToCompletion(Path jar, String mainClass, List<String> programArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "-m", "127.0.0.1:" + restPort, "-c", mainClass,
                jar.toString()));
        args.addAll(programArgs);
        return cli(args);
    }

    /** Stops the job with a savepoint; returns the savepoint's path. */
    String stopWithSavepoint(String jobId, Path savepoints) throws Exception {
        String out = cli(List.of("stop", "-m", "127.0.0.1:" + restPort, "-p", savepoints.toUri().toString(), jobId));
        Matcher path = Pattern.compile("Savepoint completed\\. Path: (\\S+)").matcher(out);
        if (!path.find()) {
            throw new IllegalStateException("No savepoint path in the CLI output:\n" + out);
        }
        return path.group(1);
    }

    String jobState(String jobId) throws Exception {
        return rest("/jobs/" + jobId).path("state").asText();
    }

    void awaitJobState(String jobId, String state) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!state.equals(jobState(jobId))) {
            checkAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Job " + jobId + " is " + jobState(jobId) + ", not " + state
                        + "; logs in " + dir);
            }
            Thread.sleep(500);
        }
    }

    /** The id of the job's latest completed checkpoint, if any. */
    Optional<Long> latestCheckpoint(String jobId) throws Exception {
        return checkpointId(rest("/jobs/" + jobId + "/checkpoints").path("latest").path("completed"));
    }

    /** The id of the checkpoint the job last restored, if it restored one ({@code /jobs/<id>/checkpoints}). */
    Optional<Long> restoredCheckpoint(String jobId) throws Exception {
        return checkpointId(rest("/jobs/" + jobId + "/checkpoints").path("latest").path("restored"));
    }

    private static Optional<Long> checkpointId(JsonNode checkpoint) {
        return checkpoint.isMissingNode() || checkpoint.isNull() ? Optional.empty()
                : Optional.of(checkpoint.path("id").asLong());
    }

    void cancel(String jobId) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + "/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The cluster's processes must all be alive: a dead JVM (ONNX Runtime crashes leave no log) fails the test. */
    void checkAlive() {
        for (Process process : processes) {
            if (!process.isAlive()) {
                throw new IllegalStateException("A cluster process exited with code " + process.exitValue()
                        + "; logs in " + dir);
            }
        }
    }

    private String cli(List<String> args) throws Exception {
        Path log = dir.resolve("cli-" + System.nanoTime() + ".log");
        Process process = launch(null, List.of(), "org.apache.flink.client.cli.CliFrontend", args, log);
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("Flink CLI " + args.get(0) + " timed out; output in " + log);
        }
        String out = Files.readString(log);
        if (process.exitValue() != 0) {
            throw new IllegalStateException("Flink CLI " + args + " failed (" + process.exitValue() + "):\n" + out);
        }
        return out;
    }

    private List<String> taskManagerResourceParams(Path conf) throws Exception {
        Path log = dir.resolve("bash-java-utils.log");
        Process process = launch(null, List.of(), "org.apache.flink.runtime.util.bash.BashJavaUtils",
                List.of("GET_TM_RESOURCE_PARAMS", "--configDir", conf.toString()), log);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("BashJavaUtils failed:\n" + Files.readString(log));
        }
        List<String> results = Files.readAllLines(log).stream()
                .filter(line -> line.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
                .map(line -> line.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length())).toList();
        if (results.size() < 2) {
            throw new IllegalStateException("Unexpected BashJavaUtils output:\n" + Files.readString(log));
        }
        return results.subList(results.size() - 2, results.size());
    }

    private Process launch(String name, List<String> jvmFlags, String mainClass, List<String> args) throws IOException {
        return launch(name, jvmFlags, mainClass, args, dir.resolve(name + ".log"));
    }

    private Process launch(String name, List<String> jvmFlags, String mainClass, List<String> args, Path log)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(JAVA_17_OPENS);
        command.addAll(jvmFlags);
        command.add("-Dlog.file=" + log);
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // The classpath travels in the environment: ONNX Runtime crashes JVMs with a command line over ~4 KB.
        Map<String, String> env = builder.environment();
        env.put("CLASSPATH", libClasspath);
        env.put("FLINK_CONF_DIR", dir.resolve("conf").toString());
        return builder.start();
    }

    private void awaitTaskManagers(int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            checkAlive();
            try {
                if (rest("/taskmanagers").path("taskmanagers").size() >= count) {
                    return;
                }
            } catch (IOException notYet) {
                // The REST endpoint is not up yet.
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("TaskManagers did not register within 90 s; logs in " + dir);
            }
            Thread.sleep(500);
        }
    }

    private JsonNode rest(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return json.readTree(response.body());
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
