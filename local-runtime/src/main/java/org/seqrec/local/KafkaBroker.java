package org.seqrec.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker in KRaft mode, run as a child JVM through Kafka's own entry
 * points ({@code kafka.tools.StorageTool format}, then {@code kafka.Kafka}) on 127.0.0.1 with free
 * ports. It needs the {@code kafka_2.13} jar and its dependencies on this JVM's classpath; the child
 * inherits that classpath through the {@code CLASSPATH} environment variable so its command line stays
 * short. Its client listener is plaintext, SASL/PLAIN or TLS; {@link #clientSecurity()} says what a client
 * must set to reach it.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path dir;
    private final String bootstrapServers;
    private final Map<String, String> clientSecurity;
    private final Thread shutdownHook;
    private volatile Process process;

    private KafkaBroker(Path dir, Process process, String bootstrapServers, Map<String, String> clientSecurity) {
        this.dir = dir;
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.clientSecurity = clientSecurity;
        this.shutdownHook = new Thread(() -> this.process.destroyForcibly(), "kafka-broker-reaper");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Formats storage in a fresh temporary directory and starts the broker; returns once it answers
     * an admin request.
     *
     * @throws IllegalStateException if the broker cannot start, with the end of its log
     */
    public static KafkaBroker start() {
        return start(dir -> new ClientListener("PLAINTEXT", Map.of(), Map.of()));
    }

    /** Starts a plaintext broker with further broker settings ({@code server.properties} keys). */
    public static KafkaBroker start(Map<String, String> brokerSettings) {
        return start(dir -> new ClientListener("PLAINTEXT", Map.copyOf(brokerSettings), Map.of()));
    }

    /**
     * Starts a broker whose client listener requires SASL/PLAIN authentication (SASL_PLAINTEXT) and knows
     * one client user; {@link #clientSecurity()} gives the client settings that authenticate as it.
     */
    public static KafkaBroker startWithSaslPlain(String user, String password) {
        return start(dir -> saslPlain(user, password));
    }

    /**
     * Starts a broker whose client listener speaks TLS only (SSL), with a self-signed certificate for
     * 127.0.0.1 made for it; {@link #clientSecurity()} gives the settings of a client that trusts it.
     */
    public static KafkaBroker startWithTls() {
        return start(KafkaBroker::tls);
    }

    /**
     * The client listener: its security protocol, the broker settings it needs and the settings clients need.
     * Built once the broker's directory exists, where it may keep files (key stores).
     */
    private record ClientListener(String protocol, Map<String, String> brokerSettings,
            Map<String, String> clientSecurity) {}

    private static ClientListener saslPlain(String user, String password) {
        String broker = "seqrec-broker";
        return new ClientListener("SASL_PLAINTEXT", Map.of(
                "sasl.enabled.mechanisms", "PLAIN",
                "sasl.mechanism.inter.broker.protocol", "PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config", plainLogin(broker, broker,
                        " user_" + broker + "=\"" + broker + "\" user_" + user + "=\"" + password + "\"")),
                Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                        "sasl.jaas.config", plainLogin(user, password, "")));
    }

    private static ClientListener tls(Path dir) {
        SelfSignedCertificate certificate = SelfSignedCertificate.create(dir.resolve("tls"));
        Map<String, String> trust = Map.of(
                "ssl.truststore.location", certificate.truststore().toString(),
                "ssl.truststore.password", certificate.truststorePassword(),
                "ssl.truststore.type", "PKCS12");
        // The broker also connects to its own listener (inter-broker traffic), so it needs the truststore too.
        Map<String, String> broker = new HashMap<>(trust);
        broker.putAll(Map.of(
                "ssl.keystore.location", certificate.keystore().toString(),
                "ssl.keystore.password", certificate.keystorePassword(),
                "ssl.key.password", certificate.keystorePassword(),
                "ssl.keystore.type", "PKCS12"));
        Map<String, String> client = new HashMap<>(trust);
        client.put("security.protocol", "SSL");
        return new ClientListener("SSL", broker, Map.copyOf(client));
    }

    private static KafkaBroker start(Function<Path, ClientListener> listenerIn) {
        Path dir;
        try {
            dir = Files.createTempDirectory("seqrec-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a directory for the Kafka broker", e);
        }
        int brokerPort = freePort();
        int controllerPort = freePort();
        Path config = dir.resolve("server.properties");
        Path log = dir.resolve("broker.log");
        ClientListener listener = listenerIn.apply(dir);
        writeConfig(config, dir.resolve("data"), brokerPort, controllerPort, listener);

        run(List.of("kafka.tools.StorageTool", "format", "--cluster-id", Uuid.randomUuid().toString(),
                "--config", config.toString(), "--ignore-formatted"), dir.resolve("format.log"), Duration.ofSeconds(60));

        Process process = launch(List.of("kafka.Kafka", config.toString()), log);
        String bootstrap = "127.0.0.1:" + brokerPort;
        KafkaBroker broker = new KafkaBroker(dir, process, bootstrap, listener.clientSecurity());
        try {
            broker.awaitReady(log);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        LOG.info("Kafka broker ready at {} (data in {})", bootstrap, dir);
        return broker;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Creates the topics (idempotently) with the given partition count. */
    public void createTopics(int partitions, String... topics) {
        try (Admin admin = admin()) {
            List<NewTopic> newTopics = new ArrayList<>();
            for (String topic : topics) {
                newTopics.add(new NewTopic(topic, partitions, (short) 1));
            }
            admin.createTopics(newTopics).values().forEach((topic, future) -> {
                try {
                    future.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic " + topic, e.getCause());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("Cannot create topic " + topic, e);
                }
            });
            awaitLeaders(admin, List.of(topics));
        }
    }

    /**
     * Waits until every partition of the topics has a leader that serves requests. A producer that writes to
     * a partition the broker has created but does not lead yet gets NOT_LEADER_OR_FOLLOWER, and its
     * idempotent retries can then fail with OUT_OF_ORDER_SEQUENCE_NUMBER until the batch expires: records
     * lost before a test begins.
     */
    private static void awaitLeaders(Admin admin, List<String> topics) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                Map<String, TopicDescription> descriptions = admin.describeTopics(topics).allTopicNames()
                        .get(30, TimeUnit.SECONDS);
                if (descriptions.values().stream().flatMap(d -> d.partitions().stream())
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    // The metadata names a leader before the broker acts as one; only a leader answers
                    // ListOffsets, and the admin client retries until it does.
                    Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
                    descriptions.forEach((topic, d) -> d.partitions().forEach(
                            p -> partitions.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
                    admin.listOffsets(partitions).all().get(30, TimeUnit.SECONDS);
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("Cannot describe topics " + topics, e.getCause());
                }
            } catch (Exception e) {
                throw new IllegalStateException("Cannot describe topics " + topics, e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Partitions of " + topics + " have no leader after 30 s");
            }
            sleep(50);
        }
    }

    /** Client settings a Kafka client needs besides the bootstrap servers (empty for a plaintext listener). */
    public Map<String, String> clientSecurity() {
        return clientSecurity;
    }

    public Admin admin() {
        Map<String, Object> config = new HashMap<>(clientSecurity);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(config);
    }

    /**
     * Stops the broker process but keeps its data and ports, as an outage would; {@link #restart()} brings
     * the same broker back.
     */
    public synchronized void stop() {
        stopProcess();
    }

    /** Starts the broker again on its data and ports after {@link #stop()}; returns once it answers. */
    public synchronized void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("The broker at " + bootstrapServers + " is running");
        }
        Path log = dir.resolve("broker.log");
        process = launch(List.of("kafka.Kafka", dir.resolve("server.properties").toString()), log);
        awaitReady(log);
        LOG.info("Kafka broker at {} restarted", bootstrapServers);
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 30 s) and deletes its data. */
    @Override
    public synchronized void close() {
        stopProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or ran; nothing left to remove.
        }
        deleteRecursively(dir);
    }

    private void stopProcess() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                LOG.warn("Kafka broker did not stop within 30 s; killing it");
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void awaitReady(Path log) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka broker exited with code " + process.exitValue()
                        + " during start-up. End of its log (" + log + "):\n" + tail(log));
            }
            try (Admin admin = admin()) {
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = e;
                sleep(200);
            }
        }
        throw new IllegalStateException("Kafka broker did not answer within " + START_TIMEOUT.toSeconds()
                + " s (last error: " + last + "). End of its log (" + log + "):\n" + tail(log));
    }

    private static void writeConfig(Path config, Path data, int brokerPort, int controllerPort,
            ClientListener listener) {
        String clientProtocol = listener.protocol();
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", clientProtocol + "://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", clientProtocol + "://127.0.0.1:" + brokerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", clientProtocol);
        p.setProperty("listener.security.protocol.map", clientProtocol + ":" + clientProtocol + ",CONTROLLER:PLAINTEXT");
        p.putAll(listener.brokerSettings());
        p.setProperty("log.dirs", data.toString());
        // One node: internal topics cannot be replicated.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "4");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("num.partitions", "2");
        // Replayed history carries its original event times as record timestamps (MovieLens: 1996-2018);
        // time-based retention would delete it within a minute of writing.
        p.setProperty("log.retention.ms", "-1");
        try (var out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            p.store(out, "seqrec local single-node KRaft broker");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + config, e);
        }
    }

    private static String plainLogin(String user, String password, String extra) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                + "\" password=\"" + password + "\"" + extra + ";";
    }

    private static Process launch(List<String> mainAndArgs, Path log) {
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xms128m", "-Xmx512m",
                "-XX:+UseG1GC", "-Djava.awt.headless=true"));
        command.addAll(mainAndArgs);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        try {
            return builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start a JVM for " + mainAndArgs.get(0), e);
        }
    }

    private static void run(List<String> mainAndArgs, Path log, Duration timeout) {
        Process process = launch(mainAndArgs, log);
        try {
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(mainAndArgs.get(0) + " did not finish in " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + mainAndArgs.get(0), e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(mainAndArgs.get(0) + " failed with exit code " + process.exitValue()
                    + " (is kafka_2.13 on the classpath?):\n" + tail(log));
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on 127.0.0.1", e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Kafka broker", e);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", root, e.getMessage());
        }
    }
}
