package io.chargeflow.subscriber.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command API as the CLI calls it: exit codes and output, and a real SIGTERM stopping {@code radius serve}. */
class SubscriberCommandsTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    private String out() {
        String s = outBytes.toString(StandardCharsets.UTF_8);
        outBytes.reset();
        return s;
    }

    private String err() {
        String s = errBytes.toString(StandardCharsets.UTF_8);
        errBytes.reset();
        return s;
    }

    @Test
    void shouldImportListAndShowWhenCsvIsValid() throws Exception {
        DatabaseOptions db = new DatabaseOptions(dir.resolve("data"), null);
        Path csv = Files.writeString(
                dir.resolve("subs.csv"),
                "imsi,msisdn,account,plan,status,address,valid_from,valid_until\n"
                        + "001010000000001,15550000001,acct-1,gold,active,10.0.0.1,2026-11-01T00:00:00Z,"
                        + "2026-11-02T00:00:00Z\n");
        assertThat(SubscriberCommands.importSubscribers(db, csv, out, err)).isZero();
        assertThat(out()).endsWith("1 subscribers created, 0 updated, 1 plans created, 1 bindings created\n");
        assertThat(SubscriberCommands.listSubscribers(db, out, err)).isZero();
        assertThat(out())
                .startsWith("id,imsi,msisdn,account,plan,status,created\n1,001010000000001,15550000001,"
                        + "acct-1,gold,active,");
        assertThat(SubscriberCommands.showBinding(db, "10.0.0.1", "2026-11-01T12:00:00Z", out, err))
                .isZero();
        assertThat(out())
                .isEqualTo("10.0.0.1 at 2026-11-01T12:00:00Z: subscriber=1 imsi=001010000000001"
                        + " msisdn=15550000001 account=acct-1 valid_from=2026-11-01T00:00:00Z"
                        + " valid_until=2026-11-02T00:00:00Z source=STATIC\n");
        assertThat(SubscriberCommands.showBinding(db, "10.0.0.1", "2026-11-03T00:00:00Z", out, err))
                .isEqualTo(1);
        assertThat(out())
                .isEqualTo("10.0.0.1 had no subscriber at 2026-11-03T00:00:00Z"
                        + " (unbound from 2026-11-02T00:00:00Z until open)\n");
    }

    @Test
    void shouldReportLineAndImportNothingWhenCsvIsMalformed() throws Exception {
        DatabaseOptions db = new DatabaseOptions(dir.resolve("data"), null);
        Path csv = Files.writeString(
                dir.resolve("bad.csv"),
                "imsi,msisdn,account,plan,status,address,valid_from,valid_until\n"
                        + "001010000000001,,,,,,,\n"
                        + "001010000000002,,,,bogus,,,\n");
        assertThat(SubscriberCommands.importSubscribers(db, csv, out, err)).isEqualTo(1);
        assertThat(err())
                .isEqualTo(
                        csv + ": line 3: status=bogus must be active, suspended or closed" + " (nothing imported)\n");
        assertThat(SubscriberCommands.listSubscribers(db, out, err)).isZero();
        assertThat(out()).isEqualTo("id,imsi,msisdn,account,plan,status,created\n");
    }

    @Test
    void shouldExitWithUsageOrUnavailableWhenDatabaseUrlIsBad() {
        assertThat(SubscriberCommands.listSubscribers(new DatabaseOptions(null, "jdbc:mysql://h/db"), out, err))
                .isEqualTo(SubscriberCommands.USAGE);
        assertThat(err()).contains("db=jdbc:mysql://h/db must start with jdbc:postgresql: or jdbc:h2:");
        assertThat(SubscriberCommands.listSubscribers(
                        new DatabaseOptions(null, "jdbc:postgresql://127.0.0.1:1/none?password=secret"), out, err))
                .isEqualTo(SubscriberCommands.UNAVAILABLE);
        String message = err();
        assertThat(message).contains("cannot connect to jdbc:postgresql://127.0.0.1:1/none?password=***");
        assertThat(message).doesNotContain("secret");
        assertThat(SubscriberCommands.showBinding(DatabaseOptions.defaults(), "not-an-ip", null, out, err))
                .isEqualTo(SubscriberCommands.USAGE);
        assertThat(SubscriberCommands.serveRadius(
                        DatabaseOptions.defaults(), "127.0.0.1:1813", java.util.List.of("127.0.0.1"), out, err))
                .isEqualTo(SubscriberCommands.USAGE);
    }

    @Test
    void shouldStopCleanlyAndKeepStoredBindingWhenServerGetsSigterm() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path data = dir.resolve("served");
        Path log = dir.resolve("serve.log");
        Process server = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        ServeRadiusMain.class.getName(),
                        data.toString(),
                        "127.0.0.1:" + port,
                        "127.0.0.1=sigterm-secret")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> Files.readString(log).contains("RADIUS accounting listening on"));
            try (DatagramSocket nas = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                nas.setSoTimeout(5_000);
                byte[] request = start();
                nas.send(new DatagramPacket(request, request.length, InetAddress.getLoopbackAddress(), port));
                DatagramPacket response = new DatagramPacket(new byte[64], 64);
                nas.receive(response);
                assertThat(response.getData()[0]).isEqualTo((byte) 5);
            }
            server.destroy(); // SIGTERM
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            // the JVM halts once the shutdown hook returns, so what main prints after serveRadius may not appear
            assertThat(Files.readString(log)).contains("stopped: 1 requests answered");
        } finally {
            server.destroyForcibly();
        }
        DatabaseOptions db = new DatabaseOptions(data, null);
        assertThat(SubscriberCommands.showBinding(db, "10.9.0.1", "1763800001000", out, err))
                .isZero();
        assertThat(out()).contains("imsi=001010000000099").contains("source=RADIUS nas=127.0.0.1");
    }

    private static byte[] start() throws Exception {
        byte[] imsi = "001010000000099".getBytes(StandardCharsets.US_ASCII);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(200);
        b.put(new byte[20]);
        b.put((byte) 40).put((byte) 6).putInt(1);
        b.put((byte) 8).put((byte) 6).put(new byte[] {10, 9, 0, 1});
        b.put((byte) 55).put((byte) 6).putInt(1_763_800_000);
        b.put((byte) 26)
                .put((byte) (8 + imsi.length))
                .putInt(10415)
                .put((byte) 1)
                .put((byte) (2 + imsi.length))
                .put(imsi);
        byte[] p = new byte[b.position()];
        b.flip().get(p);
        p[0] = 4;
        p[1] = 1;
        p[3] = (byte) p.length;
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        md5.update(p);
        md5.update("sigterm-secret".getBytes(StandardCharsets.US_ASCII));
        System.arraycopy(md5.digest(), 0, p, 4, 16);
        return p;
    }
}
