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

    @Test
    void shouldMeterAReplayAtTopSpeedWithoutLosingAFrameAndMatchTheTruth(@TempDir Path dir) throws Exception {
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
            Path pcap = dir.resolve("replay.pcap");
            Path truth = dir.resolve("truth.csv");
            new TrafficGenerator()
                    .generate(
                            GeneratorConfig.builder()
                                    .seed(11)
                                    .packets(300_000)
                                    .subscribers(3_000)
                                    .snaplenCutShare(0)
                                    .build(),
                            pcap,
                            truth);
            Path usage = dir.resolve("usage.csv");
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int[] code = {-1};
            PrintStream saved = System.err;
            Thread meter;
            try {
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                meter = Thread.ofPlatform()
                        .start(() -> code[0] = Main.execute(
                                "meter", "--interface", RECEIVE, "--duration", "8s", "--out", usage.toString()));
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
            assertThat(printed).contains("dropped by the kernel 0, by the interface 0");
            assertThat(sortedRows(usage)).isEqualTo(sortedRows(truth));
        } finally {
            run("ip", "link", "del", SEND);
        }
    }

    private static List<String> sortedRows(Path csv) throws IOException {
        List<String> rows = new ArrayList<>(Files.readAllLines(csv));
        rows.removeFirst();
        rows.sort(null);
        return rows;
    }
}
