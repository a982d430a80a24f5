package io.chargeflow.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chargeflow.testsupport.GoldenCaptures;
import io.chargeflow.testsupport.SharedData;
import io.chargeflow.testsupport.Tshark;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Per frame, the innermost IP source, destination and length we charge equal tshark's (the first IP header, or the
 * one right after GTP), with IP reassembly off in tshark. Frames we do not charge must be ones tshark shows without
 * an IP layer, or ones tshark itself flags (malformed, or an IP length beyond the captured frame). Timestamps
 * equal tshark's frame.time_epoch to the nanosecond.
 */
class TsharkComparisonTest {
    private static final String[] FIELDS = {
        "frame.protocols",
        "ip.src",
        "ip.dst",
        "ip.len",
        "ipv6.src",
        "ipv6.dst",
        "ipv6.plen",
        "_ws.malformed",
        "gtp.message",
        "frame.len",
        "frame.time_epoch"
    };

    static Stream<Arguments> captures() throws IOException {
        List<Arguments> args = new ArrayList<>();
        for (String name : GoldenCaptures.captureNames()) {
            args.add(Arguments.of(name, GoldenCaptures.path(name)));
        }
        var shared = SharedData.captures();
        if (shared.isPresent()) {
            try (var files = Files.list(shared.get())) {
                files.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".pcap") || n.endsWith(".pcapng"))
                        .filter(n -> !GoldenCaptures.captureNames().contains(n))
                        .sorted()
                        .forEach(n -> args.add(
                                Arguments.of("shared/" + n, shared.get().resolve(n))));
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    @Timeout(120)
    void shouldChargeTsharksInnermostAddressesAndLengthWhenDecodingRealCapture(String name, Path file)
            throws IOException {
        assumeTrue(Tshark.available(), "tshark is not installed: skipped (CI installs it)");
        List<String> ours = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        PacketDecoder decoder = new PacketDecoder();
        DecodedPacket p = new DecodedPacket();
        FrameHandler handler = (MemorySegment data, long offset, int cap, int orig, long ts, int iface, int lt) -> {
            times.add(ts);
            MalformedReason reason = decoder.decode(data, offset, cap, orig, lt, iface, p);
            if (reason != MalformedReason.NONE) {
                ours.add(reason.name());
            } else if (p.ipVersion == 4) {
                ours.add(AddressFormat.ipv4(p.srcV4) + " " + AddressFormat.ipv4(p.dstV4) + " " + p.ipLength);
            } else {
                ours.add(AddressFormat.ipv6(p.srcHi, p.srcLo) + " " + AddressFormat.ipv6(p.dstHi, p.dstLo) + " "
                        + p.ipLength);
            }
        };
        try (CaptureSource source = Captures.open(file)) {
            while (source.read(handler, 256) != CaptureSource.END_OF_INPUT) {
                // drain
            }
        } catch (CaptureFormatException e) {
            assumeTrue(false, "unreadable file, covered by RealCapturesTest: " + e.getMessage());
        }
        List<String[]> rows = Tshark.fields(file, FIELDS);
        assertThat(ours).as(name + " frame count").hasSameSizeAs(rows);
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            String expected = tsharkInnermost(rows.get(i));
            String actual = ours.get(i);
            // nanoseconds in a long end in 2262: beyond (ppp_pcapng-example.pcapng has frames tshark puts in
            // year 586524) our time is the low 64 bits of tshark's
            long tsharkNs = new java.math.BigDecimal(rows.get(i)[10])
                    .movePointRight(9)
                    .toBigIntegerExact()
                    .longValue();
            if (tsharkNs != times.get(i)) {
                mismatches.add("frame " + (i + 1) + ": tshark time " + tsharkNs + " ns, we " + times.get(i));
            }
            // tshark flags the frame itself: malformed, or it could not show the header's addresses
            boolean tsharkFlags = !rows.get(i)[7].isEmpty()
                    || (expected != null && (expected.startsWith(" ") || expected.contains("null")));
            if (expected == null) {
                if (!actual.matches("[A-Z_]+")) {
                    mismatches.add("frame " + (i + 1) + ": tshark has no IP, we charge " + actual);
                }
            } else if (!expected.equals(actual) && !(tsharkFlags && actual.matches("[A-Z_]+"))) {
                mismatches.add("frame " + (i + 1) + ": tshark " + expected + " we " + actual);
            }
        }
        assertThat(mismatches).as(name).isEmpty();
    }

    /** "src dst length" of the first IP header, or of the one right after gtp; null when there is none. */
    static String tsharkInnermost(String[] row) throws IOException {
        String[] layers = row[0].split(":");
        int v4 = 0;
        int v6 = 0;
        int chosenV4 = -1;
        int chosenV6 = -1;
        boolean afterGtp = false;
        for (String layer : layers) {
            if (layer.equals("gtp")) {
                afterGtp = true;
                continue;
            }
            if (layer.equals("ip") || layer.equals("ipv6")) {
                if ((chosenV4 < 0 && chosenV6 < 0) || afterGtp) {
                    chosenV4 = layer.equals("ip") ? v4 : -1;
                    chosenV6 = layer.equals("ipv6") ? v6 : -1;
                }
                if (afterGtp) {
                    break;
                }
                if (layer.equals("ip")) {
                    v4++;
                } else {
                    v6++;
                }
            }
            afterGtp = false;
        }
        if (chosenV4 >= 0) {
            return pick(row[1], chosenV4) + " " + pick(row[2], chosenV4) + " " + pick(row[3], chosenV4);
        }
        if (chosenV6 >= 0) {
            String plen = pick(row[6], chosenV6);
            return canonical(pick(row[4], chosenV6)) + " " + canonical(pick(row[5], chosenV6)) + " "
                    + (plen == null ? "?" : String.valueOf(40 + Integer.parseInt(plen)));
        }
        return null;
    }

    private static String pick(String field, int index) {
        String[] values = field.split(",");
        return index < values.length ? values[index] : null;
    }

    private static String canonical(String v6) throws IOException {
        if (v6 == null) {
            return "?";
        }
        byte[] a = InetAddress.getByName(v6).getAddress();
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (a[i] & 0xFF);
            lo = (lo << 8) | (a[8 + i] & 0xFF);
        }
        return AddressFormat.ipv6(hi, lo);
    }
}
