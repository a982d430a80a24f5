package io.chargeflow.diameter.tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A self-signed server certificate for "localhost" and a trust store holding it, made with the JDK's keytool. */
public final class TestCertificates {
    public static final char[] PASSWORD = "changeit".toCharArray();
    public final Path keyStore;
    public final Path trustStore;

    private TestCertificates(Path keyStore, Path trustStore) {
        this.keyStore = keyStore;
        this.trustStore = trustStore;
    }

    public static TestCertificates create(Path dir) throws IOException, InterruptedException {
        Path key = dir.resolve("server.p12");
        Path cert = dir.resolve("server.crt");
        Path trust = dir.resolve("trust.p12");
        keytool(
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-keystore",
                key.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit",
                "-keypass",
                "changeit");
        keytool(
                "-exportcert",
                "-alias",
                "server",
                "-keystore",
                key.toString(),
                "-storepass",
                "changeit",
                "-file",
                cert.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "server",
                "-file",
                cert.toString(),
                "-keystore",
                trust.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit");
        return new TestCertificates(key, trust);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0
                || !Files.exists(Path.of(
                        args[args.length - 1].equals("changeit")
                                ? args[java.util.Arrays.asList(args).indexOf("-keystore") + 1]
                                : args[java.util.Arrays.asList(args).indexOf("-file") + 1]))) {
            throw new IOException("keytool failed: " + output);
        }
    }
}
