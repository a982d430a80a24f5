package io.chargeflow.packet.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chargeflow.testsupport.Tshark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated capture read by Wireshark's own tools, as an oracle independent of chargeflow. */
class TrafficGeneratorTsharkTest {
    @TempDir
    Path dir;

    @Test
    void shouldBeReadByCapinfosWithTheSameFrameCountWhenCapinfosIsInstalled() throws Exception {
        assumeTrue(Tshark.available(), "tshark/capinfos not installed (apt-get install -y tshark): test skipped");
        GeneratorConfig config = GeneratorConfig.builder()
                .seed(21)
                .packets(5_000)
                .subscribers(300)
                .build();
        new TrafficGenerator().generate(config, dir.resolve("c.pcap"), dir.resolve("c.csv"));

        Process capinfos = new ProcessBuilder(
                        "capinfos", "-c", "-M", dir.resolve("c.pcap").toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(capinfos.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(capinfos.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(capinfos.exitValue()).as(output).isZero();
        Matcher count = Pattern.compile("Number of packets:\\s+(\\d+)").matcher(output);
        assertThat(count.find()).as(output).isTrue();
        assertThat(Long.parseLong(count.group(1))).isEqualTo(5_000);
    }

    @Test
    void shouldMatchTsharkIpLengthsPerSideWhenTsharkIsInstalled() throws IOException {
        assumeTrue(Tshark.available(), "tshark not installed (apt-get install -y tshark): test skipped");
        GeneratorConfig config = GeneratorConfig.builder()
                .seed(22)
                .packets(20_000)
                .subscribers(1_000)
                .malformedShare(0.02)
                .fragmentShare(0.05)
                .snaplenCutShare(0.05)
                .build();
        Path pcap = dir.resolve("t.pcap");
        GeneratorResult result = new TrafficGenerator().generate(config, pcap, dir.resolve("t.csv"));
        PcapRecount recount = PcapRecount.of(pcap, config);

        List<String[]> rows = Tshark.fields(pcap, "vlan.id", "frame.protocols", "ip.len", "ipv6.plen");
        assertThat(rows).hasSize(20_000);
        long[] uplink = new long[2];
        long[] downlink = new long[2];
        for (int i = 0; i < rows.size(); i++) {
            String verdict = recount.frameVerdicts.get(i);
            boolean malformed = !verdict.equals("ul") && !verdict.equals("dl") && !verdict.equals("unclassified");
            String innermostVlan = last(rows.get(i)[0]);
            long[] side = innermostVlan.equals(String.valueOf(config.subVlan()))
                    ? uplink
                    : innermostVlan.equals(String.valueOf(config.netVlan())) ? downlink : null;
            if (malformed || side == null) {
                continue;
            }
            side[0]++;
            side[1] += innermostIpLength(rows.get(i), i + 1);
        }
        assertThat(uplink).containsExactly(result.uplinkFrames(), result.uplinkBytes());
        assertThat(downlink).containsExactly(result.downlinkFrames(), result.downlinkBytes());
    }

    @Test
    void shouldCarryValidChecksumsWhenTsharkVerifiesThem() throws Exception {
        assumeTrue(Tshark.available(), "tshark not installed (apt-get install -y tshark): test skipped");
        GeneratorConfig config = GeneratorConfig.builder()
                .seed(23)
                .packets(10_000)
                .subscribers(500)
                .fragmentShare(0.05)
                .p2pShare(0.05)
                .build();
        Path pcap = dir.resolve("k.pcap");
        new TrafficGenerator().generate(config, pcap, dir.resolve("k.csv"));

        Process tshark = new ProcessBuilder(
                        "tshark",
                        "-r",
                        pcap.toString(),
                        "-n",
                        "-o",
                        "ip.check_checksum:TRUE",
                        "-o",
                        "udp.check_checksum:TRUE",
                        "-o",
                        "tcp.check_checksum:TRUE",
                        "-o",
                        "ip.defragment:FALSE",
                        "-o",
                        "ipv6.defragment:FALSE",
                        "-T",
                        "fields",
                        "-e",
                        "ip.checksum.status",
                        "-e",
                        "udp.checksum.status",
                        "-e",
                        "tcp.checksum.status",
                        "-e",
                        "icmp.checksum.status",
                        "-e",
                        "icmpv6.checksum.status",
                        "-E",
                        "occurrence=a")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<String> lines = new String(tshark.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .lines()
                .toList();
        assertThat(tshark.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(lines).hasSize(10_000);
        // Wireshark's checksum status: 0 bad, 1 good, 2 unverified (cut or fragment), 3 absent, 4 illegal.
        long good = 0;
        for (int i = 0; i < lines.size(); i++) {
            for (String status : lines.get(i).split("[\\t,]")) {
                assertThat(status).as("frame " + (i + 1) + ": " + lines.get(i)).isNotEqualTo("0");
                good += status.equals("1") ? 1 : 0;
            }
        }
        assertThat(good).isGreaterThan(15_000);
    }

    @Test
    void shouldCarryValidUdpChecksumsWhenTsharkReassemblesFragments() throws Exception {
        assumeTrue(Tshark.available(), "tshark not installed (apt-get install -y tshark): test skipped");
        GeneratorConfig config = GeneratorConfig.builder()
                .seed(25)
                .packets(5_000)
                .subscribers(200)
                .fragmentShare(0.2)
                .build();
        Path pcap = dir.resolve("r.pcap");
        GeneratorResult result = new TrafficGenerator().generate(config, pcap, dir.resolve("r.csv"));

        Process tshark = new ProcessBuilder(
                        "tshark",
                        "-r",
                        pcap.toString(),
                        "-n",
                        "-o",
                        "udp.check_checksum:TRUE",
                        "-Y",
                        "ip.fragments || ipv6.fragments",
                        "-T",
                        "fields",
                        "-e",
                        "udp.checksum.status")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<String> statuses = new String(tshark.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .lines()
                .toList();
        assertThat(tshark.waitFor(120, TimeUnit.SECONDS)).isTrue();
        // one line per reassembled datagram, each of two or three fragments; status 1 is Good
        assertThat(statuses).hasSizeBetween((int) result.fragmentFrames() / 3, (int) result.fragmentFrames() / 2);
        assertThat(statuses).isNotEmpty().containsOnly("1");
    }

    @Test
    void shouldRevealServerNamesToTsharkWhenFlowsAreTlsHttpOrDns() throws IOException {
        assumeTrue(Tshark.available(), "tshark not installed (apt-get install -y tshark): test skipped");
        GeneratorConfig config = GeneratorConfig.builder()
                .seed(24)
                .packets(10_000)
                .subscribers(300)
                .build();
        Path pcap = dir.resolve("n.pcap");
        new TrafficGenerator().generate(config, pcap, dir.resolve("n.csv"));

        List<String[]> rows = Tshark.fields(pcap, "tls.handshake.extensions_server_name", "http.host", "dns.qry.name");
        Map<String, Set<String>> seen = new TreeMap<>();
        String[] kinds = {"sni", "http", "dns"};
        for (String[] row : rows) {
            for (int k = 0; k < kinds.length; k++) {
                if (!row[k].isEmpty()) {
                    seen.computeIfAbsent(kinds[k], key -> new TreeSet<>()).add(row[k]);
                }
            }
        }
        List<String> names = List.of(
                "www.google.com",
                "video.example.net",
                "cdn.chargeflow.io",
                "api.weather.example",
                "m.facebook.com",
                "edge.streaming.example",
                "time.example.org",
                "push.apple.example");
        assertThat(seen.keySet()).containsExactly("dns", "http", "sni");
        seen.values().forEach(found -> assertThat(names).containsAll(found));
        assertThat(seen.get("sni")).hasSizeGreaterThan(4);
    }

    /** The length of the last IP layer tshark dissected: ip.len, or 40 + ipv6.plen. */
    private static long innermostIpLength(String[] row, int frame) {
        List<String> layers = Arrays.asList(row[1].split(":"));
        int ip = layers.lastIndexOf("ip");
        int ipv6 = layers.lastIndexOf("ipv6");
        if (ip < 0 && ipv6 < 0) {
            throw new AssertionError("frame=" + frame + " has no IP layer for tshark: " + row[1]);
        }
        return ip > ipv6 ? Long.parseLong(last(row[2])) : 40 + Long.parseLong(last(row[3]));
    }

    private static String last(String occurrences) {
        return occurrences.substring(occurrences.lastIndexOf(',') + 1);
    }
}
