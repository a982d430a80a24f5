package io.chargeflow.packet.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chargeflow.testsupport.SharedData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The truth compared with the C reference {@code shared/bench/pcap_floor.c --mode engine}, a third reading of the
 * charging rule written by someone else. pcap_floor keys IPv6 by full address, compares IP lengths with the captured
 * (not the original) length and knows fewer malformed cases, so the capture is generated with /128 keys and without
 * snaplen cuts or malformed frames; those differences are listed in the generator README.
 */
class TrafficGeneratorPcapFloorTest {
    @TempDir
    Path dir;

    @Test
    void shouldEqualPcapFloorTotalsWhenCaptureHasNoCutsOrMalformedFrames() throws Exception {
        Optional<Path> source =
                SharedData.captures().map(c -> c.getParent().getParent().resolve("bench/pcap_floor.c"));
        assumeTrue(
                source.isPresent() && Files.isRegularFile(source.get()),
                "skipped because ../shared/bench/pcap_floor.c is absent");
        Path floor = dir.resolve("pcap_floor");
        assumeTrue(
                run(List.of("gcc", "-O2", "-o", floor.toString(), source.get().toString())) == 0,
                "skipped because gcc is not installed or cannot build pcap_floor.c");
        GeneratorConfig config = GeneratorConfig.builder()
                .seed(31)
                .packets(50_000)
                .subscribers(3_000)
                .snaplenCutShare(0)
                .malformedShare(0)
                .ipv6PrefixLength(128)
                .subVlan(10)
                .netVlan(20)
                .build();
        Path pcap = dir.resolve("f.pcap");
        Path truth = dir.resolve("f.csv");
        GeneratorResult result = new TrafficGenerator().generate(config, pcap, truth);
        Path floorCsv = dir.resolve("floor.csv");

        int exit = run(List.of(
                floor.toString(),
                "--mode",
                "engine",
                "--sub-vlan",
                "10",
                "--net-vlan",
                "20",
                "--csv",
                floorCsv.toString(),
                pcap.toString()));

        assertThat(exit).isZero();
        List<String> floorRows = Files.readAllLines(floorCsv).stream()
                .skip(1)
                .filter(row -> !row.startsWith("malformed,"))
                .sorted()
                .toList();
        List<String> truthRows =
                Files.readAllLines(truth).stream().skip(1).sorted().toList();
        assertThat(floorRows).hasSize((int) result.subscribers()).isEqualTo(truthRows);
        assertThat(Files.readAllLines(floorCsv)).contains("malformed,0,0,0,0");
    }

    private static int run(List<String> command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return -1; // not installed
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("timed out: " + command + "\n" + output);
        }
        return process.exitValue();
    }
}
