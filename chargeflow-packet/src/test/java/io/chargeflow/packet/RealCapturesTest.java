package io.chargeflow.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chargeflow.testsupport.GoldenCaptures;
import io.chargeflow.testsupport.SharedData;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every golden capture and (when ../shared is present) every shared capture: the frame count equals capinfos'
 * packet count from SOURCES.md and the snaplen-cut count its "caplen < wire length" count, streamed and mapped
 * reading agree, the unreadable files fail with the documented reason, and every frame decodes without an
 * exception.
 */
class RealCapturesTest {
    private static final Pattern SECTION =
            Pattern.compile("### (\\S+)\\n(?:(?!### ).*\\n)*?- packets \\(capinfos\\): (\\d+|n/a)", Pattern.MULTILINE);

    static Stream<String> goldenCaptures() {
        return GoldenCaptures.captureNames().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenCaptures")
    @Timeout(30)
    void shouldReadCapinfosPacketCountWhenReadingGoldenCapture(String name) throws IOException {
        Path file = GoldenCaptures.path(name);
        String expectedError = GoldenCaptures.expectedReaderError(name);
        var expected = GoldenCaptures.expectedPackets(name);
        String sources;
        try (var in = GoldenCaptures.class.getResourceAsStream("/io/chargeflow/testsupport/captures/SOURCES.md")) {
            sources = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        checkCapture(
                name, file, expectedError, expected.isPresent() ? expected.getAsInt() : -1, snaplenCut(sources, name));
    }

    @Test
    @Timeout(120)
    void shouldReadCapinfosPacketCountWhenReadingEverySharedCapture() throws IOException {
        Path dir = SharedData.assumeCaptures();
        String sources = Files.readString(dir.resolve("SOURCES.md"));
        Matcher m = SECTION.matcher(sources);
        int checked = 0;
        while (m.find()) {
            String name = m.group(1);
            int count = m.group(2).equals("n/a") ? -1 : Integer.parseInt(m.group(2));
            Matcher error = Pattern.compile("### " + Pattern.quote(name)
                            + "\\n(?:(?!### ).*\\n)*?- reader result \\(expected for this file\\): `\\((.*)\\)`")
                    .matcher(sources);
            checkCapture(
                    name, dir.resolve(name), error.find() ? error.group(1) : null, count, snaplenCut(sources, name));
            checked++;
        }
        assertThat(checked).isEqualTo(58);
    }

    /** The "snaplen-cut packets" count of {@code name}'s SOURCES.md section, 0 when the section has none. */
    private static long snaplenCut(String sources, String name) {
        int section = sources.indexOf("### " + name + "\n");
        int end = sources.indexOf("\n### ", section + 4);
        Matcher m = Pattern.compile("- snaplen-cut packets \\(caplen < wire length\\): (\\d+)")
                .matcher(sources.substring(section, end < 0 ? sources.length() : end));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static void checkCapture(
            String name, Path file, String expectedError, int expectedFrames, long expectedSnaplenCut)
            throws IOException {
        if (expectedError != null) {
            String reason = expectedError.replaceFirst("^pcap(ng)?: ", "");
            assertThat(expectedFrames).as(name).isEqualTo(-1);
            assertThatThrownBy(() -> readAndDecode(file, false))
                    .as(name)
                    .isInstanceOf(CaptureFormatException.class)
                    .hasMessageContaining(reason);
            return;
        }
        CaptureStats streamed = readAndDecode(file, false);
        CaptureStats mapped = readAndDecode(file, true);
        assertThat(streamed.frames).as(name).isEqualTo(expectedFrames);
        assertThat(streamed.truncatedFrames).as(name + " snaplen-cut").isEqualTo(expectedSnaplenCut);
        assertThat(streamed.brokenRecords).as(name + " broken").isZero();
        assertThat(mapped.toString()).as(name + " mapped").isEqualTo(streamed.toString());
    }

    /** Reads (by default, or mapped) and decodes every frame; returns the reader's stats. */
    static CaptureStats readAndDecode(Path file, boolean mapped) throws IOException {
        PacketDecoder decoder = new PacketDecoder();
        DecodedPacket packet = new DecodedPacket();
        Map<MalformedReason, Integer> reasons = new EnumMap<>(MalformedReason.class);
        FrameHandler handler = (MemorySegment data, long offset, int cap, int orig, long ts, int iface, int lt) ->
                reasons.merge(decoder.decode(data, offset, cap, orig, lt, iface, packet), 1, Integer::sum);
        try (CaptureSource source = mapped ? Captures.openMapped(file) : Captures.open(file)) {
            while (source.read(handler, 64) != CaptureSource.END_OF_INPUT) {
                // drain
            }
            assertThat(source.stats().frames)
                    .isEqualTo(reasons.values().stream().mapToLong(i -> i).sum());
            return source.stats();
        }
    }

    @Test
    void shouldListEveryCaptureOnceWhenAskingGoldenNames() {
        List<String> names = GoldenCaptures.captureNames();
        assertThat(names).hasSize(51).doesNotHaveDuplicates().noneMatch(n -> n.startsWith("ndpi_"));
    }
}
