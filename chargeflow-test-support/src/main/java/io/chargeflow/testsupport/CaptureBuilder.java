package io.chargeflow.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds frames and capture files for tests of every module. {@link #frame()} stacks layers outermost first
 * ({@code frame().ethernet().vlan(10).ipv4("10.0.0.1", "10.0.0.2").udp(1, 2).payload(8).build()}); lengths, protocol
 * numbers and ethertypes are derived from the layers below unless overridden, so malformed frames are one override
 * away. {@link #pcap()} and {@link #pcapng()} write files in either byte order. Not thread-safe; one builder per
 * test thread.
 */
public final class CaptureBuilder {
    private CaptureBuilder() {}

    /** A new frame, layers added outermost first. */
    public static Frame frame() {
        return new Frame();
    }

    /** A new classic pcap file (little-endian, microseconds, snaplen 65535, Ethernet). */
    public static Pcap pcap() {
        return new Pcap();
    }

    /** A new pcapng file; start it with {@link Pcapng#section}. */
    public static Pcapng pcapng() {
        return new Pcapng();
    }

    /** The 4 or 16 bytes of an IP address literal. */
    public static byte[] address(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address literal=" + literal, e);
        }
    }

    private enum Kind {
        ETHERNET,
        VLAN,
        MPLS,
        PPPOE,
        SLL,
        SLL2,
        NULL_LOOPBACK,
        LOOP,
        IPV4,
        IPV6,
        TCP,
        UDP,
        ICMP,
        ICMPV6,
        SCTP,
        GTPU,
        PAYLOAD
    }

    private static final class Layer {
        final Kind kind;
        int a;
        int b;
        int c;
        long teid;
        byte[] src;
        byte[] dst;
        byte[] bytes;
        Integer lengthOverride;
        Integer typeOverride;
        Integer ihlOverride;
        int fragmentOffset;
        boolean moreFragments;
        boolean dontFragment;
        Integer sequence;
        final List<int[]> extensionTypes = new ArrayList<>();
        final List<byte[]> extensionBodies = new ArrayList<>();

        Layer(Kind kind) {
            this.kind = kind;
        }
    }

    /** A frame under construction; every method returns this builder. */
    public static final class Frame {
        private final List<Layer> layers = new ArrayList<>();
        private int padTo;

        private Frame add(Layer layer) {
            layers.add(layer);
            return this;
        }

        private Layer last(Kind... kinds) {
            if (layers.isEmpty()) {
                throw new IllegalStateException("no layer to modify");
            }
            Layer layer = layers.getLast();
            for (Kind kind : kinds) {
                if (layer.kind == kind) {
                    return layer;
                }
            }
            throw new IllegalStateException("last layer is " + layer.kind + ", expected one of " + List.of(kinds));
        }

        /** Ethernet II with 02:00:00:00:00:01 / 02:00:00:00:00:02; ethertype from the next layer. */
        public Frame ethernet() {
            return add(new Layer(Kind.ETHERNET));
        }

        /** An 802.1Q tag (TPID 0x8100). */
        public Frame vlan(int vlanId) {
            return vlan(0x8100, vlanId);
        }

        /** A VLAN tag with the given TPID (0x8100, 0x88a8, 0x9100). */
        public Frame vlan(int tpid, int vlanId) {
            Layer layer = new Layer(Kind.VLAN);
            layer.a = tpid;
            layer.b = vlanId;
            return add(layer);
        }

        /** One MPLS label stack entry; the last one added before a non-MPLS layer gets the bottom-of-stack bit. */
        public Frame mpls(int label) {
            Layer layer = new Layer(Kind.MPLS);
            layer.a = label;
            return add(layer);
        }

        /** A PPPoE session header and PPP protocol (0x0021 or 0x0057 from the next layer). */
        public Frame pppoe(int sessionId) {
            Layer layer = new Layer(Kind.PPPOE);
            layer.a = sessionId;
            return add(layer);
        }

        /** Linux cooked capture v1 header (16 bytes), packet type 0 (to this host). */
        public Frame sll() {
            return sll(0);
        }

        /** Linux cooked capture v1 header of the given packet type (0 to us ... 4 outgoing). */
        public Frame sll(int packetType) {
            Layer layer = new Layer(Kind.SLL);
            layer.a = packetType;
            return add(layer);
        }

        /** Linux cooked capture v2 header (20 bytes), interface index 1, packet type 0 (to this host). */
        public Frame sll2() {
            return sll2(1, 0);
        }

        /** Linux cooked capture v2 header with the given interface index and packet type (0 to us ... 4 outgoing). */
        public Frame sll2(int interfaceIndex, int packetType) {
            Layer layer = new Layer(Kind.SLL2);
            layer.a = interfaceIndex;
            layer.b = packetType;
            return add(layer);
        }

        /** BSD NULL loopback header: the address family in the given byte order. */
        public Frame nullLoopback(int family, ByteOrder order) {
            Layer layer = new Layer(Kind.NULL_LOOPBACK);
            layer.a = family;
            layer.b = order == ByteOrder.BIG_ENDIAN ? 1 : 0;
            return add(layer);
        }

        /** OpenBSD LOOP header: the address family in network byte order. */
        public Frame loop(int family) {
            Layer layer = new Layer(Kind.LOOP);
            layer.a = family;
            return add(layer);
        }

        /** Overrides the ethertype, SLL protocol, PPP protocol, IP protocol or GTP message type of the last layer. */
        public Frame type(int value) {
            last(Kind.ETHERNET, Kind.VLAN, Kind.SLL, Kind.SLL2, Kind.PPPOE, Kind.IPV4, Kind.IPV6, Kind.GTPU)
                    .typeOverride = value;
            return this;
        }

        /** An IPv4 header (TTL 64, identification 1); protocol from the next layer. */
        public Frame ipv4(String src, String dst) {
            Layer layer = new Layer(Kind.IPV4);
            layer.src = address(src);
            layer.dst = address(dst);
            if (layer.src.length != 4 || layer.dst.length != 4) {
                throw new IllegalArgumentException("not IPv4 src=" + src + " dst=" + dst);
            }
            return add(layer);
        }

        /** IPv4 options (padded with zeros to a multiple of 4). */
        public Frame options(byte[] options) {
            Layer layer = last(Kind.IPV4);
            int padded = (options.length + 3) & ~3;
            layer.bytes = java.util.Arrays.copyOf(options, padded);
            return this;
        }

        /** IPv4 fragment fields: offset in 8-byte units and the MF flag. */
        public Frame fragment(int offsetUnits, boolean moreFragments) {
            Layer layer = last(Kind.IPV4);
            layer.fragmentOffset = offsetUnits;
            layer.moreFragments = moreFragments;
            return this;
        }

        /** Sets the IPv4 DF flag. */
        public Frame dontFragment() {
            last(Kind.IPV4).dontFragment = true;
            return this;
        }

        /** Overrides the IPv4 IHL (in 4-byte words). */
        public Frame ihl(int words) {
            last(Kind.IPV4).ihlOverride = words;
            return this;
        }

        /**
         * Overrides the length field of the last layer: IPv4 total length, IPv6 payload length, UDP length, GTP-U
         * length.
         */
        public Frame length(int value) {
            last(Kind.IPV4, Kind.IPV6, Kind.UDP, Kind.GTPU).lengthOverride = value;
            return this;
        }

        /** An IPv6 header (hop limit 64); next header from the extension headers or the next layer. */
        public Frame ipv6(String src, String dst) {
            Layer layer = new Layer(Kind.IPV6);
            layer.src = address(src);
            layer.dst = address(dst);
            if (layer.src.length != 16 || layer.dst.length != 16) {
                throw new IllegalArgumentException("not IPv6 src=" + src + " dst=" + dst);
            }
            return add(layer);
        }

        /** A hop-by-hop options header of 8 bytes (PadN). */
        public Frame hopByHop() {
            return extension(0, new byte[] {1, 4, 0, 0, 0, 0});
        }

        /** A routing header type 0 with no addresses left (8 bytes). */
        public Frame routing() {
            return extension(43, new byte[] {0, 0, 0, 0, 0, 0});
        }

        /** A destination options header of 8 bytes (PadN). */
        public Frame destinationOptions() {
            return extension(60, new byte[] {1, 4, 0, 0, 0, 0});
        }

        /** An IPv6 fragment header (offset in 8-byte units). */
        public Frame fragmentHeader(int offsetUnits, boolean moreFragments, int identification) {
            ByteBuffer body = ByteBuffer.allocate(6);
            body.putShort((short) ((offsetUnits << 3) | (moreFragments ? 1 : 0)));
            body.putInt(identification);
            return extension(44, body.array());
        }

        /** An authentication header with a 12-byte ICV (24 bytes in all). */
        public Frame authenticationHeader() {
            return extension(51, new byte[22]);
        }

        /**
         * A raw IPv6 extension header of {@code type}; {@code body} are the bytes after next-header and length,
         * whose length (+2) must be a multiple of 8 (4 for AH, type 51). The length byte is computed.
         */
        public Frame extension(int type, byte[] body) {
            Layer layer = last(Kind.IPV6);
            layer.extensionTypes.add(new int[] {type});
            layer.extensionBodies.add(body);
            return this;
        }

        public Frame tcp(int srcPort, int dstPort, int flags) {
            Layer layer = new Layer(Kind.TCP);
            layer.a = srcPort;
            layer.b = dstPort;
            layer.c = flags;
            return add(layer);
        }

        public Frame udp(int srcPort, int dstPort) {
            Layer layer = new Layer(Kind.UDP);
            layer.a = srcPort;
            layer.b = dstPort;
            return add(layer);
        }

        public Frame icmp(int type, int code) {
            Layer layer = new Layer(Kind.ICMP);
            layer.a = type;
            layer.b = code;
            return add(layer);
        }

        public Frame icmpv6(int type, int code) {
            Layer layer = new Layer(Kind.ICMPV6);
            layer.a = type;
            layer.b = code;
            return add(layer);
        }

        public Frame sctp(int srcPort, int dstPort) {
            Layer layer = new Layer(Kind.SCTP);
            layer.a = srcPort;
            layer.b = dstPort;
            return add(layer);
        }

        /** A GTP-U v1 G-PDU (message type 255) header; put it after {@code udp(2152, 2152)}. */
        public Frame gtpu(long teid) {
            Layer layer = new Layer(Kind.GTPU);
            layer.teid = teid;
            layer.a = 0x30;
            return add(layer);
        }

        /** Adds the optional sequence number field (S flag) to the GTP-U header. */
        public Frame gtpuSequence(int sequence) {
            last(Kind.GTPU).sequence = sequence;
            return this;
        }

        /**
         * Adds a GTP-U extension header of {@code type} whose content (without length and next-type bytes) is
         * {@code content}; {@code content.length + 2} must be a multiple of 4.
         */
        public Frame gtpuExtension(int type, byte[] content) {
            Layer layer = last(Kind.GTPU);
            layer.extensionTypes.add(new int[] {type});
            layer.extensionBodies.add(content);
            return this;
        }

        /** Overrides the first GTP-U octet (version, PT, E, S, PN flags). */
        public Frame gtpuFlags(int flags) {
            last(Kind.GTPU).a = flags;
            return this;
        }

        /** Payload bytes after the last header. */
        public Frame payload(byte[] data) {
            Layer layer = new Layer(Kind.PAYLOAD);
            layer.bytes = data.clone();
            return add(layer);
        }

        /** {@code length} payload bytes 0, 1, 2... */
        public Frame payload(int length) {
            byte[] data = new byte[length];
            for (int i = 0; i < length; i++) {
                data[i] = (byte) i;
            }
            return payload(data);
        }

        /** Pads the finished frame with zeros to {@code length} bytes (Ethernet minimum 60). */
        public Frame padTo(int length) {
            padTo = length;
            return this;
        }

        /** The frame's bytes. */
        public byte[] build() {
            byte[] inner = new byte[0];
            for (int i = layers.size() - 1; i >= 0; i--) {
                Layer next = i + 1 < layers.size() ? layers.get(i + 1) : null;
                inner = encode(layers.get(i), next, inner, i);
            }
            if (inner.length < padTo) {
                inner = java.util.Arrays.copyOf(inner, padTo);
            }
            return inner;
        }

        private byte[] encode(Layer layer, Layer next, byte[] inner, int index) {
            return switch (layer.kind) {
                case ETHERNET -> concat(ethernetHeader(layer, next), inner);
                case VLAN ->
                    concat(
                            buffer(4)
                                    .putShort((short) layer.b)
                                    .putShort((short) etherType(layer, next))
                                    .array(),
                            inner);
                case MPLS -> {
                    boolean bottom = next == null || next.kind != Kind.MPLS;
                    yield concat(
                            buffer(4)
                                    .putInt((layer.a << 12) | (bottom ? 0x100 : 0) | 64)
                                    .array(),
                            inner);
                }
                case PPPOE -> {
                    int ppp = layer.typeOverride != null
                            ? layer.typeOverride
                            : next != null && next.kind == Kind.IPV6 ? 0x0057 : 0x0021;
                    yield concat(
                            buffer(8)
                                    .put((byte) 0x11)
                                    .put((byte) 0)
                                    .putShort((short) layer.a)
                                    .putShort((short) (inner.length + 2))
                                    .putShort((short) ppp)
                                    .array(),
                            inner);
                }
                case SLL ->
                    concat(
                            buffer(16)
                                    .putShort((short) layer.a)
                                    .putShort((short) 1)
                                    .putShort((short) 6)
                                    .put(new byte[] {2, 0, 0, 0, 0, 1, 0, 0})
                                    .putShort((short) etherType(layer, next))
                                    .array(),
                            inner);
                case SLL2 ->
                    concat(
                            buffer(20)
                                    .putShort((short) etherType(layer, next))
                                    .putShort((short) 0)
                                    .putInt(layer.a)
                                    .putShort((short) 1)
                                    .put((byte) layer.b)
                                    .put((byte) 6)
                                    .put(new byte[] {2, 0, 0, 0, 0, 1, 0, 0})
                                    .array(),
                            inner);
                case NULL_LOOPBACK ->
                    concat(
                            ByteBuffer.allocate(4)
                                    .order(layer.b == 1 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN)
                                    .putInt(layer.a)
                                    .array(),
                            inner);
                case LOOP -> concat(buffer(4).putInt(layer.a).array(), inner);
                case IPV4 -> concat(ipv4Header(layer, next, inner), inner);
                case IPV6 -> concat(ipv6Header(layer, next, inner), inner);
                case TCP ->
                    concat(
                            buffer(20)
                                    .putShort((short) layer.a)
                                    .putShort((short) layer.b)
                                    .putInt(1000)
                                    .putInt(layer.c != 0 ? 2000 : 0)
                                    .put((byte) 0x50)
                                    .put((byte) layer.c)
                                    .putShort((short) 65535)
                                    .putShort((short) 0)
                                    .putShort((short) 0)
                                    .array(),
                            inner);
                case UDP ->
                    concat(
                            buffer(8)
                                    .putShort((short) layer.a)
                                    .putShort((short) layer.b)
                                    .putShort((short)
                                            (layer.lengthOverride != null ? layer.lengthOverride : 8 + inner.length))
                                    .putShort((short) 0)
                                    .array(),
                            inner);
                case ICMP, ICMPV6 ->
                    concat(
                            buffer(8)
                                    .put((byte) layer.a)
                                    .put((byte) layer.b)
                                    .putShort((short) 0)
                                    .putInt(0x00010001)
                                    .array(),
                            inner);
                case SCTP ->
                    concat(
                            buffer(12)
                                    .putShort((short) layer.a)
                                    .putShort((short) layer.b)
                                    .putInt(7)
                                    .putInt(0)
                                    .array(),
                            inner);
                case GTPU -> concat(gtpuHeader(layer, inner), inner);
                case PAYLOAD -> concat(layer.bytes, inner);
            };
        }

        private static byte[] ethernetHeader(Layer layer, Layer next) {
            return buffer(14)
                    .put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1})
                    .putShort((short) etherType(layer, next))
                    .array();
        }

        private static int etherType(Layer layer, Layer next) {
            if (layer.typeOverride != null) {
                return layer.typeOverride;
            }
            if (next == null) {
                return 0x0806;
            }
            return switch (next.kind) {
                case VLAN -> next.a;
                case MPLS -> 0x8847;
                case PPPOE -> 0x8864;
                case IPV4 -> 0x0800;
                case IPV6 -> 0x86DD;
                default -> 0x0806;
            };
        }

        private static int protocol(Layer next) {
            if (next == null) {
                return 59;
            }
            return switch (next.kind) {
                case TCP -> 6;
                case UDP -> 17;
                case ICMP -> 1;
                case ICMPV6 -> 58;
                case SCTP -> 132;
                case IPV4 -> 4;
                case IPV6 -> 41;
                default -> 253;
            };
        }

        private static byte[] ipv4Header(Layer layer, Layer next, byte[] inner) {
            byte[] options = layer.bytes == null ? new byte[0] : layer.bytes;
            int headerLength = 20 + options.length;
            int ihl = layer.ihlOverride != null ? layer.ihlOverride : headerLength / 4;
            int total = layer.lengthOverride != null ? layer.lengthOverride : headerLength + inner.length;
            int flags = (layer.moreFragments ? 0x2000 : 0)
                    | (layer.dontFragment ? 0x4000 : 0)
                    | (layer.fragmentOffset & 0x1FFF);
            int protocol = layer.typeOverride != null ? layer.typeOverride : protocol(next);
            ByteBuffer header = buffer(headerLength)
                    .put((byte) (0x40 | (ihl & 0xF)))
                    .put((byte) 0)
                    .putShort((short) total)
                    .putShort((short) 1)
                    .putShort((short) flags)
                    .put((byte) 64)
                    .put((byte) protocol)
                    .putShort((short) 0)
                    .put(layer.src)
                    .put(layer.dst)
                    .put(options);
            byte[] bytes = header.array();
            int sum = 0;
            for (int i = 0; i < headerLength; i += 2) {
                sum += ((bytes[i] & 0xFF) << 8) | (bytes[i + 1] & 0xFF);
            }
            sum = (sum & 0xFFFF) + (sum >>> 16);
            sum = (sum & 0xFFFF) + (sum >>> 16);
            bytes[10] = (byte) (~sum >>> 8);
            bytes[11] = (byte) ~sum;
            return bytes;
        }

        private static byte[] ipv6Header(Layer layer, Layer next, byte[] inner) {
            ByteArrayOutputStream extensions = new ByteArrayOutputStream();
            int count = layer.extensionTypes.size();
            for (int i = 0; i < count; i++) {
                int type = layer.extensionTypes.get(i)[0];
                byte[] body = layer.extensionBodies.get(i);
                int nextHeader = i + 1 < count
                        ? layer.extensionTypes.get(i + 1)[0]
                        : layer.typeOverride != null ? layer.typeOverride : protocol(next);
                int length = type == 51 ? (body.length + 2) / 4 - 2 : (body.length + 2) / 8 - 1;
                extensions.write(nextHeader);
                extensions.write(length);
                extensions.writeBytes(body);
            }
            int first = count > 0
                    ? layer.extensionTypes.getFirst()[0]
                    : layer.typeOverride != null ? layer.typeOverride : protocol(next);
            byte[] ext = extensions.toByteArray();
            int payloadLength = layer.lengthOverride != null ? layer.lengthOverride : ext.length + inner.length;
            return buffer(40 + ext.length)
                    .putInt(0x60000000)
                    .putShort((short) payloadLength)
                    .put((byte) first)
                    .put((byte) 64)
                    .put(layer.src)
                    .put(layer.dst)
                    .put(ext)
                    .array();
        }

        private static byte[] gtpuHeader(Layer layer, byte[] inner) {
            boolean extensions = !layer.extensionTypes.isEmpty();
            boolean optional = extensions || layer.sequence != null || (layer.a & 0x07) != 0;
            int flags = layer.a | (extensions ? 0x04 : 0) | (layer.sequence != null ? 0x02 : 0);
            ByteArrayOutputStream tail = new ByteArrayOutputStream();
            if (optional) {
                int seq = layer.sequence != null ? layer.sequence : 0;
                tail.write(seq >>> 8);
                tail.write(seq);
                tail.write(0);
                tail.write(extensions ? layer.extensionTypes.getFirst()[0] : 0);
                for (int i = 0; i < layer.extensionTypes.size(); i++) {
                    byte[] content = layer.extensionBodies.get(i);
                    tail.write((content.length + 2) / 4);
                    tail.writeBytes(content);
                    tail.write(
                            i + 1 < layer.extensionTypes.size()
                                    ? layer.extensionTypes.get(i + 1)[0]
                                    : 0);
                }
            }
            byte[] rest = tail.toByteArray();
            int length = layer.lengthOverride != null ? layer.lengthOverride : rest.length + inner.length;
            int type = layer.typeOverride != null ? layer.typeOverride : 255;
            return buffer(8 + rest.length)
                    .put((byte) flags)
                    .put((byte) type)
                    .putShort((short) length)
                    .putInt((int) layer.teid)
                    .put(rest)
                    .array();
        }
    }

    /** A classic pcap file under construction. */
    public static final class Pcap {
        private ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        private boolean nanos;
        private int snaplen = 65535;
        private int linkType = 1;
        private int major = 2;
        private int minor = 4;
        private final ByteArrayOutputStream records = new ByteArrayOutputStream();

        public Pcap order(ByteOrder byteOrder) {
            this.order = byteOrder;
            return this;
        }

        /** Nanosecond timestamps (magic a1b23c4d) instead of microseconds. */
        public Pcap nanos(boolean nanosecondResolution) {
            this.nanos = nanosecondResolution;
            return this;
        }

        public Pcap snaplen(int bytes) {
            this.snaplen = bytes;
            return this;
        }

        public Pcap linkType(int type) {
            this.linkType = type;
            return this;
        }

        public Pcap version(int majorVersion, int minorVersion) {
            this.major = majorVersion;
            this.minor = minorVersion;
            return this;
        }

        /** A record of the whole frame, cut to the snaplen like a capture would, stamped {@code timestampNs}. */
        public Pcap frame(long timestampNs, byte[] frame) {
            int captured = Math.min(frame.length, snaplen);
            return record(timestampNs, java.util.Arrays.copyOf(frame, captured), frame.length);
        }

        /** A record with explicit captured bytes and original length. */
        public Pcap record(long timestampNs, byte[] captured, int originalLength) {
            long seconds = Math.floorDiv(timestampNs, 1_000_000_000L);
            long fraction = Math.floorMod(timestampNs, 1_000_000_000L);
            recordHeader((int) seconds, (int) (nanos ? fraction : fraction / 1000), captured.length, originalLength);
            records.writeBytes(captured);
            return this;
        }

        /** A raw record header (for broken files: a length that lies). */
        public Pcap recordHeader(int seconds, int fraction, int capturedLength, int originalLength) {
            records.writeBytes(ByteBuffer.allocate(16)
                    .order(order)
                    .putInt(seconds)
                    .putInt(fraction)
                    .putInt(capturedLength)
                    .putInt(originalLength)
                    .array());
            return this;
        }

        /** Raw bytes appended as they are (a truncated tail, garbage). */
        public Pcap raw(byte[] bytes) {
            records.writeBytes(bytes);
            return this;
        }

        public byte[] toBytes() {
            ByteBuffer header = ByteBuffer.allocate(24).order(order);
            header.putInt(nanos ? 0xA1B23C4D : 0xA1B2C3D4)
                    .putShort((short) major)
                    .putShort((short) minor)
                    .putInt(0)
                    .putInt(0)
                    .putInt(snaplen)
                    .putInt(linkType);
            return concat(header.array(), records.toByteArray());
        }

        public Path write(Path file) {
            return writeFile(file, toBytes());
        }
    }

    /** A pcapng file under construction: sections, interfaces and packet blocks in the order added. */
    public static final class Pcapng {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private ByteOrder order = ByteOrder.LITTLE_ENDIAN;

        /** A section header block (version 1.0, section length -1) in {@code byteOrder}. */
        public Pcapng section(ByteOrder byteOrder) {
            return section(byteOrder, 1, 0);
        }

        /** A section header block with an explicit version. */
        public Pcapng section(ByteOrder byteOrder, int major, int minor) {
            this.order = byteOrder;
            ByteBuffer body = le(16).putInt(0x1A2B3C4D)
                    .putShort((short) major)
                    .putShort((short) minor)
                    .putLong(-1);
            return block(0x0A0D0D0A, body.array());
        }

        /** An interface description block without options. */
        public Pcapng interfaceBlock(int linkType, int snaplen) {
            return interfaceBlock(linkType, snaplen, null, -1, 0);
        }

        /**
         * An interface description block: {@code name} (if_name) when not null, {@code tsresol} (if_tsresol, the raw
         * option byte: 6 = microseconds, 9 = nanoseconds, 0x80|n = 2^-n) when not negative, {@code tsoffsetSeconds}
         * (if_tsoffset) when not zero.
         */
        public Pcapng interfaceBlock(int linkType, int snaplen, String name, int tsresol, long tsoffsetSeconds) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(le(8).putShort((short) linkType)
                    .putShort((short) 0)
                    .putInt(snaplen)
                    .array());
            boolean options = false;
            if (name != null) {
                option(body, 2, name.getBytes(StandardCharsets.UTF_8));
                options = true;
            }
            if (tsresol >= 0) {
                option(body, 9, new byte[] {(byte) tsresol});
                options = true;
            }
            if (tsoffsetSeconds != 0) {
                option(body, 14, le(8).putLong(tsoffsetSeconds).array());
                options = true;
            }
            if (options) {
                option(body, 0, new byte[0]);
            }
            return block(1, body.toByteArray());
        }

        /** An enhanced packet block; {@code timestamp} in the interface's units. */
        public Pcapng enhancedPacket(int interfaceId, long timestamp, byte[] captured, int originalLength) {
            return enhancedPacket(interfaceId, timestamp, captured, originalLength, -1);
        }

        /**
         * An enhanced packet block with an epb_flags option of {@code flags} (bits 0-1: 1 inbound, 2 outbound) when
         * not negative.
         */
        public Pcapng enhancedPacket(int interfaceId, long timestamp, byte[] captured, int originalLength, int flags) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(le(20).putInt(interfaceId)
                    .putInt((int) (timestamp >>> 32))
                    .putInt((int) timestamp)
                    .putInt(captured.length)
                    .putInt(originalLength)
                    .array());
            body.writeBytes(captured);
            pad(body);
            if (flags >= 0) {
                option(body, 2, le(4).putInt(flags).array());
                option(body, 0, new byte[0]);
            }
            return block(6, body.toByteArray());
        }

        /** A simple packet block (interface 0): the captured bytes and the original length. */
        public Pcapng simplePacket(byte[] captured, int originalLength) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(le(4).putInt(originalLength).array());
            body.writeBytes(captured);
            pad(body);
            return block(3, body.toByteArray());
        }

        /** An obsolete packet block (type 2, 16-bit interface id and drops count). */
        public Pcapng obsoletePacket(int interfaceId, long timestamp, byte[] captured, int originalLength) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(le(20).putShort((short) interfaceId)
                    .putShort((short) 0)
                    .putInt((int) (timestamp >>> 32))
                    .putInt((int) timestamp)
                    .putInt(captured.length)
                    .putInt(originalLength)
                    .array());
            body.writeBytes(captured);
            pad(body);
            return block(2, body.toByteArray());
        }

        /** Any block: type, body (padded to 4 bytes), lengths computed. */
        public Pcapng block(int type, byte[] body) {
            byte[] padded = java.util.Arrays.copyOf(body, (body.length + 3) & ~3);
            int total = 12 + padded.length;
            out.writeBytes(le(8).putInt(type).putInt(total).array());
            out.writeBytes(padded);
            out.writeBytes(le(4).putInt(total).array());
            return this;
        }

        /** Raw bytes appended as they are (broken blocks, a truncated tail). */
        public Pcapng raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        /** Integers in the current section's byte order, for hand-made broken blocks. */
        public byte[] ints(int... values) {
            ByteBuffer buffer = le(4 * values.length);
            for (int value : values) {
                buffer.putInt(value);
            }
            return buffer.array();
        }

        public byte[] toBytes() {
            return out.toByteArray();
        }

        public Path write(Path file) {
            return writeFile(file, toBytes());
        }

        private ByteBuffer le(int size) {
            return ByteBuffer.allocate(size).order(order);
        }

        private void option(ByteArrayOutputStream body, int code, byte[] value) {
            body.writeBytes(
                    le(4).putShort((short) code).putShort((short) value.length).array());
            body.writeBytes(value);
            body.writeBytes(new byte[((value.length + 3) & ~3) - value.length]);
        }

        private static void pad(ByteArrayOutputStream body) {
            body.writeBytes(new byte[((body.size() + 3) & ~3) - body.size()]);
        }
    }

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }

    private static Path writeFile(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
