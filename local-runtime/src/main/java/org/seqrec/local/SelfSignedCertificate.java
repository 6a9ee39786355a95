package org.seqrec.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A TLS identity for a broker on 127.0.0.1: a fresh RSA key and self-signed certificate (subject
 * alternative names IP 127.0.0.1 and localhost, so clients' hostname verification passes) in a PKCS12
 * keystore, and a PKCS12 truststore that trusts that certificate only. Made with the JDK's own
 * {@code keytool}, so no certificate library is needed; the random passwords reach keytool through its
 * environment, not its command line.
 */
record SelfSignedCertificate(Path keystore, String keystorePassword, Path truststore, String truststorePassword) {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Writes {@code broker.p12}, {@code broker.crt} and {@code truststore.p12} into a new directory. */
    static SelfSignedCertificate create(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir, e);
        }
        SelfSignedCertificate tls = new SelfSignedCertificate(dir.resolve("broker.p12"), randomPassword(),
                dir.resolve("truststore.p12"), randomPassword());
        Path certificate = dir.resolve("broker.crt");
        Map<String, String> env = Map.of("KEYSTORE_PASS", tls.keystorePassword, "TRUSTSTORE_PASS", tls.truststorePassword);
        keytool(env, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "7",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-keystore", tls.keystore.toString(), "-storetype", "PKCS12",
                "-storepass:env", "KEYSTORE_PASS", "-keypass:env", "KEYSTORE_PASS");
        keytool(env, "-exportcert", "-rfc", "-alias", "broker", "-file", certificate.toString(),
                "-keystore", tls.keystore.toString(), "-storetype", "PKCS12", "-storepass:env", "KEYSTORE_PASS");
        keytool(env, "-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(),
                "-keystore", tls.truststore.toString(), "-storetype", "PKCS12", "-storepass:env", "TRUSTSTORE_PASS");
        return tls;
    }

    /** Without the passwords, unlike a record's default. */
    @Override
    public String toString() {
        return "SelfSignedCertificate[keystore=" + keystore + ", truststore=" + truststore + "]";
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void keytool(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " did not finish within 60 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed with exit code " + process.exitValue()
                        + ": " + output.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running keytool", e);
        }
    }
}
