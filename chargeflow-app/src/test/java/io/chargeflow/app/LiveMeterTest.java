package io.chargeflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code meter --interface lo}: datagrams between two sockets on 127.0.0.2 while the meter captures are charged to
 * 127.0.0.2 to the byte, and the run's CDRs are journalled when the duration ends. Needs root or CAP_NET_RAW (CI runs
 * as root); skipped, saying why, without it.
 */
@Timeout(60)
class LiveMeterTest {
    private static void assumeCaptureOnLoopback() {
        try (io.chargeflow.packet.LiveSource probe = io.chargeflow.packet.LiveSource.open("lo", 65_535, false, 0)) {
            probe.stop();
        } catch (java.io.IOException e) {
            Assumptions.abort("live capture is not possible here: " + e.getMessage());
        }
    }

    /** What a meter run exited with and printed on standard error. */
    private record Meter(int code, String err) {}

    /** Runs the command line ({@code "meter", ...}) in process, standard error captured. */
    private static Meter meter(String... args) {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.err;
        try {
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Meter(code, err.toString(java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    /**
     * After {@code delayMs} (the capture opens within it), {@code count} datagrams between two sockets bound to
     * {@code address} (to a bound socket: no ICMP), the i-th of {@code size + i * step} bytes of payload.
     */
    private static Thread sendLater(InetAddress address, long delayMs, int count, int size, int step) {
        return Thread.ofPlatform().start(() -> {
            try (DatagramSocket from = new DatagramSocket(new InetSocketAddress(address, 0));
                    DatagramSocket to = new DatagramSocket(new InetSocketAddress(address, 0))) {
                Thread.sleep(delayMs);
                for (int i = 0; i < count; i++) {
                    int length = size + i * step;
                    from.send(new DatagramPacket(new byte[length], length, address, to.getLocalPort()));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** IP bytes of what {@link #sendLater} sends: {@code count} UDP/IPv4 datagrams of {@code size + i * step}. */
    private static long ipBytes(int count, int size, int step) {
        long bytes = 0;
        for (int i = 0; i < count; i++) {
            bytes += 20 + 8 + size + i * step;
        }
        return bytes;
    }

    /** The usage CSV's row of {@code subscriber}. */
    private static String usageRow(Path usage, String subscriber) throws java.io.IOException {
        List<String> rows = Files.readAllLines(usage);
        return rows.stream()
                .filter(r -> r.startsWith(subscriber + ","))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + subscriber + " in " + rows));
    }

    @Test
    void shouldChargeWhatWasSentOnLoopbackWhileCapturing(@TempDir Path dir) throws Exception {
        assumeCaptureOnLoopback();
        InetAddress address = InetAddress.getByName("127.0.0.2");
        int sent = 50;
        long ipBytes = ipBytes(sent, 200, 1);
        Thread sender = sendLater(address, 1500, sent, 200, 1);
        Path usage = dir.resolve("usage.csv");
        Path journal = dir.resolve("journal");
        int code = Main.execute(
                "meter",
                "--quiet",
                "--interface",
                "lo",
                "--duration",
                "3s",
                "--side-rule",
                "ifname:lo=subscriber",
                "--journal",
                journal.toString(),
                "--out",
                usage.toString());
        sender.join();
        assertThat(code).isZero();
        assertThat(usageRow(usage, "127.0.0.2")).isEqualTo("127.0.0.2," + sent + "," + ipBytes + ",0,0");
        assertThat(Main.execute("cdr", "verify", journal.toString())).isZero();
    }

    @Test
    void shouldChargeEachInterfaceByItsSideWhenSeveralAreCaptured(@TempDir Path dir) throws Exception {
        assumeCaptureOnLoopback();
        // a tap's two ports, played by "lo" (subscriber side: the source address is charged, uplink) and "any" (network
        // side: the destination is charged, downlink), which both see every loopback datagram once: 127.0.0.4 talking
        // to itself is charged each datagram once as uplink and once as downlink, to the byte
        InetAddress address = InetAddress.getByName("127.0.0.4");
        int sent = 30;
        long ipBytes = ipBytes(sent, 100, 2);
        Thread sender = sendLater(address, 1500, sent, 100, 2);
        Path usage = dir.resolve("usage.csv");
        Path summary = dir.resolve("summary.json");
        Meter run = meter(
                "meter",
                "--interface",
                "lo",
                "--interface",
                "any",
                "--duration",
                "3s",
                "--side-rule",
                "ifname:lo=subscriber",
                "--side-rule",
                "ifname:any=network",
                "--status-every",
                "1s",
                "--journal",
                dir.resolve("journal").toString(),
                "--summary-json",
                summary.toString(),
                "--out",
                usage.toString());
        int code = run.code();
        sender.join();
        assertThat(code).isZero();
        assertThat(usageRow(usage, "127.0.0.4"))
                .isEqualTo("127.0.0.4," + sent + "," + ipBytes + "," + sent + "," + ipBytes);
        // the JSON summary lists the interfaces in order, with their frames (every datagram at least) and drops
        tools.jackson.databind.JsonNode live = new tools.jackson.databind.ObjectMapper()
                .readTree(summary.toFile())
                .get("live");
        assertThat(live.size()).isEqualTo(2);
        assertThat(live.get(0).get("interface").asString()).isEqualTo("lo");
        assertThat(live.get(1).get("interface").asString()).isEqualTo("any");
        for (tools.jackson.databind.JsonNode entry : live) {
            assertThat(entry.get("frames").asLong()).isGreaterThanOrEqualTo(sent);
            assertThat(entry.get("kernel_drops").asLong()).isZero();
            assertThat(entry.get("interface_drops").asLong()).isZero();
        }
        String printed = run.err();
        assertThat(printed)
                .containsPattern("live: +[0-9,]+ frames from lo; dropped by the kernel 0, by the interface 0")
                .containsPattern("live: +[0-9,]+ frames from any; dropped by the kernel 0, by the interface 0");
        // a status line a second while it ran; the second comes two seconds after the engine started, and the
        // datagrams were sent at most 1.5 s after it (the sender's wait began before the meter did): it counts them
        // all, lo's and any's frames, and the session of 127.0.0.4 open
        assertThat(printed)
                .containsPattern(
                        "live status: +0:00:01, [0-9,]+ frames \\([0-9,]+/s\\), kernel drops 0; sessions [0-9,]+"
                                + " open, [0-9,]+ closed; [0-9,]+ CDRs durable");
        java.util.regex.Matcher second = java.util.regex.Pattern.compile(
                        "live status: +0:00:02, ([0-9,]+) frames .*sessions ([0-9,]+) open")
                .matcher(printed);
        assertThat(second.find()).as(printed).isTrue();
        assertThat(Long.parseLong(second.group(1).replace(",", ""))).isGreaterThanOrEqualTo(2L * sent);
        assertThat(Long.parseLong(second.group(2).replace(",", ""))).isGreaterThanOrEqualTo(1);
    }

    @Test
    void shouldTellTheInterfaceOfEachFrameOfAnyByItsName(@TempDir Path dir) throws Exception {
        assumeCaptureOnLoopback();
        // one capture of every interface: "ifname:lo" names no capture interface here ("any" is the only one), so it
        // can only match through the interface index of each frame's cooked header; every other interface's frames
        // match no rule and are ignored. 127.0.0.6 talking to itself is charged each datagram once, as uplink.
        InetAddress address = InetAddress.getByName("127.0.0.6");
        int sent = 25;
        Thread sender = sendLater(address, 1500, sent, 120, 3);
        Path usage = dir.resolve("usage.csv");
        Meter run = meter(
                "meter",
                "--interface",
                "any",
                "--duration",
                "3s",
                "--side-rule",
                "ifname:lo=subscriber",
                "--out",
                usage.toString());
        sender.join();
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(usageRow(usage, "127.0.0.6")).isEqualTo("127.0.0.6," + sent + "," + ipBytes(sent, 120, 3) + ",0,0");
        // by its index too: the index the host gives lo
        int lo = java.net.NetworkInterface.getByName("lo").getIndex();
        Thread again = sendLater(address, 1500, sent, 60, 1);
        Meter byIndex = meter(
                "meter",
                "--interface",
                "any",
                "--duration",
                "3s",
                "--side-rule",
                "ifindex:" + lo + "=network",
                "--out",
                usage.toString());
        again.join();
        assertThat(byIndex.code()).as(byIndex.err()).isZero();
        assertThat(usageRow(usage, "127.0.0.6")).isEqualTo("127.0.0.6,0,0," + sent + "," + ipBytes(sent, 60, 1));
    }

    @Test
    void shouldRewriteTheUsageCsvWhileTheRunGoesOn(@TempDir Path dir) throws Exception {
        assumeCaptureOnLoopback();
        InetAddress address = InetAddress.getByName("127.0.0.8");
        int sent = 20;
        long bytes = ipBytes(sent, 70, 5);
        Thread sender = sendLater(address, 1500, sent, 70, 5);
        Path usage = dir.resolve("usage.csv");
        int[] code = {-1};
        Thread meter = Thread.ofPlatform()
                .start(() -> code[0] = meter(
                                "meter",
                                "--interface",
                                "lo",
                                "--filter",
                                "host 127.0.0.8",
                                "--side-rule",
                                "ifname:lo=subscriber",
                                "--usage-every",
                                "300ms",
                                "--rules",
                                "../examples/services.rules",
                                "--duration",
                                "5s",
                                "--out",
                                usage.toString())
                        .code());
        sender.join();
        // while the run goes on (its session still open), a snapshot shows every datagram
        String row = null;
        for (int tries = 0; tries < 50 && meter.isAlive(); tries++) {
            Thread.sleep(100);
            if (Files.exists(usage)) {
                row = Files.readAllLines(usage).stream()
                        .filter(r -> r.startsWith("127.0.0.8,"))
                        .findFirst()
                        .orElse(null);
                if (("127.0.0.8," + sent + "," + bytes + ",0,0").equals(row)) {
                    break;
                }
            }
        }
        assertThat(meter.isAlive()).as("the snapshot came before the run ended").isTrue();
        assertThat(row).isEqualTo("127.0.0.8," + sent + "," + bytes + ",0,0");
        meter.join();
        assertThat(code[0]).isZero();
        assertThat(usageRow(usage, "127.0.0.8")).isEqualTo("127.0.0.8," + sent + "," + bytes + ",0,0");
        assertThat(Files.exists(dir.resolve("usage.csv.tmp"))).isFalse();
    }

    @Test
    void shouldChargeOnlyWhatTheCaptureFilterLetsThroughAndNameABadFilter(@TempDir Path dir) throws Exception {
        assumeCaptureOnLoopback();
        // two senders on 127.0.0.5 and 127.0.0.6; the filter keeps 127.0.0.5's datagrams only
        Thread kept = sendLater(InetAddress.getByName("127.0.0.5"), 1500, 20, 100, 0);
        Thread dropped = sendLater(InetAddress.getByName("127.0.0.6"), 1500, 20, 100, 0);
        Path usage = dir.resolve("usage.csv");
        int code = Main.execute(
                "meter",
                "--quiet",
                "--interface",
                "lo",
                "--filter",
                "udp and host 127.0.0.5",
                "--duration",
                "3s",
                "--side-rule",
                "ifname:lo=subscriber",
                "--out",
                usage.toString());
        kept.join();
        dropped.join();
        assertThat(code).isZero();
        assertThat(Files.readAllLines(usage))
                .containsExactly(
                        "subscriber,ul_packets,ul_bytes,dl_packets,dl_bytes",
                        "127.0.0.5,20," + 20 * (20 + 8 + 100) + ",0,0");
        Meter bad = meter("meter", "--interface", "lo", "--filter", "udp port seventy", "--duration", "1s");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("--interface lo: filter 'udp port seventy': ");
    }

    /** Runs a command; its exit code (-1 when it cannot be started). */
    private static int run(String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    @Test
    void shouldGoOnWithTheOtherInterfacesWhenOneDisappearsAndSayItAtTheEnd(@TempDir Path dir) throws Exception {
        assumeCaptureOnLoopback();
        String gone = "cfgone" + ProcessHandle.current().pid() % 100_000;
        Assumptions.assumeTrue(
                run("ip", "link", "add", gone, "type", "veth", "peer", "name", gone + "p") == 0,
                "cannot make a veth pair here (needs root)");
        try {
            assertThat(run("ip", "link", "set", gone, "up")).isZero();
            // the veth goes away a second in; the datagrams on lo come after that
            Thread remover = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(1200);
                    run("ip", "link", "del", gone);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            InetAddress address = InetAddress.getByName("127.0.0.7");
            Thread sender = sendLater(address, 2000, 10, 50, 0);
            Path usage = dir.resolve("usage.csv");
            Path summary = dir.resolve("summary.json");
            Meter run = meter(
                    "meter",
                    "--status-every",
                    "1s",
                    "--interface",
                    "lo",
                    "--interface",
                    gone,
                    "--duration",
                    "4s",
                    "--side-rule",
                    "ifname:lo=subscriber",
                    "--summary-json",
                    summary.toString(),
                    "--out",
                    usage.toString());
            int code = run.code();
            remover.join();
            sender.join();
            String printed = run.err();
            assertThat(code).as(printed).isEqualTo(1);
            assertThat(printed)
                    .contains("chargeflow: error: the capture of " + gone + " failed and was down at the end: ")
                    .contains("(its frames until then are charged)")
                    // the status lines after the veth went away say so
                    .containsPattern("live status: +0:00:03, .*; down: " + gone + "\\R");
            assertThat(usageRow(usage, "127.0.0.7")).isEqualTo("127.0.0.7,10," + ipBytes(10, 50, 0) + ",0,0");
            tools.jackson.databind.JsonNode live = new tools.jackson.databind.ObjectMapper()
                    .readTree(summary.toFile())
                    .get("live");
            assertThat(live.get(0).get("failure").isNull()).isTrue();
            assertThat(live.get(1).get("interface").asString()).isEqualTo(gone);
            assertThat(live.get(1).get("failure").asString()).isNotBlank();
            assertThat(live.get(1).get("losses").asInt()).isEqualTo(1);
        } finally {
            run("ip", "link", "del", gone);
        }
    }

    /** A veth pair {@code name}/{@code name}p, both up, no IPv6; the peer end gets {@code address}/24. */
    private static boolean makeVeth(String name, String address) throws InterruptedException {
        return run("ip", "link", "add", name, "type", "veth", "peer", "name", name + "p") == 0
                && run("sysctl", "-q", "-w", "net.ipv6.conf." + name + ".disable_ipv6=1") == 0
                && run("sysctl", "-q", "-w", "net.ipv6.conf." + name + "p.disable_ipv6=1") == 0
                && run("ip", "addr", "add", address + "/24", "dev", name + "p") == 0
                && run("ip", "link", "set", name, "up") == 0
                && run("ip", "link", "set", name + "p", "up") == 0;
    }

    @Test
    void shouldReopenAnInterfaceThatDisappearedWhenItComesBack(@TempDir Path dir) throws Exception {
        assumeCaptureOnLoopback();
        String name = "cfback" + ProcessHandle.current().pid() % 100_000;
        Assumptions.assumeTrue(makeVeth(name, "198.18.0.1"), "cannot make a veth pair here (needs root)");
        try {
            // the interface goes away 1.2 s in and is back at 2 s; 3.5 s in, datagrams sent out of its peer (to a
            // multicast group, through that interface) arrive on it: charged only if its capture was reopened
            Thread churn = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(1200);
                    run("ip", "link", "del", name);
                    Thread.sleep(800);
                    makeVeth(name, "198.18.0.1");
                    Thread.sleep(1500);
                    try (java.nio.channels.DatagramChannel channel =
                            java.nio.channels.DatagramChannel.open(java.net.StandardProtocolFamily.INET)) {
                        channel.setOption(
                                java.net.StandardSocketOptions.IP_MULTICAST_IF,
                                java.net.NetworkInterface.getByName(name + "p"));
                        channel.bind(new InetSocketAddress(InetAddress.getByName("198.18.0.1"), 0));
                        for (int i = 0; i < 10; i++) {
                            channel.send(
                                    java.nio.ByteBuffer.allocate(60),
                                    new InetSocketAddress(InetAddress.getByName("239.1.1.1"), 5000));
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Path usage = dir.resolve("usage.csv");
            Path summary = dir.resolve("summary.json");
            Meter run = meter(
                    "meter",
                    "--interface",
                    name,
                    "--duration",
                    "5s",
                    "--side-rule",
                    "ifname:" + name + "=subscriber",
                    "--summary-json",
                    summary.toString(),
                    "--out",
                    usage.toString());
            int code = run.code();
            churn.join();
            String printed = run.err();
            assertThat(code).as(printed).isZero();
            assertThat(printed).contains("; capture lost 1 time (").contains("), reopened");
            assertThat(usageRow(usage, "198.18.0.1")).isEqualTo("198.18.0.1,10," + ipBytes(10, 60, 0) + ",0,0");
            tools.jackson.databind.JsonNode live = new tools.jackson.databind.ObjectMapper()
                    .readTree(summary.toFile())
                    .get("live");
            assertThat(live.get(0).get("losses").asInt()).isEqualTo(1);
            assertThat(live.get(0).get("failure").isNull()).isTrue();
            assertThat(live.get(0).get("last_failure").asString()).isNotBlank();
        } finally {
            run("ip", "link", "del", name);
        }
    }

    @Test
    void shouldCloseAnIdleSessionByTheClockWhenTheInterfaceFallsQuiet(@TempDir Path dir) throws Exception {
        assumeCaptureOnLoopback();
        InetAddress address = InetAddress.getByName("127.0.0.3");
        Thread sender = sendLater(address, 1000, 5, 300, 0);
        Path sessions = dir.resolve("sessions.jsonl");
        // the datagrams come a second in, then nothing: with a one-second idle timeout the session must close as
        // idle while the capture still runs (packet time follows the clock), not at the end of the run
        int code = Main.execute(
                "meter",
                "--quiet",
                "--interface",
                "lo",
                "--duration",
                "5s",
                "--idle-timeout",
                "1s",
                "--side-rule",
                "ifname:lo=subscriber",
                "--sessions",
                sessions.toString(),
                "--out",
                dir.resolve("usage.csv").toString());
        sender.join();
        assertThat(code).isZero();
        List<String> mine = Files.readAllLines(sessions).stream()
                .filter(l -> l.contains("\"subscriber\":\"127.0.0.3\""))
                .toList();
        assertThat(mine).hasSize(1);
        assertThat(mine.getFirst()).contains("\"ul_packets\":5,").contains("\"close_cause\":\"idle-timeout\"");
    }
}
