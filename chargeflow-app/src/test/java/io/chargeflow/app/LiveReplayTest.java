package io.chargeflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.chargeflow.packet.gen.GeneratorConfig;
import io.chargeflow.packet.gen.TrafficGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code meter --interface} at the fastest this machine can send: a generated capture replayed by {@code tcpreplay
 * --topspeed} into one end of a veth pair while the meter captures the other end. No frame may be dropped and every
 * subscriber's usage must equal the generator's truth, packets and bytes in both directions. The capture has no
 * frames cut short (a replay sends only the bytes a file kept, so such a frame would arrive as a broken packet).
 * Needs root (the veth pair and the capture) and tcpreplay (CI installs it); skipped, saying why, without them.
 */
@Timeout(120)
class LiveReplayTest {
    private static final String SEND = "cfrp" + ProcessHandle.current().pid() % 100_000 + "a";
    private static final String RECEIVE = "cfrp" + ProcessHandle.current().pid() % 100_000 + "b";

    /** Runs a command; its exit code (-1 when it cannot be started). */
    private static int run(String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        }
    }

    /** A veth pair SEND/RECEIVE, up, without IPv6 (no frames of the host's own), for {@code body}; removed after. */
    private static void withVethPair(ThrowingRunnable body) throws Exception {
        Assumptions.assumeTrue(run("tcpreplay", "--version") == 0, "tcpreplay is not installed");
        Assumptions.assumeTrue(
                run("ip", "link", "add", SEND, "type", "veth", "peer", "name", RECEIVE) == 0,
                "cannot make a veth pair here (needs root)");
        try {
            for (String end : new String[] {SEND, RECEIVE}) {
                assertThat(run("ip", "link", "set", end, "mtu", "9000", "up")).isZero();
                // no router solicitations or other frames of the host's own on the pair
                run("sysctl", "-q", "-w", "net.ipv6.conf." + end + ".disable_ipv6=1");
            }
            body.run();
        } finally {
            run("ip", "link", "del", SEND);
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Generates a capture of {@code packets} frames (none cut short) and its truth file in {@code dir}. */
    private static Path generate(Path dir, int packets, int subscribers) throws IOException {
        Path pcap = dir.resolve("replay.pcap");
        new TrafficGenerator()
                .generate(
                        GeneratorConfig.builder()
                                .seed(11)
                                .packets(packets)
                                .subscribers(subscribers)
                                .snaplenCutShare(0)
                                .build(),
                        pcap,
                        dir.resolve("truth.csv"));
        return pcap;
    }

    /**
     * Runs {@code meter} with {@code args} in a thread, replays {@code pcap} into SEND at top speed two seconds after
     * it started, and returns what the meter printed once it ended (its exit code asserted zero).
     */
    private static String meterWhileReplaying(Path pcap, String... args) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int[] code = {-1};
        PrintStream saved = System.err;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            Thread meter = Thread.ofPlatform().start(() -> code[0] = Main.execute(args));
            Thread.sleep(2_000);
            Process replay = new ProcessBuilder("tcpreplay", "--topspeed", "-q", "-i", SEND, pcap.toString())
                    .redirectErrorStream(true)
                    .start();
            String replayed = new String(replay.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(replay.waitFor()).as(replayed).isZero();
            meter.join();
        } finally {
            System.setErr(saved);
        }
        String printed = err.toString(StandardCharsets.UTF_8);
        assertThat(code[0]).as(printed).isZero();
        return printed;
    }

    @Test
    void shouldMeterAReplayAtTopSpeedWithoutLosingAFrameAndMatchTheTruth(@TempDir Path dir) throws Exception {
        withVethPair(() -> {
            Path pcap = generate(dir, 300_000, 3_000);
            Path usage = dir.resolve("usage.csv");
            String printed = meterWhileReplaying(
                    pcap, "meter", "--interface", RECEIVE, "--duration", "8s", "--out", usage.toString());
            assertThat(printed).contains("dropped by the kernel 0, by the interface 0");
            assertThat(sortedRows(usage)).isEqualTo(sortedRows(dir.resolve("truth.csv")));
        });
    }

    /**
     * Both ends of the pair captured, as a meter on a gateway captures both of its ports: every frame is seen leaving
     * SEND and arriving at RECEIVE. Both directions meter each subscriber twice its truth; {@code --direction in}
     * (the kernel hands over only received frames) meters the truth exactly.
     */
    @Test
    void shouldMeterEachFrameOnceWhenBothEndsAreCapturedAndOnlyReceivedFramesAreMetered(@TempDir Path dir)
            throws Exception {
        withVethPair(() -> {
            Path pcap = generate(dir, 20_000, 400);
            List<String> truth = sortedRows(dir.resolve("truth.csv"));
            Path both = dir.resolve("both.csv");
            meterWhileReplaying(
                    pcap,
                    "meter",
                    "--interface",
                    SEND,
                    "--interface",
                    RECEIVE,
                    "--duration",
                    "4s",
                    "--out",
                    both.toString());
            assertThat(sortedRows(both))
                    .isEqualTo(truth.stream().map(LiveReplayTest::doubled).toList());
            Path in = dir.resolve("in.csv");
            String printed = meterWhileReplaying(
                    pcap,
                    "meter",
                    "--interface",
                    SEND,
                    "--interface",
                    RECEIVE,
                    "--direction",
                    "in",
                    "--duration",
                    "4s",
                    "--summary-json",
                    dir.resolve("in.json").toString(),
                    "--out",
                    in.toString());
            assertThat(sortedRows(in)).as(printed).isEqualTo(truth);
            // the kernel selected the frames: nothing was left for the reader to skip
            tools.jackson.databind.JsonNode direction = new tools.jackson.databind.ObjectMapper()
                    .readTree(dir.resolve("in.json").toFile())
                    .get("direction");
            assertThat(direction.get("metered").asString()).isEqualTo("in");
            assertThat(direction.get("other_direction_frames").asLong()).isZero();
        });
    }

    /** A usage row with every count doubled. */
    private static String doubled(String row) {
        String[] f = row.split(",");
        StringBuilder out = new StringBuilder(f[0]);
        for (int i = 1; i < f.length; i++) {
            out.append(',').append(2 * Long.parseLong(f[i]));
        }
        return out.toString();
    }

    private static List<String> sortedRows(Path csv) throws IOException {
        List<String> rows = new ArrayList<>(Files.readAllLines(csv));
        rows.removeFirst();
        rows.sort(null);
        return rows;
    }
}
