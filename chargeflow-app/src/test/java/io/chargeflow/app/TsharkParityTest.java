package io.chargeflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chargeflow.testsupport.GoldenCaptures;
import io.chargeflow.testsupport.SharedData;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Per-address totals of {@code chargeflow meter --default-side both --ipv6-prefix 128} equal an independent count by
 * tshark on real captures: for every frame tshark decodes, the charged IP header is the first one, or the one inside
 * GTP-U, and every address is charged the IP length as source (uplink) and as destination (downlink).
 */
class TsharkParityTest {

    static Stream<Arguments> captures() throws IOException {
        List<Arguments> args = new ArrayList<>();
        for (String name : GoldenCaptures.names()) {
            if (name.endsWith(".pcap") || name.endsWith(".pcapng")) {
                args.add(Arguments.of(name, GoldenCaptures.path(name)));
            }
        }
        var shared = SharedData.captures();
        if (shared.isPresent()) {
            try (var files = Files.list(shared.get())) {
                files.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng"))
                        .filter(p -> GoldenCaptures.names().stream()
                                .noneMatch(n -> n.equals(p.getFileName().toString())))
                        .sorted()
                        .forEach(p -> args.add(Arguments.of("shared/" + p.getFileName(), p)));
            }
        }
        return args.stream();
    }

