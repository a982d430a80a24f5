package io.chargeflow.flow.internal;

/**
 * The layout of one record in a {@link RecordRing}: what the flow manager tells a processor about one packet for one
 * subscriber. A packet charged to both ends (peer-to-peer under the {@code both} side, or a link without a side
 * split) is two records.
 *
 * <pre>
 *  long 0  subscriber key, high 64 bits
 *  long 1  subscriber key, low 64 bits
 *  long 2  peer address key (the other end), high 64 bits
 *  long 3  peer address key, low 64 bits
 *  long 4  packet time, nanoseconds since the epoch
 *  long 5  bits  0..19  IP-layer bytes charged
 *          bit  20      direction: 0 uplink (subscriber sent), 1 downlink (subscriber received)
 *          bit  21      peer is a subscriber (peer-to-peer)
 *          bit  22      a learn record, not a packet: a DNS answer for the subscriber named a server at the peer
 *                       address whose name matches the rules of the name mask (long 7); nothing else is set
 *          bits 24..31  IP protocol
 *          bits 32..63  flow hash (the same for both directions of a flow)
 *  long 6  bits  0..15  subscriber-side port, bits 16..31 peer port, bit 32 ports known,
 *          bit  33      the packet carries transport payload
 *          bit  34      TCP SYN (a connection opens: its first payload may name the server)
 *  long 7  name mask: bit i set when the packet revealed a server name matching service rule i (the processor adds
 *          what learn records taught it for the peer address)
 * </pre>
 */
public final class RecordLayout {
    public static final int KEY_HI = 0;
    public static final int KEY_LO = 1;
    public static final int PEER_HI = 2;
    public static final int PEER_LO = 3;
    public static final int TIME_NS = 4;
    public static final int META = 5;
    public static final int PORTS = 6;
    public static final int HINT = 7;

    public static final long BYTES_MASK = (1L << 20) - 1;
    public static final long DOWNLINK_BIT = 1L << 20;
    public static final long PEER_SUBSCRIBER_BIT = 1L << 21;
    public static final long LEARN_BIT = 1L << 22;
    public static final int PROTOCOL_SHIFT = 24;
    public static final long PORTS_KNOWN_BIT = 1L << 32;
    public static final long PAYLOAD_BIT = 1L << 33;
    public static final long SYN_BIT = 1L << 34;
    public static final int FLOW_HASH_SHIFT = 32;

    private RecordLayout() {}

    public static long meta(int bytes, boolean downlink, boolean peerIsSubscriber, int protocol, int flowHash) {
        return (bytes & BYTES_MASK)
                | (downlink ? DOWNLINK_BIT : 0)
                | (peerIsSubscriber ? PEER_SUBSCRIBER_BIT : 0)
                | ((long) (protocol & 0xFF) << PROTOCOL_SHIFT)
                | ((long) flowHash << FLOW_HASH_SHIFT);
    }

    public static boolean isLearn(long meta) {
        return (meta & LEARN_BIT) != 0;
    }

    public static int bytes(long meta) {
        return (int) (meta & BYTES_MASK);
    }

    public static boolean downlink(long meta) {
        return (meta & DOWNLINK_BIT) != 0;
    }

    public static boolean peerIsSubscriber(long meta) {
        return (meta & PEER_SUBSCRIBER_BIT) != 0;
    }

    public static int protocol(long meta) {
        return (int) (meta >>> PROTOCOL_SHIFT) & 0xFF;
    }

    public static int flowHash(long meta) {
        return (int) (meta >>> FLOW_HASH_SHIFT);
    }
}
