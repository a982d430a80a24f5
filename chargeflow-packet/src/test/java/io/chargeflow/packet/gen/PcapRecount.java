package io.chargeflow.packet.gen;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An independent, deliberately plain re-count of a generated capture: reads the pcap with java.nio and applies the
 * charging rule from its written description (innermost VLAN decides the side, GTP-U G-PDUs on UDP 2152 are charged
 * by their inner packet, malformed frames by reason, snaplen-cut frames by IP length). Shares no code with the
 * generator; keys are text {@code v4:<hex>} or {@code v6:<hex hi><hex lo>/<len>}. Test thread only.
 */
final class PcapRecount {
    static final String UP = "ul";

    final Map<String, long[]> perKey = new TreeMap<>();
    final Map<String, Long> malformed = new HashMap<>();
    /** Per frame (index = frame number - 1): "ul", "dl", "unclassified" or the malformed reason label. */
    final List<String> frameVerdicts = new ArrayList<>();
    /** Per frame: hash of the captured bytes of the charged (innermost) IP packet, 0 when not charged. */
    final List<Integer> chargedPacketHashes = new ArrayList<>();

    long frames;
    long chargedFrames;
    long chargedBytes;
    long unclassified;
    long gtpFrames;
    long snaplenCut;
    long lastTimestampNs = Long.MIN_VALUE;
    boolean timestampsIncreasing = true;
    long firstTimestampNs = -1;
    boolean nanos;

    private final int subVlan;
    private final int netVlan;
    private final int prefixLength;

    // result of inspecting one IP packet
    private String problem;
    private String key;
    private int chargedLength;
    private int chargedStart;
    private boolean viaGtp;

    private PcapRecount(int subVlan, int netVlan, int prefixLength) {
        this.subVlan = subVlan;
        this.netVlan = netVlan;
        this.prefixLength = prefixLength;
    }

    static PcapRecount of(Path pcap, GeneratorConfig config) throws IOException {
        PcapRecount recount = new PcapRecount(config.subVlan(), config.netVlan(), config.ipv6PrefixLength());
        recount.read(ByteBuffer.wrap(Files.readAllBytes(pcap)));
        return recount;
    }