    static boolean tsharkAvailable() {
        try {
            return new ProcessBuilder("tshark", "-v")
                            .redirectErrorStream(true)
                            .start()
                            .waitFor()
                    == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** address -> {ul packets, ul bytes, dl packets, dl bytes}, from tshark's fields; null when tshark rejects. */
    static Map<String, long[]> tsharkCount(Path capture, Path dir) throws Exception {
        return tsharkCount(capture, dir, "frame");
    }

    /** {@link #tsharkCount(Path, Path)} of the frames tshark's display filter {@code filter} keeps. */
    static Map<String, long[]> tsharkCount(Path capture, Path dir, String filter) throws Exception {
        Path out = dir.resolve("fields.txt");
        Process p = new ProcessBuilder(
                        "tshark",
                        "-r",
                        capture.toString(),
                        "-Y",
                        filter,
                        "-n",
                        "-o",
                        "ip.defragment:FALSE",
                        "-T",
                        "fields",
                        "-E",
                        "separator=|",
                        "-E",
                        "occurrence=a",
                        "-E",
                        "aggregator=,",
                        "-e",
                        "frame.protocols",
                        "-e",
                        "ip.src",
                        "-e",
                        "ip.dst",
                        "-e",
                        "ip.len",
                        "-e",
                        "ipv6.src",
                        "-e",
                        "ipv6.dst",
                        "-e",
                        "ipv6.plen",
                        "-e",
                        "_ws.malformed",
                        "-e",
                        "ip.flags.mf",
                        "-e",
                        "ip.frag_offset")
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        if (p.exitValue() != 0 && Files.size(out) == 0) {
            return null;
        }
        Map<String, long[]> totals = new TreeMap<>();
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        // with reassembly off, tshark decodes GTP-U in an outer datagram's first fragment; the later fragments
        // between the same tunnel endpoints continue that subscriber packet and are not subscriber traffic
        java.util.Set<String> tunnelPairs = new java.util.HashSet<>();
        for (String line : lines) {
            String[] f = line.split("\\|", -1);
            if (f[0].contains(":gtp:")) {
                tunnelPairs.add(pick(f[1], 0) + ">" + pick(f[2], 0));
            }
        }
        for (String line : lines) {
            String[] f = line.split("\\|", -1);
            String offset = pick(f[9], 0);
            if (f[0].endsWith(":ip:data")
                    && offset != null
                    && !offset.equals("0")
                    && tunnelPairs.contains(pick(f[1], 0) + ">" + pick(f[2], 0))) {
                continue;
            }
            String[] layers = f[0].split(":");
            int chosen = -1;
            int ipSeen = 0;
            int ip6Seen = 0;
            int chosenIp = -1;
            int chosenIp6 = -1;
            boolean afterGtp = false;
            for (String layer : layers) {
                if (layer.equals("gtp")) {
                    afterGtp = true;
                }
                if (layer.equals("ip") || layer.equals("ipv6")) {
                    boolean v4 = layer.equals("ip");
                    if (chosen < 0 || afterGtp) {
                        chosen = 1;
                        chosenIp = v4 ? ipSeen : -1;
                        chosenIp6 = v4 ? -1 : ip6Seen;
                        if (afterGtp) {
                            afterGtp = false;
                            if (v4) {
                                ipSeen++;
                            } else {
                                ip6Seen++;
                            }
                            break;
                        }
                    }
                    if (v4) {
                        ipSeen++;
                    } else {
                        ip6Seen++;
                    }
                }
            }
            if (chosen < 0) {
                continue;
            }
            String src;
            String dst;
            long len;
            if (chosenIp >= 0) {
                src = pick(f[1], chosenIp);
                dst = pick(f[2], chosenIp);
                String l = pick(f[3], chosenIp);
                if (src == null || dst == null || l == null) {
                    continue;
                }
                len = Long.parseLong(l);
            } else {
                src = pick(f[4], chosenIp6);
                dst = pick(f[5], chosenIp6);
                String l = pick(f[6], chosenIp6);
                if (src == null || dst == null || l == null) {
                    continue;
                }
                len = 40 + Long.parseLong(l);
                src = canonical(src);
                dst = canonical(dst);
            }
            long[] s = totals.computeIfAbsent(src, k -> new long[4]);
            s[0]++;
            s[1] += len;
            long[] d = totals.computeIfAbsent(dst, k -> new long[4]);
            d[2]++;
            d[3] += len;
        }
        return totals;
    }

    private static String pick(String field, int index) {
        if (field.isEmpty()) {
            return null;
        }
        String[] values = field.split(",");
        return index < values.length ? values[index] : null;
    }

    private static String canonical(String v6) throws IOException {
        byte[] a = InetAddress.getByName(v6).getAddress();
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (a[i] & 0xFF);
            lo = (lo << 8) | (a[8 + i] & 0xFF);
        }
        return io.chargeflow.packet.AddressFormat.ipv6(hi, lo);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void shouldEqualTsharkPerAddressTotalsWhenMeteringBothSides(String name, Path capture, @TempDir Path dir)
            throws Exception {
        assumeTrue(tsharkAvailable(), "tshark is not installed: skipped (CI installs it)");
        Map<String, long[]> expected = tsharkCount(capture, dir);
        assumeTrue(expected != null, "tshark cannot read " + name + " (an unreadable capture is tested elsewhere)");
        assertMeterEquals(name, capture, dir, expected);
    }

    /**
     * {@code meter --default-side both --ipv6-prefix 128} of {@code capture} (with {@code extra} options) gives the
     * per-address totals {@code expected}; a capture chargeflow refuses must be one tshark refuses as well.
     */
    private static void assertMeterEquals(
            String name, Path capture, Path dir, Map<String, long[]> expected, String... extra) throws Exception {
        Path usage = dir.resolve("usage.csv");
        List<String> args = new ArrayList<>(List.of(
                "meter",
                "--quiet",
                "--default-side",
                "both",
                "--ipv6-prefix",
                "128",
                "--sub-vlan",
                "4095",
                "--net-vlan",
                "4094",
                "--processors",
                "2",
                "--out",
                usage.toString(),
                capture.toString()));
        args.addAll(1, List.of(extra));
        int code = Main.execute(args.toArray(String[]::new));
        if (code != 0) {
            // a capture chargeflow refuses (broken header) must be one tshark refuses as well
            assertThat(expected)
                    .as(name + ": chargeflow refused a file tshark reads")
                    .isEmpty();
            return;
        }
        Map<String, long[]> actual = new TreeMap<>();
        List<String> lines = Files.readAllLines(usage);
        assertThat(lines.get(0)).isEqualTo(Reports.USAGE_HEADER);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            actual.put(f[0], new long[] {
                Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4])
            });
        }
        Map<String, List<Long>> e = new TreeMap<>();
        expected.forEach((k, v) -> e.put(k, List.of(v[0], v[1], v[2], v[3])));
        Map<String, List<Long>> a = new TreeMap<>();
        actual.forEach((k, v) -> a.put(k, List.of(v[0], v[1], v[2], v[3])));
        assertThat(a).as(name).isEqualTo(e);
    }

    /** Whether the capture's first frame has a Linux cooked header (SLL or SLL2): its frames say their direction. */
    private static boolean cooked(Path capture) {
        int[] link = {-1};
        try (io.chargeflow.packet.CaptureSource source = io.chargeflow.packet.Captures.open(capture)) {
            source.read((data, offset, captured, wire, time, iface, linkType) -> link[0] = linkType, 1);
        } catch (Exception | Error e) {
            return false;
        }
        return link[0] == io.chargeflow.packet.LinkType.LINUX_SLL
                || link[0] == io.chargeflow.packet.LinkType.LINUX_SLL2;
    }

    /**
     * {@code --direction in} and {@code out} on every capture of Linux cooked frames: the per-address totals equal
     * tshark's count of the frames whose packet type is received (0..3) or sent (4); frames of other types say
     * neither and are kept by both.
     */
    /** The captures of {@link #captures} whose frames have Linux cooked headers. */
    static Stream<Arguments> cookedCaptures() throws IOException {
        return captures().filter(a -> cooked((Path) a.get()[1]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cookedCaptures")
    void shouldMeterOnlyTheFramesOfTheDirectionAskedForWhenTheCaptureIsCooked(
            String name, Path capture, @TempDir Path dir) throws Exception {
        assumeTrue(tsharkAvailable(), "tshark is not installed: skipped (CI installs it)");
        Map<String, long[]> received = tsharkCount(capture, dir, "!(sll.pkttype == 4)");
        Map<String, long[]> sent = tsharkCount(capture, dir, "!(sll.pkttype <= 3)");
        assumeTrue(received != null && sent != null, "tshark cannot read " + name);
        assertMeterEquals(name, capture, dir, received, "--direction", "in");
        assertMeterEquals(name, capture, dir, sent, "--direction", "out");
    }

    /**
     * A pcapng whose blocks record each frame's direction (epb_flags: inbound, outbound, or no option), in both byte
     * orders: {@code --direction in} and {@code out} equal tshark's count of the frames whose flags say so, plus those
     * that say nothing (kept by both).
     */
    @org.junit.jupiter.api.Test
    void shouldMeterOnlyTheDirectionAskedForWhenPcapngBlocksRecordIt(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        assumeTrue(tsharkAvailable(), "tshark is not installed: skipped (CI installs it)");
        java.util.Random random = new java.util.Random(8);
        io.chargeflow.testsupport.CaptureBuilder.Pcapng pcapng = io.chargeflow.testsupport.CaptureBuilder.pcapng();
        for (java.nio.ByteOrder order :
                new java.nio.ByteOrder[] {java.nio.ByteOrder.LITTLE_ENDIAN, java.nio.ByteOrder.BIG_ENDIAN}) {
            pcapng.section(order).interfaceBlock(io.chargeflow.packet.LinkType.ETHERNET, 65535);
            for (int i = 0; i < 300; i++) {
                String a = "10.9.0." + (1 + random.nextInt(20));
                String b = "198.51.100." + (1 + random.nextInt(5));
                boolean up = random.nextBoolean();
                byte[] frame = io.chargeflow.testsupport.CaptureBuilder.frame()
                        .ethernet()
                        .ipv4(up ? a : b, up ? b : a)
                        .udp(1000 + i, 53)
                        .payload(random.nextInt(400))
                        .build();
                int flags = switch (random.nextInt(4)) {
                    case 0 -> -1; // no option
                    case 1 -> 0; // flags present, direction not given
                    case 2 -> 1; // inbound
                    default -> 2; // outbound
                };
                pcapng.enhancedPacket(0, 1_700_000_000_000_000L + i, frame, frame.length, flags);
            }
        }
        Path capture = pcapng.write(dir.resolve("flags.pcapng"));
        Map<String, long[]> received = tsharkCount(capture, dir, "!(frame.packet_flags_direction == 2)");
        Map<String, long[]> sent = tsharkCount(capture, dir, "!(frame.packet_flags_direction == 1)");
        Map<String, long[]> all = tsharkCount(capture, dir);
        assertThat(received).isNotEqualTo(all);
        assertThat(sent).isNotEqualTo(all);
        assertMeterEquals("flags.pcapng", capture, dir, received, "--direction", "in");
        assertMeterEquals("flags.pcapng", capture, dir, sent, "--direction", "out");
        assertMeterEquals("flags.pcapng", capture, dir, all);
    }
}
