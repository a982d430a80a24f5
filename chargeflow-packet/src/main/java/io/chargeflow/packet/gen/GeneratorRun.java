package io.chargeflow.packet.gen;

import io.chargeflow.packet.MalformedReason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * One generation run: draws events from the seed, builds each frame in place in the {@link PcapSink} buffer and
 * charges the {@link TruthTable} from the very decisions that shaped the frame. Generating thread only.
 *
 * <p>Per frame it allocates nothing: the packet being built lives in scratch fields, payload bytes are copied from
 * a seeded noise block, and counters are primitives. Events are: an ordinary packet of a subscriber flow (uplink
 * on the subscriber VLAN, possibly inside GTP-U; downlink on the network VLAN), a peer-to-peer pair, a fragmented
 * UDP datagram, an unclassified frame, or a malformed frame (the next reason of {@link
 * TrafficGenerator#MALFORMED_REASONS}, round robin, so every reason appears once the run is long enough).
 */
final class GeneratorRun {
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_IPV6 = 0x86DD;
    static final int ETHERTYPE_ARP = 0x0806;
    static final int TPID_CUSTOMER = 0x8100;
    static final int TPID_SERVICE = 0x88A8;
    static final int GTPU_PORT = 2152;

    private static final int PROTO_HOPOPT = 0;
    private static final int PROTO_ICMP = 1;
    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;
    private static final int PROTO_FRAGMENT = 44;
    private static final int PROTO_ICMPV6 = 58;
    private static final int PROTO_NONE = 59;

    private static final int TCP_FIN = 0x01;
    private static final int TCP_SYN = 0x02;
    private static final int TCP_PSH = 0x08;
    private static final int TCP_ACK = 0x10;
    private static final int IPV4_DONT_FRAGMENT = 0x4000;
    private static final int IPV4_MORE_FRAGMENTS = 0x2000;

    private static final int KIND_HTTPS = 0;
    private static final int KIND_HTTP = 1;
    private static final int KIND_QUIC = 2;
    private static final int KIND_DNS = 3;
    private static final int KIND_RTP = 4;
    private static final int KIND_ECHO = 5;

    /** Ethernet frames shorter than this (without FCS) are padded with zeros, as on the wire. */
    private static final int MIN_FRAME = 60;
    /** What a snaplen-cut frame keeps, at least: a classic tcpdump -s 96, or up to the end of the transport header. */
    private static final int SNAP_BYTES = 96;

    private static final int NOISE_SPAN = 64 << 10;
    private static final int SERVERS = 64;

    private static final long MAC_GATEWAY_SUB = 0x0200_00BB_0001L;
    private static final long MAC_GATEWAY_NET = 0x0200_00BB_0002L;
    private static final long MAC_RAN_ROUTER = 0x0200_00AA_0001L;
    private static final long MAC_INTERNET_ROUTER = 0x0200_00CC_0001L;
    private static final int RESOLVER_V4 = 0x0808_0808;
    private static final long RESOLVER_V6_HI = 0x2001_4860_4860_0000L;
    private static final long RESOLVER_V6_LO = 0x8888L;
    private static final String[] NAMES = {
        "www.google.com",
        "video.example.net",
        "cdn.chargeflow.io",
        "api.weather.example",
        "m.facebook.com",
        "edge.streaming.example",
        "time.example.org",
        "push.apple.example"
    };

    private final GeneratorConfig config;
    private final SplitMix64 random;
    private final long flowSalt;
    private final SubscriberPlan plan;
    private final TruthTable truth;
    private final PcapSink sink;
    private final ByteBuffer b;
    private final byte[] noise = new byte[NOISE_SPAN + 4096];
    private final int[] serverV4 = new int[SERVERS];
    private final long[] serverV6Hi = new long[SERVERS];
    private final long[] serverV6Lo = new long[SERVERS];
    private final int[] otherVlans;
    private final double subscribersPerFrame;
    private final int window;
    private final byte[][] dnsNames = new byte[NAMES.length][];
    private final byte[][] httpRequests = new byte[NAMES.length][];
    private final byte[][] clientHellos = new byte[NAMES.length][];
    private final int[] fragmentNoise = new int[3];
    /** {@code noiseWordPrefix[i]}: sum of the first {@code i} big-endian 16-bit words of {@link #noise}. */
    private final long[] noiseWordPrefix = new long[(NOISE_SPAN + 4096) / 2 + 1];

    // The IP packet being built: scratch, overwritten by every event.
    private boolean v6;
    private boolean uplink;
    private int slot;
    private int flowKind;
    private int nameIndex;
    private int srcV4;
    private int dstV4;
    private long srcHi;
    private long srcLo;
    private long dstHi;
    private long dstLo;
    private int protocol;
    private int srcPort;
    private int dstPort;
    private int ipLength;
    private int tcpFlags;
    private boolean ipv4Options;
    private int serviceTag;

    private long chargedFrames;
    private long uplinkFrames;
    private long uplinkBytes;
    private long downlinkFrames;
    private long downlinkBytes;
    private long unclassifiedFrames;
    private long gtpFrames;
    private long qinqFrames;
    private long fragmentFrames;
    private long snaplenCutFrames;
    private long p2pPairs;
    private final long[] malformed = new long[MalformedReason.values().length];
    private int malformedCursor;
    private int badGtpVariant;
    private int gtpEchoVariant;

    GeneratorRun(GeneratorConfig config, SubscriberPlan plan, TruthTable truth, PcapSink sink) {
        this.config = config;
        this.plan = plan;
        this.truth = truth;
        this.sink = sink;
        this.b = sink.buffer();
        random = new SplitMix64(config.seed());
        subscribersPerFrame = (double) plan.count / config.packets();
        window = Math.max(1, plan.count / 8);
        flowSalt = SplitMix64.mix(config.seed() ^ 0xF10E_5A17L);
        SplitMix64 setup = new SplitMix64(SplitMix64.mix(config.seed() ^ 0x5E7_0B5L));
        for (int i = 0; i < noise.length; i += 8) {
            long bits = setup.nextLong();
            for (int j = 0; j < 8 && i + j < noise.length; j++) {
                noise[i + j] = (byte) (bits >>> (8 * j));
            }
        }
        for (int i = 0; i + 1 < noise.length; i += 2) {
            noiseWordPrefix[i / 2 + 1] = noiseWordPrefix[i / 2] + ((noise[i] & 0xFF) << 8 | (noise[i + 1] & 0xFF));
        }
        initServers(setup);
        otherVlans = IntStream.of(-1, 1, 10, 300, 999, 4000)
                .filter(v -> v != config.subVlan() && v != config.netVlan())
                .toArray();
        for (int i = 0; i < NAMES.length; i++) {
            dnsNames[i] = dnsName(NAMES[i]);
            httpRequests[i] = ("GET / HTTP/1.1\r\nHost: " + NAMES[i] + "\r\nUser-Agent: chargeflow-gen\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            clientHellos[i] = clientHello(NAMES[i], setup);
        }
    }

    /** Internet servers of a few large networks (v4 and v6), fixed per seed. */
    private void initServers(SplitMix64 setup) {
        int[] v4Nets = {0x8EFA_0000, 0x9DF0_0000, 0x9765_0000, 0x6810_0000, 0x0D20_0000, 0x1F0D_0000};
        long[] v6Nets = {0x2A00_1450_4001_0800L, 0x2A03_2880_F12F_0000L, 0x2606_4700_0000_0000L, 0x2600_9000_2000_0000L
        };
        for (int i = 0; i < SERVERS; i++) {
            serverV4[i] = v4Nets[i % v4Nets.length] | (setup.nextInt(0xFFFE) + 1);
            serverV6Hi[i] = v6Nets[i % v6Nets.length] | (setup.nextInt(0x100));
            serverV6Lo[i] = setup.nextInt(0xFFFF) + 1L;
        }
    }

    /**
     * A TLS 1.3 ClientHello record (RFC 8446 §4.1.2) offering two cipher suites, with server_name (RFC 6066 §3) and
     * supported_versions extensions.
     */
    private static byte[] clientHello(String name, SplitMix64 setup) {
        byte[] host = name.getBytes(StandardCharsets.US_ASCII);
        int serverName = 2 + 1 + 2 + host.length;
        int extensions = 4 + serverName + 4 + 3;
        int body = 2 + 32 + 1 + 2 + 4 + 2 + 2 + extensions;
        ByteBuffer hello = ByteBuffer.allocate(5 + 4 + body);
        hello.put((byte) 22).putShort((short) 0x0301).putShort((short) (4 + body));
        hello.put((byte) 1).put((byte) 0).putShort((short) body);
        hello.putShort((short) 0x0303);
        for (int i = 0; i < 4; i++) {
            hello.putLong(setup.nextLong());
        }
        hello.put((byte) 0);
        hello.putShort((short) 4).putShort((short) 0x1301).putShort((short) 0x1302);
        hello.put((byte) 1).put((byte) 0);
        hello.putShort((short) extensions);
        hello.putShort((short) 0).putShort((short) serverName);
        hello.putShort((short) (serverName - 2))
                .put((byte) 0)
                .putShort((short) host.length)
                .put(host);
        hello.putShort((short) 0x002B).putShort((short) 3).put((byte) 2).putShort((short) 0x0304);
        return hello.array();
    }

    private static byte[] dnsName(String name) {
        byte[] wire = new byte[name.length() + 2];
        int o = 0;
        for (String label : name.split("\\.")) {
            wire[o++] = (byte) label.length();
            for (int i = 0; i < label.length(); i++) {
                wire[o++] = (byte) label.charAt(i);
            }
        }
        wire[o] = 0;
        return wire;
    }

    void run() throws IOException {
        long packets = config.packets();
        double malformedEdge = config.malformedShare();
        double unclassifiedEdge = malformedEdge + config.unclassifiedShare();
        double p2pEdge = unclassifiedEdge + config.p2pShare();
        double fragmentEdge = p2pEdge + config.fragmentShare();
        while (sink.frames() < packets) {
            long remaining = packets - sink.frames();
            double event = random.nextDouble();
            if (event < malformedEdge) {
                malformedEvent();
            } else if (event < unclassifiedEdge) {
                unclassifiedEvent();
            } else if (event < p2pEdge) {
                if (remaining < 2 || !peerToPeerEvent()) {
                    ordinaryEvent();
                }
            } else if (event < fragmentEdge) {
                if (remaining < 3 || !fragmentEvent()) {
                    ordinaryEvent();
                }
            } else {
                ordinaryEvent();
            }
        }
    }

    GeneratorResult result(long subscribers, long pcapBytes) {
        Map<String, Long> byReason = new LinkedHashMap<>();
        for (MalformedReason reason : TrafficGenerator.MALFORMED_REASONS) {
            byReason.put(reason.label(), malformed[reason.ordinal()]);
        }
        return new GeneratorResult(
                sink.frames(),
                chargedFrames,
                uplinkBytes + downlinkBytes,
                uplinkFrames,
                uplinkBytes,
                downlinkFrames,
                downlinkBytes,
                unclassifiedFrames,
                byReason,
                gtpFrames,
                qinqFrames,
                fragmentFrames,
                snaplenCutFrames,
                p2pPairs,
                subscribers,
                pcapBytes);
    }

    // ---------------------------------------------------------------- events

    private void ordinaryEvent() throws IOException {
        int sub = pickSubscriber();
        boolean up = random.nextInt(10) < 4;
        prepareFlow(sub, up, -1);
        boolean gtp = up && random.chance(config.gtpShare());
        boolean qinq = random.chance(config.qinqShare());
        int frame = sink.begin();
        int vlan = up ? config.subVlan() : config.netVlan();
        int o = writeEthernet(frame, up, vlan, qinq, gtp ? ETHERTYPE_IPV4 : ipEthertype());
        if (gtp) {
            o = writeGtpTunnel(o, sub, ipLength, random.nextInt(4));
        }
        int transportEnd = writeIpPacket(o);
        int wire = pad(frame, o + ipLength - frame);
        int captured = wire;
        if (random.chance(config.snaplenCutShare())) {
            int cut = Math.max(SNAP_BYTES, transportEnd - frame);
            if (cut < wire) {
                captured = cut;
                snaplenCutFrames++;
            }
        }
        sink.end(frame, captured, wire);
        charge(up, slot, ipLength, gtp, qinq);
    }

    private void unclassifiedEvent() throws IOException {
        int sub = pickSubscriber();
        boolean up = random.nextInt(10) < 4;
        prepareFlow(sub, up, -1);
        int vlan = otherVlans[random.nextInt(otherVlans.length)];
        boolean qinq = vlan >= 0 && random.chance(config.qinqShare());
        int frame = sink.begin();
        int o = writeEthernet(frame, up, vlan, qinq, ipEthertype());
        writeIpPacket(o);
        int wire = pad(frame, o + ipLength - frame);
        sink.end(frame, wire, wire);
        unclassifiedFrames++;
        if (qinq) {
            qinqFrames++;
        }
    }

    /** UE A sends to UE B: seen uplink on the subscriber VLAN (billed to A), then downlink on the network VLAN. */
    private boolean peerToPeerEvent() throws IOException {
        int a = pickSubscriber();
        int[] family = plan.isIpv6(a) ? plan.ipv6Members : plan.ipv4Members;
        if (family.length < 2) {
            return false;
        }
        int index = random.nextInt(family.length);
        int peer = family[index] == a ? family[(index + 1) % family.length] : family[index];
        prepareFlow(a, true, random.nextInt(2) == 0 ? KIND_RTP : KIND_QUIC);
        int peerSlot = aimAtPeer(peer);
        boolean gtp = random.chance(config.gtpShare());
        boolean qinq = random.chance(config.qinqShare());
        int first = sink.begin();
        int o = writeEthernet(first, true, config.subVlan(), qinq, gtp ? ETHERTYPE_IPV4 : ipEthertype());
        if (gtp) {
            o = writeGtpTunnel(o, a, ipLength, random.nextInt(4));
        }
        writeIpPacket(o);
        int wire = pad(first, o + ipLength - first);
        sink.end(first, wire, wire);
        charge(true, slot, ipLength, gtp, qinq);

        boolean qinqBack = random.chance(config.qinqShare());
        int second = sink.beginAdjacent();
        int p = writeEthernet(second, false, config.netVlan(), qinqBack, ipEthertype());
        b.put(p, b, o, ipLength); // the same IP bytes, as the router hairpins them
        int wireBack = pad(second, p + ipLength - second);
        sink.end(second, wireBack, wireBack);
        charge(false, peerSlot, ipLength, false, qinqBack);
        p2pPairs++;
        return true;
    }

    /** Replaces the server end of the prepared (uplink) flow by a UE; returns the peer's truth slot. */
    private int aimAtPeer(int peer) {
        int iid = random.nextInt(plan.interfaceIdCount(peer));
        if (v6) {
            dstHi = plan.prefixHi(peer);
            dstLo = plan.interfaceId(peer, iid);
        } else {
            dstV4 = plan.ipv4(peer);
        }
        dstPort = 16384 + 2 * random.nextInt(8192);
        return plan.slot(peer, iid);
    }

    /** A UDP datagram too large for the 1500-byte MTU, sent as two or three fragments, each charged. */
    private boolean fragmentEvent() throws IOException {
        int sub = pickSubscriber();
        boolean up = random.nextInt(10) < 4;
        prepareFlow(sub, up, KIND_QUIC);
        int udpLength = 8 + 1500 + random.nextInt(2500);
        int chunk = v6 ? 1448 : 1480;
        int count = (udpLength + chunk - 1) / chunk;
        if (config.packets() - sink.frames() < count) {
            return false;
        }
        boolean qinq = random.chance(config.qinqShare());
        int id = random.nextInt(0x10000);
        long id6 = random.nextLong() & 0xFFFF_FFFFL;
        int vlan = up ? config.subVlan() : config.netVlan();
        // The UDP checksum covers the whole datagram, so its bytes are chosen before the first fragment is written.
        long sum = pseudoHeaderSum(PROTO_UDP, udpLength) + srcPort + dstPort + udpLength;
        for (int k = 0; k < count; k++) {
            int skip = k == 0 ? 8 : 0;
            fragmentNoise[k] = 2 * random.nextInt(NOISE_SPAN / 2);
            int length = Math.min(chunk, udpLength - k * chunk) - skip;
            sum += noiseSum(fragmentNoise[k], fragmentNoise[k] + length);
        }
        int udpChecksum = transportChecksum(sum, PROTO_UDP);
        for (int k = 0; k < count; k++) {
            int offset = k * chunk;
            int length = Math.min(chunk, udpLength - offset);
            boolean more = k < count - 1;
            int frame = sink.begin();
            int o = writeEthernet(frame, up, vlan, qinq, ipEthertype());
            int data;
            if (v6) {
                writeIpv6(o, 8 + length, PROTO_FRAGMENT);
                b.put(o + 40, (byte) PROTO_UDP);
                b.put(o + 41, (byte) 0);
                b.putShort(o + 42, (short) (offset | (more ? 1 : 0)));
                b.putInt(o + 44, (int) id6);
                data = o + 48;
            } else {
                writeIpv4(o, 20, 20 + length, (more ? IPV4_MORE_FRAGMENTS : 0) | offset / 8, PROTO_UDP, id);
                data = o + 20;
            }
            int end = data + length;
            if (k == 0) {
                writeUdpHeader(data, udpLength);
                b.putShort(data + 6, (short) udpChecksum);
                b.put(data + 8, noise, fragmentNoise[k], end - data - 8);
            } else {
                b.put(data, noise, fragmentNoise[k], end - data);
            }
            int fragmentLength = end - o;
            int wire = pad(frame, end - frame);
            sink.end(frame, wire, wire);
            charge(up, slot, fragmentLength, false, qinq);
            fragmentFrames++;
        }
        return true;
    }

    private void charge(boolean up, int truthSlot, int length, boolean gtp, boolean qinq) {
        if (up) {
            truth.uplink(truthSlot, length);
            uplinkFrames++;
            uplinkBytes += length;
        } else {
            truth.downlink(truthSlot, length);
            downlinkFrames++;
            downlinkBytes += length;
        }
        chargedFrames++;
        if (gtp) {
            gtpFrames++;
        }
        if (qinq) {
            qinqFrames++;
        }
    }

    /**
     * Mostly a sliding window over the UEs (each is active for about an eighth of the run, then idle, so idle
     * timeouts fire), partly a skewed pick of heavy users active all along.
     */
    private int pickSubscriber() {
        int n = plan.count;
        if (random.nextInt(10) < 3) {
            double x = random.nextDouble();
            return (int) (x * x * x * n);
        }
        int center = (int) (sink.frames() * subscribersPerFrame);
        int pick = center + random.nextInt(window) - window / 2;
        // No division per packet: the window is narrower than the ring, one wrap-around at most.
        return pick < 0 ? pick + n : pick >= n ? pick - n : pick;
    }

    // ---------------------------------------------------------------- the packet of a flow

    /** Fills the scratch fields with one packet of one of the UE's flows; {@code forcedKind} < 0 draws the kind. */
    private void prepareFlow(int sub, boolean up, int forcedKind) {
        long flow = SplitMix64.mix(flowSalt + (long) sub * 8 + random.nextInt(8));
        v6 = plan.isIpv6(sub);
        uplink = up;
        int iid = v6 ? (int) ((((flow >>> 8) & 0xFFFF) * plan.interfaceIdCount(sub)) >>> 16) : 0;
        slot = plan.slot(sub, iid);
        flowKind = forcedKind >= 0 ? forcedKind : kindOf((int) ((flow >>> 56) & 0xFF) % 100);
        nameIndex = (int) ((flow >>> 36) & 0xFF) % NAMES.length;
        serviceTag = 3000 + (sub & 63);
        int server = (int) ((flow >>> 16) & (SERVERS - 1));
        long ueHi = v6 ? plan.prefixHi(sub) : 0;
        long ueLo = v6 ? plan.interfaceId(sub, iid) : 0;
        int ueV4 = plan.ipv4(sub);
        boolean dns = flowKind == KIND_DNS;
        long farHi = dns ? RESOLVER_V6_HI : serverV6Hi[server];
        long farLo = dns ? RESOLVER_V6_LO : serverV6Lo[server];
        int farV4 = dns ? RESOLVER_V4 : serverV4[server];
        int uePort = 32768 + (int) ((flow >>> 24) & 0x7FFF);
        int farPort = switch (flowKind) {
            case KIND_HTTPS, KIND_QUIC -> 443;
            case KIND_HTTP -> 80;
            case KIND_DNS -> 53;
            case KIND_RTP -> 16384 + 2 * (int) ((flow >>> 40) & 0x1FFF);
            default -> 0;
        };
        protocol = switch (flowKind) {
            case KIND_HTTPS, KIND_HTTP -> PROTO_TCP;
            case KIND_ECHO -> v6 ? PROTO_ICMPV6 : PROTO_ICMP;
            default -> PROTO_UDP;
        };
        if (up) {
            srcV4 = ueV4;
            srcHi = ueHi;
            srcLo = ueLo;
            dstV4 = farV4;
            dstHi = farHi;
            dstLo = farLo;
            srcPort = uePort;
            dstPort = farPort;
        } else {
            srcV4 = farV4;
            srcHi = farHi;
            srcLo = farLo;
            dstV4 = ueV4;
            dstHi = ueHi;
            dstLo = ueLo;
            srcPort = farPort;
            dstPort = uePort;
        }
        ipv4Options = !v6 && random.nextInt(100) == 0;
        ipLength = packetLength();
    }

    /** Flow mix in percent: TCP 443 50, TCP 80 10, QUIC 20, DNS 10, RTP 7, ICMP echo 3. */
    private static int kindOf(int percent) {
        if (percent < 50) {
            return KIND_HTTPS;
        }
        if (percent < 60) {
            return KIND_HTTP;
        }
        if (percent < 80) {
            return KIND_QUIC;
        }
        if (percent < 90) {
            return KIND_DNS;
        }
        return percent < 97 ? KIND_RTP : KIND_ECHO;
    }

    private int packetLength() {
        int ipHeader = v6 ? 40 : ipv4Options ? 24 : 20;
        tcpFlags = 0;
        switch (flowKind) {
            case KIND_HTTPS, KIND_HTTP -> {
                int header = ipHeader + 20;
                int r = random.nextInt(64);
                if (r == 0) {
                    tcpFlags = uplink ? TCP_SYN : TCP_SYN | TCP_ACK;
                    return header;
                }
                if (r == 1) {
                    tcpFlags = TCP_FIN | TCP_ACK;
                    return header;
                }
                int length = imixLength(header);
                tcpFlags = length > header ? TCP_PSH | TCP_ACK : TCP_ACK;
                return length;
            }
            case KIND_DNS -> {
                int question = ipHeader + 8 + 12 + dnsNames[nameIndex].length + 4;
                return uplink ? question : question + 12 + (v6 ? 16 : 4);
            }
            case KIND_RTP -> {
                return ipHeader + 8 + 12 + 160;
            }
            case KIND_ECHO -> {
                return ipHeader + 8 + 56;
            }
            default -> {
                return imixLength(ipHeader + 8 + 20);
            }
        }
    }

    /** Simple IMIX: IP lengths 40, 576 and 1500 in 7:4:1, plus one part in 13 of any length 40..1500. */
    private int imixLength(int minimum) {
        int r = random.nextInt(13);
        int length = r < 7 ? 40 : r < 11 ? 576 : r < 12 ? 1500 : 40 + random.nextInt(1461);
        return Math.max(minimum, length);
    }

    private int ipEthertype() {
        return v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
    }

    // ---------------------------------------------------------------- header writers (absolute, big-endian)

    private int writeEthernet(int o, boolean subscriberSide, int vlan, boolean qinq, int etherType) {
        putMac(o, subscriberSide ? MAC_GATEWAY_SUB : MAC_GATEWAY_NET);
        putMac(o + 6, subscriberSide ? MAC_RAN_ROUTER : MAC_INTERNET_ROUTER);
        int p = o + 12;
        if (vlan >= 0) {
            if (qinq) {
                b.putShort(p, (short) TPID_SERVICE);
                b.putShort(p + 2, (short) serviceTag);
                p += 4;
            }
            b.putShort(p, (short) TPID_CUSTOMER);
            b.putShort(p + 2, (short) vlan);
            p += 4;
        }
        b.putShort(p, (short) etherType);
        return p + 2;
    }

    private void putMac(int o, long mac) {
        b.putInt(o, (int) (mac >>> 16));
        b.putShort(o + 4, (short) mac);
    }

    /** An IPv4 header of {@code headerLength} bytes at {@code o} between the flow's addresses, checksum included. */
    private void writeIpv4(int o, int headerLength, int totalLength, int flagsAndOffset, int proto, int id) {
        writeIpv4(o, headerLength, totalLength, flagsAndOffset, proto, id, srcV4, dstV4);
    }

    private void writeIpv4(
            int o, int headerLength, int totalLength, int flagsAndOffset, int proto, int id, int src, int dst) {
        b.put(o, (byte) (0x40 | headerLength / 4));
        b.put(o + 1, (byte) 0);
        b.putShort(o + 2, (short) totalLength);
        b.putShort(o + 4, (short) id);
        b.putShort(o + 6, (short) flagsAndOffset);
        b.put(o + 8, (byte) (uplink ? 64 : 57));
        b.put(o + 9, (byte) proto);
        b.putShort(o + 10, (short) 0);
        b.putInt(o + 12, src);
        b.putInt(o + 16, dst);
        if (headerLength == 24) {
            b.putInt(o + 20, 0x9404_0000); // Router Alert (RFC 2113): a real option that routers do not strip
        }
        b.putShort(o + 10, (short) ipv4Checksum(o, headerLength));
    }

    private int ipv4Checksum(int o, int headerLength) {
        int sum = 0;
        for (int i = 0; i < headerLength; i += 2) {
            sum += b.getShort(o + i) & 0xFFFF;
        }
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        return ~sum & 0xFFFF;
    }

    private void writeIpv6(int o, int payloadLength, int nextHeader) {
        b.putInt(o, 0x6000_0000 | (int) ((srcLo ^ dstLo ^ srcPort) & 0xF_FFFF));
        b.putShort(o + 4, (short) payloadLength);
        b.put(o + 6, (byte) nextHeader);
        b.put(o + 7, (byte) (uplink ? 64 : 57));
        b.putLong(o + 8, srcHi);
        b.putLong(o + 16, srcLo);
        b.putLong(o + 24, dstHi);
        b.putLong(o + 32, dstLo);
    }

    /** Writes the prepared packet ({@link #ipLength} bytes) at {@code o}; returns where its transport header ends. */
    private int writeIpPacket(int o) {
        int ipHeader;
        if (v6) {
            writeIpv6(o, ipLength - 40, protocol);
            ipHeader = 40;
        } else {
            ipHeader = ipv4Options ? 24 : 20;
            writeIpv4(
                    o,
                    ipHeader,
                    ipLength,
                    protocol == PROTO_TCP ? IPV4_DONT_FRAGMENT : 0,
                    protocol,
                    random.nextInt(0x10000));
        }
        int t = o + ipHeader;
        int end = o + ipLength;
        int payload;
        if (protocol == PROTO_TCP) {
            b.putShort(t, (short) srcPort);
            b.putShort(t + 2, (short) dstPort);
            b.putInt(t + 4, (int) random.nextLong());
            b.putInt(t + 8, tcpFlags == TCP_SYN ? 0 : (int) random.nextLong());
            b.putShort(t + 12, (short) (5 << 12 | tcpFlags));
            b.putShort(t + 14, (short) 64240);
            b.putInt(t + 16, 0); // checksum (filled below) and urgent pointer
            payload = t + 20;
        } else if (protocol == PROTO_UDP) {
            writeUdpHeader(t, end - t);
            payload = t + 8;
        } else {
            b.put(t, (byte) (v6 ? (uplink ? 128 : 129) : (uplink ? 8 : 0)));
            b.put(t + 1, (byte) 0);
            b.putShort(t + 2, (short) 0);
            b.putShort(t + 4, (short) (uplink ? srcPort : dstPort)); // echo identifier: the UE's
            b.putShort(t + 6, (short) random.nextInt(0x10000));
            payload = t + 8;
        }
        long payloadSum = writePayload(payload, end);
        int checksumAt = protocol == PROTO_TCP ? t + 16 : protocol == PROTO_UDP ? t + 6 : t + 2;
        long sum = wordSum(t, payload) + payloadSum + (protocol == PROTO_ICMP ? 0 : pseudoHeaderSum(protocol, end - t));
        b.putShort(checksumAt, (short) transportChecksum(sum, protocol));
        return payload;
    }

    /** RFC 768/793/4443 checksum from a ones'-complement word sum; UDP sends 0 as 0xFFFF (0 means none). */
    private static int transportChecksum(long sum, int proto) {
        int checksum = ~fold(sum) & 0xFFFF;
        return checksum == 0 && proto == PROTO_UDP ? 0xFFFF : checksum;
    }

    /** Folds a sum of 16-bit words with end-around carries (RFC 1071). */
    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    /**
     * Sum of the big-endian 16-bit words of {@code [from, end)}, 8 bytes per step: since 2^16 = 1 modulo 0xFFFF,
     * adding 32-bit halves gives the same ones'-complement sum as adding 16-bit words.
     */
    private long wordSum(int from, int end) {
        long sum = 0;
        int i = from;
        for (; i + 8 <= end; i += 8) {
            long v = b.getLong(i);
            sum += (v >>> 32) + (v & 0xFFFF_FFFFL);
        }
        for (; i + 2 <= end; i += 2) {
            sum += b.getShort(i) & 0xFFFF;
        }
        if (i < end) {
            sum += (b.get(i) & 0xFF) << 8;
        }
        return sum;
    }

    /**
     * The same sum over {@code noise[from, end)} for an even {@code from}, from prefix sums: payload bytes are noise,
     * so their checksum costs two loads instead of a pass over the bytes.
     */
    private long noiseSum(int from, int end) {
        int first = from >>> 1;
        long sum = noiseWordPrefix[first + ((end - from) >>> 1)] - noiseWordPrefix[first];
        if (((end - from) & 1) != 0) {
            sum += (noise[end - 1] & 0xFF) << 8;
        }
        return sum;
    }

    /** The IPv4 or IPv6 pseudo-header of the flow's addresses. */
    private long pseudoHeaderSum(int proto, int transportLength) {
        if (v6) {
            return halves(srcHi) + halves(srcLo) + halves(dstHi) + halves(dstLo) + transportLength + proto;
        }
        return (srcV4 >>> 16) + (srcV4 & 0xFFFF) + (dstV4 >>> 16) + (dstV4 & 0xFFFF) + proto + transportLength;
    }

    private static long halves(long v) {
        return (v >>> 32) + (v & 0xFFFF_FFFFL);
    }

    private void writeUdpHeader(int t, int udpLength) {
        b.putShort(t, (short) srcPort);
        b.putShort(t + 2, (short) dstPort);
        b.putShort(t + 4, (short) udpLength);
        b.putShort(t + 6, (short) 0);
    }

    /** Writes the transport payload {@code [from, end)} ({@code from} at an even offset); returns its word sum. */
    private long writePayload(int from, int end) {
        switch (flowKind) {
            case KIND_DNS -> {
                writeDns(from);
                return wordSum(from, end);
            }
            case KIND_RTP -> {
                b.putShort(from, (short) 0x8000); // RTP v2, PCMU
                b.putShort(from + 2, (short) random.nextInt(0x10000));
                b.putInt(from + 4, (int) random.nextLong());
                b.putInt(from + 8, srcPort * 0x9E37_79B1);
                return wordSum(from, from + 12) + copyNoiseSummed(from + 12, end);
            }
            case KIND_HTTP, KIND_HTTPS -> {
                // Uplink data opens with what a rating-group classifier reads: an HTTP request with its Host, or
                // (one data packet in eight of a TLS flow) a ClientHello with its server_name.
                byte[] request = flowKind == KIND_HTTP ? httpRequests[nameIndex] : clientHellos[nameIndex];
                boolean opening = uplink
                        && end - from >= (flowKind == KIND_HTTP ? 1 : request.length)
                        && (flowKind == KIND_HTTP || random.nextInt(8) == 0);
                int length = opening ? Math.min(request.length, end - from) : 0;
                b.put(from, request, 0, length);
                if ((length & 1) == 0) {
                    return wordSum(from, from + length) + copyNoiseSummed(from + length, end);
                }
                copyNoise(from + length, end);
                return wordSum(from, end);
            }
            default -> {
                return copyNoiseSummed(from, end);
            }
        }
    }

    /** A DNS query for one of {@link #NAMES}, or its answer with one A/AAAA record. */
    private void writeDns(int o) {
        byte[] name = dnsNames[nameIndex];
        b.putShort(o, (short) (srcPort ^ dstPort));
        b.putShort(o + 2, (short) (uplink ? 0x0100 : 0x8180));
        b.putShort(o + 4, (short) 1);
        b.putShort(o + 6, (short) (uplink ? 0 : 1));
        b.putInt(o + 8, 0);
        b.put(o + 12, name);
        int q = o + 12 + name.length;
        int type = v6 ? 28 : 1;
        b.putShort(q, (short) type);
        b.putShort(q + 2, (short) 1);
        if (!uplink) {
            int a = q + 4;
            b.putShort(a, (short) 0xC00C);
            b.putShort(a + 2, (short) type);
            b.putShort(a + 4, (short) 1);
            b.putInt(a + 6, 300);
            b.putShort(a + 10, (short) (v6 ? 16 : 4));
            if (v6) {
                b.putLong(a + 12, serverV6Hi[nameIndex]);
                b.putLong(a + 20, serverV6Lo[nameIndex]);
            } else {
                b.putInt(a + 12, serverV4[nameIndex]);
            }
        }
    }

    private void copyNoise(int from, int end) {
        if (end > from) {
            b.put(from, noise, random.nextInt(NOISE_SPAN), end - from);
        }
    }

    /** Noise from an even offset of the block, so that its word sum comes from {@link #noiseSum}. */
    private long copyNoiseSummed(int from, int end) {
        if (end <= from) {
            return 0;
        }
        int offset = 2 * random.nextInt(NOISE_SPAN / 2);
        b.put(from, noise, offset, end - from);
        return noiseSum(offset, offset + end - from);
    }

    /**
     * Outer IPv4 (eNB to gateway), UDP 2152 and a GTP-U G-PDU header around an inner packet of {@code innerLength}
     * bytes. Variants: 0 plain 8-byte header, 1 with a sequence number, 2 with a PDU Session Container extension
     * header (TS 38.415, UL PDU session information, QFI 9), 3 with both. Returns where the inner packet starts.
     */
    private int writeGtpTunnel(int o, int sub, int innerLength, int variant) {
        int optional = variant == 0 ? 0 : 4;
        int extension = variant >= 2 ? 4 : 0;
        int gtpLength = optional + extension + innerLength;
        int udpLength = 8 + 8 + gtpLength;
        writeIpv4(
                o,
                20,
                20 + udpLength,
                IPV4_DONT_FRAGMENT,
                PROTO_UDP,
                random.nextInt(0x10000),
                plan.enb(sub),
                SubscriberPlan.GATEWAY_V4);
        int u = o + 20;
        b.putShort(u, (short) GTPU_PORT);
        b.putShort(u + 2, (short) GTPU_PORT);
        b.putShort(u + 4, (short) udpLength);
        b.putShort(u + 6, (short) 0);
        int g = u + 8;
        int flags = 0x30 | (variant == 1 || variant == 3 ? 0x02 : 0) | (extension > 0 ? 0x04 : 0);
        b.put(g, (byte) flags);
        b.put(g + 1, (byte) 0xFF);
        b.putShort(g + 2, (short) gtpLength);
        b.putInt(g + 4, plan.teid(sub));
        int p = g + 8;
        if (optional > 0) {
            b.putShort(p, (short) ((flags & 0x02) != 0 ? random.nextInt(0x10000) : 0));
            b.put(p + 2, (byte) 0);
            b.put(p + 3, (byte) (extension > 0 ? 0x85 : 0));
            p += 4;
            if (extension > 0) {
                b.put(p, (byte) 1);
                b.put(p + 1, (byte) 0x10);
                b.put(p + 2, (byte) 9);
                b.put(p + 3, (byte) 0);
                p += 4;
            }
        }
        return p;
    }

    /** Zero-fills a short frame up to the Ethernet minimum; returns the length on the wire. */
    private int pad(int frame, int length) {
        for (int i = length; i < MIN_FRAME; i++) {
            b.put(frame + i, (byte) 0);
        }
        return Math.max(length, MIN_FRAME);
    }

    // ---------------------------------------------------------------- malformed frames

    private void malformedEvent() throws IOException {
        MalformedReason reason =
                TrafficGenerator.MALFORMED_REASONS.get(malformedCursor++ % TrafficGenerator.MALFORMED_REASONS.size());
        // Realistic addresses of a plain IPv4 packet of some UE, though none of it is charged.
        int sub = pickSubscriber();
        prepareFlow(sub, true, KIND_QUIC);
        v6 = false;
        srcV4 = 0x0A7F_0000 | (sub & 0xFFFF);
        dstV4 = serverV4[sub & (SERVERS - 1)];
        boolean subscriberSide = (malformedCursor & 1) == 0;
        int vlan = subscriberSide ? config.subVlan() : config.netVlan();
        int frame = sink.begin();
        switch (reason) {
            case TRUNCATED_LINK_HEADER -> {
                int o = writeEthernet(frame, subscriberSide, vlan, false, ETHERTYPE_IPV4);
                writeIpv4(o, 20, 46, 0, PROTO_UDP, 0);
                sink.end(frame, 16, pad(frame, o + 46 - frame)); // cut inside the 802.1Q tag
            }
            case UNKNOWN_ETHERTYPE ->
                endWhole(frame, writeArp(writeEthernet(frame, subscriberSide, vlan, false, ETHERTYPE_ARP)));
            case BAD_IP_VERSION -> {
                int o = writeEthernet(frame, subscriberSide, vlan, false, ETHERTYPE_IPV4);
                writeIpv4(o, 20, 46, 0, PROTO_UDP, 0);
                b.put(o, (byte) 0x75); // version 7
                endWhole(frame, o + 46);
            }
            case TRUNCATED_IP_HEADER -> {
                int o = writeEthernet(frame, subscriberSide, vlan, false, ETHERTYPE_IPV4);
                writeIpv4(o, 20, 60, 0, PROTO_UDP, 0);
                sink.end(frame, o + 12 - frame, o + 60 - frame);
            }
            case BAD_IHL -> {
                int o = writeEthernet(frame, subscriberSide, vlan, false, ETHERTYPE_IPV4);
                writeIpv4(o, 20, 60, 0, PROTO_UDP, 0);
                b.put(o, (byte) 0x44); // IHL 4: 16 bytes, below the minimum of 5
                endWhole(frame, o + 60);
            }
            case IP_LENGTH_SHORTER_THAN_HEADER -> {
                int o = writeEthernet(frame, subscriberSide, vlan, false, ETHERTYPE_IPV4);
                writeIpv4(o, 20, 12, 0, PROTO_UDP, 0);
                endWhole(frame, o + 46);
            }
            case IP_LENGTH_EXCEEDS_FRAME -> {
                int o = writeEthernet(frame, subscriberSide, vlan, false, ETHERTYPE_IPV4);
                writeIpv4(o, 20, 1500, 0, PROTO_UDP, 0);
                copyNoise(o + 20, o + 100);
                endWhole(frame, o + 100);
            }
            case BAD_IPV6_EXTENSION -> endWhole(frame, writeBadIpv6Extension(frame, subscriberSide, vlan));
            case BAD_GTP -> endWhole(frame, writeBadGtp(frame, sub));
            case TRUNCATED_TUNNEL -> {
                int o = writeEthernet(frame, true, config.subVlan(), false, ETHERTYPE_IPV4);
                int inner = writeGtpTunnel(o, sub, 500, 0);
                writeIpv4(inner, 20, 500, 0, PROTO_UDP, 0);
                sink.end(frame, o + 20 + 8 + 6 - frame, inner + 500 - frame); // cut inside the GTP-U header
            }
            case BAD_INNER_PACKET -> {
                int o = writeEthernet(frame, true, config.subVlan(), false, ETHERTYPE_IPV4);
                int inner = writeGtpTunnel(o, sub, 60, 0);
                writeIpv4(inner, 20, 160, 0, PROTO_UDP, 0); // claims 100 bytes more than the tunnel carries
                copyNoise(inner + 20, inner + 60);
                endWhole(frame, inner + 60);
            }
            case UNSUPPORTED_JUMBOGRAM -> writeJumbogram(frame, subscriberSide, vlan);
            case GTP_NOT_GPDU -> endWhole(frame, writeGtpEcho(frame, sub));
            default -> throw new IllegalStateException("reason=" + reason + " has no frame builder");
        }
        malformed[reason.ordinal()]++;
    }

    private void endWhole(int frame, int end) {
        int wire = pad(frame, end - frame);
        sink.end(frame, wire, wire);
    }

    /** An ARP request (RFC 826) from a UE-side address for the gateway. */
    private int writeArp(int o) {
        b.putShort(o, (short) 1);
        b.putShort(o + 2, (short) ETHERTYPE_IPV4);
        b.put(o + 4, (byte) 6);
        b.put(o + 5, (byte) 4);
        b.putShort(o + 6, (short) 1);
        putMac(o + 8, MAC_RAN_ROUTER);
        b.putInt(o + 14, srcV4);
        putMac(o + 18, 0);
        b.putInt(o + 24, SubscriberPlan.GATEWAY_V4);
        return o + 28;
    }

    /** IPv6 whose hop-by-hop header claims 48 bytes where the packet has 16. */
    private int writeBadIpv6Extension(int frame, boolean subscriberSide, int vlan) {
        int o = writeEthernet(frame, subscriberSide, vlan, false, ETHERTYPE_IPV6);
        srcHi = 0x2001_0DB8_FFFF_0000L;
        srcLo = random.nextLong();
        dstHi = serverV6Hi[0];
        dstLo = serverV6Lo[0];
        writeIpv6(o, 16, PROTO_HOPOPT);
        b.put(o + 40, (byte) PROTO_NONE);
        b.put(o + 41, (byte) 5);
        for (int i = 42; i < 56; i++) {
            b.put(o + i, (byte) 0);
        }
        return o + 56;
    }

    /** GTP-U with version 2 in a G-PDU, or (alternately) an extension header of length zero. */
    private int writeBadGtp(int frame, int sub) {
        int o = writeEthernet(frame, true, config.subVlan(), false, ETHERTYPE_IPV4);
        boolean zeroLengthExtension = (badGtpVariant++ & 1) == 1;
        int inner = writeGtpTunnel(o, sub, 60, zeroLengthExtension ? 2 : 0);
        int g = o + 28;
        if (zeroLengthExtension) {
            b.put(inner - 4, (byte) 0);
        } else {
            b.put(g, (byte) 0x50);
        }
        writeIpv4(inner, 20, 60, 0, PROTO_UDP, 0);
        copyNoise(inner + 20, inner + 60);
        return inner + 60;
    }

    /** GTP-U path management (TS 29.281 §7.2): an echo request from the eNB, or alternately the gateway's response. */
    private int writeGtpEcho(int frame, int sub) {
        int o = writeEthernet(frame, true, config.subVlan(), false, ETHERTYPE_IPV4);
        boolean response = (gtpEchoVariant++ & 1) == 1;
        int gtpLength = response ? 6 : 4;
        int udpLength = 8 + 8 + gtpLength;
        int enb = plan.enb(sub);
        writeIpv4(
                o,
                20,
                20 + udpLength,
                IPV4_DONT_FRAGMENT,
                PROTO_UDP,
                random.nextInt(0x10000),
                response ? SubscriberPlan.GATEWAY_V4 : enb,
                response ? enb : SubscriberPlan.GATEWAY_V4);
        int u = o + 20;
        b.putShort(u, (short) GTPU_PORT);
        b.putShort(u + 2, (short) GTPU_PORT);
        b.putShort(u + 4, (short) udpLength);
        b.putShort(u + 6, (short) 0);
        int g = u + 8;
        b.put(g, (byte) 0x32);
        b.put(g + 1, (byte) (response ? 2 : 1));
        b.putShort(g + 2, (short) gtpLength);
        b.putInt(g + 4, 0);
        b.putShort(g + 8, (short) (gtpEchoVariant >>> 1));
        b.putShort(g + 10, (short) 0);
        if (response) {
            b.put(g + 12, (byte) 14); // Recovery IE, restart counter 0
            b.put(g + 13, (byte) 0);
        }
        return g + 8 + gtpLength;
    }

    /** IPv6 jumbogram (RFC 2675): payload length 0, a Jumbo Payload option of 70,000 bytes; captured short. */
    private void writeJumbogram(int frame, boolean subscriberSide, int vlan) {
        int o = writeEthernet(frame, subscriberSide, vlan, false, ETHERTYPE_IPV6);
        srcHi = 0x2001_0DB8_FFFF_0000L;
        srcLo = random.nextLong();
        dstHi = serverV6Hi[1];
        dstLo = serverV6Lo[1];
        int jumboLength = 70_000;
        writeIpv6(o, 0, PROTO_HOPOPT);
        b.put(o + 40, (byte) PROTO_UDP);
        b.put(o + 41, (byte) 0);
        b.put(o + 42, (byte) 0xC2);
        b.put(o + 43, (byte) 4);
        b.putInt(o + 44, jumboLength);
        writeUdpHeader(o + 48, 0);
        copyNoise(o + 56, o + 120);
        sink.end(frame, o + 120 - frame, o + 40 + jumboLength - frame);
    }
}
