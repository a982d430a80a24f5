package io.chargeflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.chargeflow.flow.FlowContext;
import io.chargeflow.flow.FlowEngine;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code meter --metrics}: what Prometheus scrapes equals the run's own summary, counter by counter, and a live run
 * can be scraped while it goes on.
 */
@Timeout(60)
class MeterMetricsTest {

    /** The samples of a scrape: "name{labels}" (as printed) to value; comments left out. */
    private static Map<String, Double> scrape(int port) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            Map<String, Double> samples = new HashMap<>();
            for (String line : response.body().split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
            return samples;
        }
    }

    @Test
    void shouldServeTheFiguresOfTheRunsSummary(@TempDir Path dir) throws Exception {
        Path pcap = GeneratedCaptures.generate(dir, 5, 40_000, 300);
        try (MeterMetrics metrics = MeterMetrics.start("127.0.0.1:0")) {
            // before the engine runs: only the JVM's own
            Map<String, Double> before = scrape(metrics.port());
            assertThat(before.keySet()).noneMatch(k -> k.startsWith("chargeflow_"));
            assertThat(before.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes"));
            FlowEngine[] engine = new FlowEngine[1];
            FlowContext context = new MeterOptions().toContext();
            MeterResult result = MeterRun.run(List.of(pcap), context, null, null, null, null, e -> engine[0] = e);
            metrics.attach(engine[0], null, () -> 42);
            Map<String, Double> s = scrape(metrics.port());
            assertThat(s.get("chargeflow_frames_total")).isEqualTo((double) result.frames);
            assertThat(s.get("chargeflow_frame_bytes_total")).isEqualTo((double) result.frameBytes);
            assertThat(s.get("chargeflow_charged_packets_total{direction=\"uplink\"}"))
                    .isEqualTo((double) result.uplinkRecords);
            assertThat(s.get("chargeflow_charged_packets_total{direction=\"downlink\"}"))
                    .isEqualTo((double) result.downlinkRecords);
            assertThat(s.get("chargeflow_charged_bytes_total{direction=\"uplink\"}"))
                    .isEqualTo((double) result.uplinkBytes);
            assertThat(s.get("chargeflow_charged_bytes_total{direction=\"downlink\"}"))
                    .isEqualTo((double) result.downlinkBytes);
            assertThat(s.get("chargeflow_unclassified_packets_total")).isEqualTo((double) result.unclassifiedPackets);
            assertThat(s.get("chargeflow_peer_to_peer_records_total")).isEqualTo((double) result.peerToPeerPackets);
            // the generator's mix has malformed frames: the reasons' sum is the summary's total
            double malformed = s.entrySet().stream()
                    .filter(e -> e.getKey().startsWith("chargeflow_malformed_frames_total{"))
                    .mapToDouble(Map.Entry::getValue)
                    .sum();
            assertThat(result.malformedTotal).isPositive();
            assertThat(malformed).isEqualTo((double) result.malformedTotal);
            result.malformed.forEach(
                    (reason, count) -> assertThat(s.get("chargeflow_malformed_frames_total{reason=\"" + reason + "\"}"))
                            .as(reason)
                            .isEqualTo((double) count));
            assertThat(s.get("chargeflow_sessions_closed_total")).isEqualTo((double) result.sessionsClosed);
            assertThat(s.get("chargeflow_sessions_open")).isZero();
            assertThat(s.entrySet().stream()
                            .filter(e -> e.getKey().startsWith("chargeflow_processor_records_total{"))
                            .mapToDouble(Map.Entry::getValue)
                            .sum())
                    .isEqualTo((double) (result.uplinkRecords + result.downlinkRecords));
            assertThat(s.get("chargeflow_cdrs_durable_total")).isEqualTo(42.0);
            // a file run has no live interfaces
            assertThat(s.keySet()).noneMatch(k -> k.startsWith("chargeflow_capture_"));
        }
    }

    @Test
    void shouldBeScrapedWhileALiveRunGoesOn(@TempDir Path dir) throws Exception {
        try (io.chargeflow.packet.LiveSource probe = io.chargeflow.packet.LiveSource.open("lo", 65_535, false, 0)) {
            probe.stop();
        } catch (java.io.IOException e) {
            Assumptions.abort("live capture is not possible here: " + e.getMessage());
        }
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        java.net.InetAddress address = java.net.InetAddress.getByName("127.0.0.7");
        int[] code = {-1};
        Thread meter = Thread.ofPlatform()
                .start(() -> code[0] = Main.execute(
                        "meter",
                        "--quiet",
                        "--interface",
                        "lo",
                        "--filter",
                        "host 127.0.0.7",
                        "--side-rule",
                        "ifname:lo=subscriber",
                        "--metrics",
                        "127.0.0.1:" + port,
                        "--duration",
                        "4s",
                        "--out",
                        dir.resolve("usage.csv").toString()));
        Thread.sleep(1_500);
        int sent = 12;
        long bytes = 0;
        try (java.net.DatagramSocket from = new java.net.DatagramSocket(new java.net.InetSocketAddress(address, 0));
                java.net.DatagramSocket to = new java.net.DatagramSocket(new java.net.InetSocketAddress(address, 0))) {
            for (int i = 0; i < sent; i++) {
                int length = 90 + i;
                from.send(new java.net.DatagramPacket(new byte[length], length, address, to.getLocalPort()));
                bytes += 28 + length;
            }
        }
        // the kernel hands frames over in blocks within 20 ms; the reader meters them at once
        Map<String, Double> s = null;
        for (int tries = 0; tries < 40; tries++) {
            Thread.sleep(50);
            s = scrape(port);
            if (s.getOrDefault("chargeflow_charged_packets_total{direction=\"uplink\"}", 0.0) >= sent
                    && s.getOrDefault("chargeflow_sessions_open", 0.0) >= 1) {
                break;
            }
        }
        assertThat(s.get("chargeflow_capture_frames_total{interface=\"lo\"}")).isEqualTo((double) sent);
        assertThat(s.get("chargeflow_charged_packets_total{direction=\"uplink\"}"))
                .isEqualTo((double) sent);
        assertThat(s.get("chargeflow_charged_bytes_total{direction=\"uplink\"}"))
                .isEqualTo((double) bytes);
        assertThat(s.get("chargeflow_capture_up{interface=\"lo\"}")).isEqualTo(1.0);
        assertThat(s.get("chargeflow_capture_kernel_drops_total{interface=\"lo\"}"))
                .isZero();
        assertThat(s.get("chargeflow_sessions_open")).isEqualTo(1.0);
        meter.join();
        assertThat(code[0]).isZero();
    }

    @Test
    void shouldServeTheDirectorysLookupsAndTheRadiusListenersCounters(@TempDir Path dir) throws Exception {
        Path pcap = GeneratedCaptures.generate(dir, 6, 20_000, 200);
        Path truth = dir.resolve("truth.csv");
        Path csv = dir.resolve("subscribers.csv");
        int imported = DemoCommand.writeSubscribers(truth, csv);
        io.chargeflow.subscriber.cli.DatabaseOptions db =
                new io.chargeflow.subscriber.cli.DatabaseOptions(dir.resolve("data"), null);
        assertThat(io.chargeflow.subscriber.cli.SubscriberCommands.importSubscribers(
                        db, csv, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), System.err))
                .isZero();
        FlowContext context = new MeterOptions().toContext();
        try (MeterMetrics metrics = MeterMetrics.start("127.0.0.1:0");
                Directory directory = Directory.open(db, context)) {
            directory.startRadius("127.0.0.1:0", List.of("127.0.0.1=secret"));
            java.net.InetSocketAddress radius = directory.radius().localAddress();
            FlowEngine[] engine = new FlowEngine[1];
            MeterRun.run(List.of(pcap), context, null, null, null, directory, e -> engine[0] = e);
            metrics.attach(engine[0], null, null, directory);
            // two datagrams the listener must drop: three bytes from a client, and a request from no client
            try (java.net.DatagramSocket client =
                            new java.net.DatagramSocket(new java.net.InetSocketAddress("127.0.0.1", 0));
                    java.net.DatagramSocket stranger =
                            new java.net.DatagramSocket(new java.net.InetSocketAddress("127.0.0.2", 0))) {
                client.send(new java.net.DatagramPacket(new byte[3], 3, radius));
                byte[] request = new byte[20];
                request[0] = 4;
                request[3] = 20;
                stranger.send(new java.net.DatagramPacket(request, 20, radius));
            }
            Map<String, Double> s = null;
            for (int tries = 0; tries < 100; tries++) {
                s = scrape(metrics.port());
                if (s.getOrDefault("chargeflow_radius_dropped_total{reason=\"malformed\"}", 0.0)
                                + s.getOrDefault("chargeflow_radius_dropped_total{reason=\"unknown_client\"}", 0.0)
                        >= 2) {
                    break;
                }
                Thread.sleep(20);
            }
            assertThat(s.get("chargeflow_directory_bindings_preloaded")).isEqualTo((double) imported);
            assertThat(s.get("chargeflow_directory_lookups_total{from=\"cache\"}"))
                    .isEqualTo((double) directory.resolver().cacheHits());
            assertThat(s.get("chargeflow_directory_lookups_total{from=\"database\"}"))
                    .isEqualTo((double) directory.resolver().cacheMisses());
            // every subscriber's session asked once, all from the preloaded cache
            assertThat(s.get("chargeflow_directory_lookups_total{from=\"cache\"}"))
                    .isGreaterThanOrEqualTo(200.0);
            assertThat(s.get("chargeflow_radius_dropped_total{reason=\"malformed\"}"))
                    .isEqualTo(1.0);
            assertThat(s.get("chargeflow_radius_dropped_total{reason=\"unknown_client\"}"))
                    .isEqualTo(1.0);
            assertThat(s.get("chargeflow_radius_requests_answered_total")).isZero();
        }
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    @Test
    void shouldServeAStandaloneRadiusListenersCountersUntilItIsStopped(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("subscribers.csv");
        java.nio.file.Files.writeString(
                csv,
                "imsi,msisdn,account,plan,status,address,valid_from,valid_until\n"
                        + "001010000000001,491500000001,a1,basic,active,10.7.0.1,2025-12-01T00:00:00Z,\n");
        Path data = dir.resolve("data");
        assertThat(Main.execute("subscribers", "import", csv.toString(), "--data", data.toString()))
                .isZero();
        int radiusPort;
        try (java.net.DatagramSocket free = new java.net.DatagramSocket(0)) {
            radiusPort = free.getLocalPort();
        }
        int metricsPort = freePort();
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process serve = new ProcessBuilder(
                        javaBin,
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "radius",
                        "serve",
                        "--data",
                        data.toString(),
                        "--listen",
                        "127.0.0.1:" + radiusPort,
                        "--client",
                        "127.0.0.1=secret",
                        "--metrics",
                        "127.0.0.1:" + metricsPort)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("serve.log").toFile())
                .start();
        try {
            Map<String, Double> s = null;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < deadline) {
                try {
                    s = scrape(metricsPort);
                    if (s.containsKey("chargeflow_radius_requests_answered_total")) {
                        break;
                    }
                } catch (java.io.IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(100);
            }
            assertThat(s)
                    .as(java.nio.file.Files.readString(dir.resolve("serve.log")))
                    .isNotNull();
            assertThat(s.get("chargeflow_radius_requests_answered_total")).isZero();
            try (java.net.DatagramSocket client =
                    new java.net.DatagramSocket(new java.net.InetSocketAddress("127.0.0.1", 0))) {
                client.send(new java.net.DatagramPacket(
                        new byte[5], 5, new java.net.InetSocketAddress("127.0.0.1", radiusPort)));
            }
            for (int tries = 0; tries < 100; tries++) {
                s = scrape(metricsPort);
                if (s.getOrDefault("chargeflow_radius_dropped_total{reason=\"malformed\"}", 0.0) >= 1) {
                    break;
                }
                Thread.sleep(20);
            }
            assertThat(s.get("chargeflow_radius_dropped_total{reason=\"malformed\"}"))
                    .isEqualTo(1.0);
            assertThat(s.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes"));
            // no meter runs here: none of its metrics
            assertThat(s.keySet()).noneMatch(k -> k.startsWith("chargeflow_frames"));
        } finally {
            serve.destroy();
        }
        assertThat(serve.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        // stopped by SIGTERM: the listener said what it did, and the JVM's exit status is 128 + 15
        String log = java.nio.file.Files.readString(dir.resolve("serve.log"));
        assertThat(log).contains("stopped: 0 requests answered");
        assertThat(serve.exitValue()).as(log).isEqualTo(143);
    }
}
