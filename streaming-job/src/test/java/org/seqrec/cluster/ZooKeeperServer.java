package org.seqrec.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real standalone ZooKeeper server from Debian's {@code zookeeper} package, in a child JVM on a free port,
 * for Flink's ZooKeeper high availability. Its data and log stay in the given directory.
 */
final class ZooKeeperServer implements AutoCloseable {

    static final Path JAR = Path.of("/usr/share/java/zookeeper.jar");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final int port;

    private ZooKeeperServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static ZooKeeperServer start(Path dir) throws Exception {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: install Debian's zookeeper package"
                    + " (apt-get install zookeeper; scripts/test.sh does it)");
        }
        int port = StandaloneFlinkCluster.freePort();
        Path data = Files.createDirectories(dir.resolve("zookeeper"));
        Path log = dir.resolve("zookeeper.log");
        // The jar's manifest names its dependencies in /usr/share/java; the admin server would take port 8080.
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-Dzookeeper.admin.enableServer=false", "-cp", JAR.toString(),
                "org.apache.zookeeper.server.ZooKeeperServerMain", String.valueOf(port), data.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ZooKeeperServer server = new ZooKeeperServer(process, port);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!server.serving()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                server.close();
                throw new IllegalStateException("ZooKeeper did not start within " + START_TIMEOUT.toSeconds()
                        + " s; its log: " + log);
            }
            Thread.sleep(200);
        }
        return server;
    }

    /** The connect string for clients, e.g. Flink's {@code high-availability.zookeeper.quorum}. */
    String quorum() {
        return "127.0.0.1:" + port;
    }

    /** Asks the server for its status with the {@code srvr} command, the one four-letter word allowed by default. */
    private boolean serving() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write("srvr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).contains("Mode: standalone");
        } catch (IOException notYet) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