    private void read(ByteBuffer file) {
        file.order(ByteOrder.LITTLE_ENDIAN);
        int magic = file.getInt(0);
        if (magic != 0xA1B2C3D4 && magic != 0xA1B23C4D) {
            throw new IllegalStateException("magic=" + Integer.toHexString(magic));
        }
        nanos = magic == 0xA1B23C4D;
        if (file.getInt(20) != 1) {
            throw new IllegalStateException("linktype=" + file.getInt(20));
        }
        int pos = 24;
        while (pos < file.limit()) {
            long seconds = file.getInt(pos) & 0xFFFF_FFFFL;
            long fraction = file.getInt(pos + 4) & 0xFFFF_FFFFL;
            long timestampNs = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1000);
            if (firstTimestampNs < 0) {
                firstTimestampNs = timestampNs;
            }
            if (timestampNs < lastTimestampNs) {
                timestampsIncreasing = false;
            }
            lastTimestampNs = timestampNs;
            int captured = file.getInt(pos + 8);
            int wire = file.getInt(pos + 12);
            byte[] frame = new byte[captured];
            file.get(pos + 16, frame);
            frames++;
            if (captured < wire) {
                snaplenCut++;
            }
            chargedStart = -1;
            String verdict = frame(frame, wire);
            frameVerdicts.add(verdict);
            boolean charged = verdict.equals(UP) || verdict.equals("dl");
            chargedPacketHashes.add(
                    charged
                            ? Arrays.hashCode(Arrays.copyOfRange(
                                    frame, chargedStart, Math.min(frame.length, chargedStart + chargedLength)))
                            : 0);
            pos += 16 + captured;
        }
        if (pos != file.limit()) {
            throw new IllegalStateException("trailing bytes at " + pos);
        }
    }

    private String frame(byte[] f, int wire) {
        if (f.length < 14) {
            return bad("truncated-link-header");
        }
        int off = 12;
        int vlan = -1;
        int type = u16(f, off);
        while (type == 0x8100 || type == 0x88A8 || type == 0x9100) {
            if (f.length < off + 6) {
                return bad("truncated-link-header");
            }
            vlan = u16(f, off + 2) & 0xFFF;
            off += 4;
            type = u16(f, off);
        }
        off += 2;
        if (type != 0x0800 && type != 0x86DD) {
            return bad("unknown-ethertype");
        }
        problem = null;
        viaGtp = false;
        boolean up = vlan == subVlan;
        ip(f, off, wire - off, type == 0x0800 ? 4 : 6, up, true);
        if (problem != null) {
            return bad(problem);
        }
        if (vlan != subVlan && vlan != netVlan) {
            unclassified++;
            return "unclassified";
        }
        long[] totals = perKey.computeIfAbsent(key, k -> new long[4]);
        totals[up ? 0 : 2]++;
        totals[up ? 1 : 3] += chargedLength;
        chargedFrames++;
        chargedBytes += chargedLength;
        if (viaGtp) {
            gtpFrames++;
        }
        return up ? UP : "dl";
    }

    /** Uplink frames followed at once by a downlink frame carrying the very same IP packet: hairpinned pairs. */
    long hairpinPairs() {
        long pairs = 0;
        for (int i = 0; i + 1 < frameVerdicts.size(); i++) {
            if (frameVerdicts.get(i).equals(UP)
                    && frameVerdicts.get(i + 1).equals("dl")
                    && chargedPacketHashes.get(i).equals(chargedPacketHashes.get(i + 1))) {
                pairs++;
                i++;
            }
        }
        return pairs;
    }

    private String bad(String reason) {
        malformed.merge(reason, 1L, Long::sum);
        return reason;
    }

    /** Inspects the IP packet at {@code off}; sets problem, or key and chargedLength. */
    private void ip(byte[] f, int off, int wireLeft, int expectedVersion, boolean up, boolean outer) {
        int captured = f.length - off;
        if (captured < 1) {
            problem = outer ? "truncated-ip-header" : "bad-inner-packet";
            return;
        }
        int version = (f[off] & 0xFF) >> 4;
        if (expectedVersion != 0 && version != expectedVersion || version != 4 && version != 6) {
            problem = outer ? "bad-ip-version" : "bad-inner-packet";
            return;
        }
        if (version == 4) {
            ipv4(f, off, wireLeft, up, outer);
        } else {
            ipv6(f, off, wireLeft, up, outer);
        }
    }

    private void ipv4(byte[] f, int off, int wireLeft, boolean up, boolean outer) {
        int captured = f.length - off;
        if (captured < 20) {
            problem = outer ? "truncated-ip-header" : "bad-inner-packet";
            return;
        }
        int ihl = (f[off] & 0x0F) * 4;
        int total = u16(f, off + 2);
        if (ihl < 20 || ihl > captured) {
            problem = outer ? "bad-ihl" : "bad-inner-packet";
            return;
        }
        if (total < ihl) {
            problem = outer ? "ip-length-shorter-than-header" : "bad-inner-packet";
            return;
        }
        if (total > wireLeft) {
            problem = outer ? "ip-length-exceeds-frame" : "bad-inner-packet";
            return;
        }
        boolean fragment = (u16(f, off + 6) & 0x3FFF) != 0;
        if (outer && !fragment && (f[off + 9] & 0xFF) == 17 && captured >= ihl + 4 && u16(f, off + ihl + 2) == 2152) {
            gtp(f, off + ihl + 8, off + total, up);
            return;
        }
        key = "v4:" + String.format("%08x", u32(f, off + (up ? 12 : 16)));
        chargedLength = total;
        chargedStart = off;
    }

    private void ipv6(byte[] f, int off, int wireLeft, boolean up, boolean outer) {
        int captured = f.length - off;
        if (captured < 40) {
            problem = outer ? "truncated-ip-header" : "bad-inner-packet";
            return;
        }
        int payload = u16(f, off + 4);
        int next = f[off + 6] & 0xFF;
        if (payload == 0 && next == 0 && captured >= 44 && (f[off + 42] & 0xFF) == 0xC2) {
            problem = "unsupported-jumbogram";
            return;
        }
        int total = 40 + payload;
        if (total > wireLeft) {
            problem = outer ? "ip-length-exceeds-frame" : "bad-inner-packet";
            return;
        }
        int at = off + 40;
        while (next == 0 || next == 43 || next == 60) {
            if (at + 2 > off + total || at + 2 > f.length) {
                problem = "bad-ipv6-extension";
                return;
            }
            int length = ((f[at + 1] & 0xFF) + 1) * 8;
            if (at + length > off + total) {
                problem = "bad-ipv6-extension";
                return;
            }
            next = f[at] & 0xFF;
            at += length;
        }
        int a = off + (up ? 8 : 24);
        long hi = u64(f, a);
        long lo = u64(f, a + 8);
        if (prefixLength <= 64) {
            hi &= prefixLength == 64 ? -1L : ~(-1L >>> prefixLength);
            lo = 0;
        } else if (prefixLength < 128) {
            lo &= ~(-1L >>> (prefixLength - 64));
        }
        key = "v6:" + String.format("%016x%016x", hi, lo) + "/" + prefixLength;
        chargedLength = total;
        chargedStart = off;
    }

    /** A GTP-U header at {@code g} whose datagram ends at {@code end}. */
    private void gtp(byte[] f, int g, int end, boolean up) {
        if (f.length < g + 8) {
            problem = "truncated-tunnel";
            return;
        }
        int flags = f[g] & 0xFF;
        if (flags >> 5 != 1) {
            problem = "bad-gtp";
            return;
        }
        if ((f[g + 1] & 0xFF) != 0xFF) {
            problem = "gtp-not-gpdu";
            return;
        }
        int header = 8;
        if ((flags & 0x07) != 0) {
            header = 12;
            if (f.length < g + 12) {
                problem = "truncated-tunnel";
                return;
            }
            int next = f[g + 11] & 0xFF;
            while ((flags & 0x04) != 0 && next != 0) {
                if (f.length < g + header + 1) {
                    problem = "truncated-tunnel";
                    return;
                }
                int length = (f[g + header] & 0xFF) * 4;
                if (length == 0 || g + header + length > end) {
                    problem = "bad-gtp";
                    return;
                }
                next = f[g + header + length - 1] & 0xFF;
                header += length;
            }
        }
        viaGtp = true;
        ip(f, g + header, end - g - header, 0, up, false);
    }

    private static int u16(byte[] f, int o) {
        return (f[o] & 0xFF) << 8 | (f[o + 1] & 0xFF);
    }

    private static long u32(byte[] f, int o) {
        return ((long) u16(f, o) << 16) | u16(f, o + 2);
    }

    private static long u64(byte[] f, int o) {
        return u32(f, o) << 32 | u32(f, o + 4);
    }
}
