package io.chargeflow.packet.gen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TrafficGeneratorTest {
    @TempDir
    Path dir;

    private final TrafficGenerator generator = new TrafficGenerator();

    static Stream<Arguments> mixes() {
        GeneratorConfig.Builder base = GeneratorConfig.builder().packets(30_000).subscribers(2_000);
        return Stream.of(
                Arguments.of("default mix", base.seed(1).build()),
                Arguments.of(
                        "all IPv6",
                        base.seed(2).build().toBuilder().ipv6Share(1.0).build()),
                Arguments.of(
                        "all GTP-U",
                        base.seed(3).build().toBuilder().gtpShare(1.0).build()),
                Arguments.of(
                        "heavy malformed",
                        base.seed(4).build().toBuilder().malformedShare(0.3).build()),
                Arguments.of(
                        "/128 keys",
                        base.seed(5).build().toBuilder().ipv6PrefixLength(128).build()),
                Arguments.of(
                        "/56 keys, nanos, mostly QinQ, other VLANs",
                        base.seed(6).build().toBuilder()
                                .ipv6PrefixLength(56)
                                .nanosecondTimestamps(true)
                                .qinqShare(0.8)
                                .subVlan(1000)
                                .netVlan(3001)
                                .build()),
                Arguments.of(
                        "/96 keys, heavy p2p and fragments and snaplen cuts",
                        base.seed(7).build().toBuilder()
                                .ipv6PrefixLength(96)
                                .p2pShare(0.3)
                                .fragmentShare(0.2)
                                .snaplenCutShare(0.5)
                                .build()),
                Arguments.of(
                        "plain: no special frames",
                        base.seed(8).build().toBuilder()
                                .gtpShare(0)
                                .qinqShare(0)
                                .p2pShare(0)
                                .malformedShare(0)
                                .unclassifiedShare(0)
                                .snaplenCutShare(0)
                                .fragmentShare(0)
                                .build()),
                Arguments.of(
                        "one subscriber",
                        base.seed(9).build().toBuilder()
                                .subscribers(1)
                                .packets(500)
                                .build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mixes")
    void shouldMatchIndependentRecountWhenReadBack(String name, GeneratorConfig config) throws IOException {
        Path pcap = dir.resolve("gen.pcap");
        Path truth = dir.resolve("truth.csv");
        GeneratorResult result = generator.generate(config, pcap, truth);
        PcapRecount recount = PcapRecount.of(pcap, config);
        String seed = "seed=" + config.seed() + " mix=" + name;

        assertThat(readTruth(truth, config.ipv6PrefixLength())).as(seed).isEqualTo(asLists(recount.perKey));
        assertThat(recount.frames).as(seed).isEqualTo(config.packets());
        assertThat(result.totalFrames()).as(seed).isEqualTo(config.packets());
        assertThat(result.chargedFrames()).as(seed).isEqualTo(recount.chargedFrames);
        assertThat(result.chargedBytes()).as(seed).isEqualTo(recount.chargedBytes);
        assertThat(result.unclassifiedFrames()).as(seed).isEqualTo(recount.unclassified);
        assertThat(result.gtpFrames()).as(seed).isEqualTo(recount.gtpFrames);
        assertThat(result.snaplenCutFrames()
                        + result.malformedByReason().get("truncated-link-header")
                        + result.malformedByReason().get("truncated-ip-header")
                        + result.malformedByReason().get("truncated-tunnel")
                        + result.malformedByReason().get("unsupported-jumbogram"))
                .as(seed)
                .isEqualTo(recount.snaplenCut);
        assertThat(nonZero(result.malformedByReason())).as(seed).isEqualTo(recount.malformed);
        assertThat(result.subscribers()).as(seed).isEqualTo(recount.perKey.size());
        assertThat(result.p2pPairs()).as(seed).isEqualTo(recount.hairpinPairs());
        assertThat(result.chargedFrames() + result.unclassifiedFrames() + result.malformedFrames())
                .as(seed)
                .isEqualTo(result.totalFrames());
        assertThat(recount.timestampsIncreasing).as(seed).isTrue();
        assertThat(recount.nanos).as(seed).isEqualTo(config.nanosecondTimestamps());
        assertThat(recount.firstTimestampNs).as(seed).isGreaterThanOrEqualTo(startNs(config));
        assertThat(recount.lastTimestampNs)
                .as(seed)
                .isLessThan(startNs(config) + config.duration().toNanos());
        assertThat(Files.size(pcap)).as(seed).isEqualTo(result.pcapBytes());
        assertThat(sidecarNumbers(truth)).as(seed).isEqualTo(expectedSidecar(result));
    }

    @Test
    void shouldWriteEveryMalformedReasonWhenMalformedShareIsHigh() throws IOException {
        GeneratorConfig config = GeneratorConfig.builder()
                .seed(11)
                .packets(2_000)
                .subscribers(50)
                .malformedShare(0.5)
                .build();
        GeneratorResult result = generator.generate(config, dir.resolve("m.pcap"), dir.resolve("m.csv"));

        assertThat(result.malformedByReason().keySet())
                .containsExactly(TrafficGenerator.MALFORMED_REASONS.stream()
                        .map(reason -> reason.label())
                        .toArray(String[]::new));
        assertThat(result.malformedByReason().values())
                .allSatisfy(count -> assertThat(count).isGreaterThan(50L));
    }

    @Test
    void shouldWriteIdenticalBytesWhenSeedIsRepeated() throws IOException {
        GeneratorConfig config = GeneratorConfig.builder()
                .seed(42)
                .packets(20_000)
                .subscribers(1_000)
                .build();
        generator.generate(config, dir.resolve("a.pcap"), dir.resolve("a.csv"));
        generator.generate(config, dir.resolve("b.pcap"), dir.resolve("b.csv"));

        assertThat(sha256(dir.resolve("b.pcap"))).isEqualTo(sha256(dir.resolve("a.pcap")));
        assertThat(sha256(dir.resolve("b.csv"))).isEqualTo(sha256(dir.resolve("a.csv")));
        assertThat(sha256(dir.resolve("b.csv.json"))).isEqualTo(sha256(dir.resolve("a.csv.json")));
    }

    @Test
    void shouldWriteDifferentBytesWhenSeedDiffers() throws IOException {
        GeneratorConfig config = GeneratorConfig.builder()
                .seed(42)
                .packets(20_000)
                .subscribers(1_000)
                .build();
        generator.generate(config, dir.resolve("a.pcap"), dir.resolve("a.csv"));
        generator.generate(config.toBuilder().seed(43).build(), dir.resolve("b.pcap"), dir.resolve("b.csv"));

        assertThat(sha256(dir.resolve("b.pcap"))).isNotEqualTo(sha256(dir.resolve("a.pcap")));
        assertThat(sha256(dir.resolve("b.csv"))).isNotEqualTo(sha256(dir.resolve("a.csv")));
    }

    @ParameterizedTest(name = "packets={0}")
    @ValueSource(longs = {1, 2, 3, 4, 17, 1_001})
    void shouldWriteExactlyThePacketCountWhenMultiFrameEventsDoNotFit(long packets) throws IOException {
        GeneratorConfig config = GeneratorConfig.builder()
                .seed(packets)
                .packets(packets)
                .subscribers(10)
                .p2pShare(0.5)
                .fragmentShare(0.5)
                .malformedShare(0)
                .unclassifiedShare(0)
                .build();
        GeneratorResult result = generator.generate(config, dir.resolve("n.pcap"), dir.resolve("n.csv"));

        assertThat(PcapRecount.of(dir.resolve("n.pcap"), config).frames).isEqualTo(packets);
        assertThat(result.totalFrames()).isEqualTo(packets);
        assertThat(result.chargedFrames()).isEqualTo(packets);
    }

    @Test
    void shouldKeyIpv6ByPrefixWhenUesUseSeveralInterfaceIds() throws IOException {
        GeneratorConfig config = GeneratorConfig.builder()
                .seed(5)
                .packets(20_000)
                .subscribers(200)
                .ipv6Share(1.0)
                .build();
        GeneratorResult byPrefix = generator.generate(config, dir.resolve("p.pcap"), dir.resolve("p.csv"));
        GeneratorResult byAddress = generator.generate(
                config.toBuilder().ipv6PrefixLength(128).build(), dir.resolve("a.pcap"), dir.resolve("a.csv"));

        assertThat(byPrefix.subscribers()).isEqualTo(200);
        assertThat(byAddress.subscribers()).isGreaterThan(300);
        assertThat(sha256(dir.resolve("a.pcap"))).isEqualTo(sha256(dir.resolve("p.pcap")));
        List<String> rows = Files.readAllLines(dir.resolve("p.csv"));
        assertThat(rows.get(0)).isEqualTo("subscriber,ul_packets,ul_bytes,dl_packets,dl_bytes");
        assertThat(rows.subList(1, rows.size()))
                .allSatisfy(row -> assertThat(row).matches("[0-9a-f:]+::/64,\\d+,\\d+,\\d+,\\d+"));
        assertThat(Files.readAllLines(dir.resolve("a.csv")).subList(1, 10))
                .allSatisfy(row -> assertThat(row).doesNotContain("/").matches("[0-9a-f:]+,\\d+,\\d+,\\d+,\\d+"));
    }

    @Test
    void shouldSortTruthRowsIpv4FirstThenIpv6InAddressOrder() throws IOException {
        GeneratorConfig config = GeneratorConfig.builder()
                .seed(3)
                .packets(10_000)
                .subscribers(500)
                .build();
        generator.generate(config, dir.resolve("s.pcap"), dir.resolve("s.csv"));
        List<String> rows = Files.readAllLines(dir.resolve("s.csv"));

        List<String> keys = rows.subList(1, rows.size()).stream()
                .map(row -> sortKey(row.substring(0, row.indexOf(','))))
                .toList();
        assertThat(keys).isSorted();
        assertThat(keys).hasSize(500);
        assertThat(keys.getFirst()).startsWith("4");
        assertThat(keys.getLast()).startsWith("6");
    }

    private static String sortKey(String subscriber) {
        try {
            String address = subscriber.contains("/") ? subscriber.substring(0, subscriber.indexOf('/')) : subscriber;
            byte[] bytes = InetAddress.getByName(address).getAddress();
            return (bytes.length == 4 ? "4" : "6") + HexFormat.of().formatHex(bytes);
        } catch (IOException e) {
            throw new AssertionError("subscriber=" + subscriber + " is not an address", e);
        }
    }

    /** Truth rows keyed like {@link PcapRecount}: parsed with InetAddress, not with the generator's formatter. */
    private static Map<String, List<Long>> readTruth(Path truth, int prefixLength) throws IOException {
        List<String> lines = Files.readAllLines(truth);
        assertThat(lines.getFirst()).isEqualTo("subscriber,ul_packets,ul_bytes,dl_packets,dl_bytes");
        Map<String, List<Long>> rows = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            String text = cells[0];
            boolean v6 = text.contains(":");
            String address = text.contains("/") ? text.substring(0, text.indexOf('/')) : text;
            int length = text.contains("/") ? Integer.parseInt(text.substring(text.indexOf('/') + 1)) : 128;
            String hex = HexFormat.of().formatHex(InetAddress.getByName(address).getAddress());
            if (v6) {
                assertThat(length).as("prefix of " + text).isEqualTo(prefixLength);
            }
            String key = v6 ? "v6:" + hex + "/" + prefixLength : "v4:" + hex;
            List<Long> values = List.of(
                    Long.parseLong(cells[1]),
                    Long.parseLong(cells[2]),
                    Long.parseLong(cells[3]),
                    Long.parseLong(cells[4]));
            assertThat(rows.put(key, values)).as("duplicate key " + text).isNull();
        }
        return rows;
    }

    private static Map<String, List<Long>> asLists(Map<String, long[]> perKey) {
        Map<String, List<Long>> rows = new TreeMap<>();
        perKey.forEach((key, totals) -> rows.put(key, List.of(totals[0], totals[1], totals[2], totals[3])));
        return rows;
    }

    private static Map<String, Long> nonZero(Map<String, Long> byReason) {
        Map<String, Long> result = new TreeMap<>();
        byReason.forEach((reason, count) -> {
            if (count > 0) {
                result.put(reason, count);
            }
        });
        return result;
    }

    private static Map<String, Long> sidecarNumbers(Path truth) throws IOException {
        String json = Files.readString(TrafficGenerator.sidecar(truth));
        assertThat(json.strip()).startsWith("{").endsWith("}");
        Map<String, Long> numbers = new LinkedHashMap<>();
        Matcher m = Pattern.compile("\"([a-z0-9_-]+)\": (\\d+)").matcher(json);
        while (m.find()) {
            numbers.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return numbers;
    }

    private static Map<String, Long> expectedSidecar(GeneratorResult r) {
        Map<String, Long> numbers = new LinkedHashMap<>();
        numbers.put("total_frames", r.totalFrames());
        numbers.put("charged_frames", r.chargedFrames());
        numbers.put("charged_bytes", r.chargedBytes());
        numbers.put("uplink_frames", r.uplinkFrames());
        numbers.put("uplink_bytes", r.uplinkBytes());
        numbers.put("downlink_frames", r.downlinkFrames());
        numbers.put("downlink_bytes", r.downlinkBytes());
        numbers.put("unclassified_frames", r.unclassifiedFrames());
        numbers.put("malformed_frames", r.malformedFrames());
        numbers.putAll(r.malformedByReason());
        numbers.put("gtp_frames", r.gtpFrames());
        numbers.put("qinq_frames", r.qinqFrames());
        numbers.put("fragment_frames", r.fragmentFrames());
        numbers.put("snaplen_cut_frames", r.snaplenCutFrames());
        numbers.put("p2p_pairs", r.p2pPairs());
        numbers.put("pcap_bytes", r.pcapBytes());
        numbers.put("subscribers", r.subscribers());
        return numbers;
    }

    private static long startNs(GeneratorConfig config) {
        Instant start = config.start();
        return start.getEpochSecond() * 1_000_000_000L + start.getNano();
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldSpreadTimestampsOverTheDurationWhenDurationIsShort() throws IOException {
        GeneratorConfig config = GeneratorConfig.builder()
                .seed(12)
                .packets(5_000)
                .subscribers(100)
                .duration(Duration.ofMillis(3))
                .nanosecondTimestamps(true)
                .build();
        generator.generate(config, dir.resolve("t.pcap"), dir.resolve("t.csv"));
        PcapRecount recount = PcapRecount.of(dir.resolve("t.pcap"), config);

        assertThat(recount.timestampsIncreasing).isTrue();
        assertThat(recount.lastTimestampNs - recount.firstTimestampNs).isBetween(2_990_000L, 3_000_000L);
    }
}
