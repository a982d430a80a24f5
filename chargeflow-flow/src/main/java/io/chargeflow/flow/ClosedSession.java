package io.chargeflow.flow;

/**
 * The usage record of one closed session: who, when, how much in each direction, whether it was peer-to-peer and
 * why it closed. Created on the owning processor's thread when the session closes (never per packet) and handed to
 * the {@link SessionListener}.
 *
 * @param sessionId unique in the run: processor id in the top 16 bits, a per-processor sequence below
 * @param processor the processor that owned the session
 * @param keyHi subscriber key, high bits (see {@link SubscriberKeys})
 * @param keyLo subscriber key, low bits
 * @param subscriber the holder from the directory, or null when unattributed
 * @param firstSeenNs packet time of the first packet
 * @param lastSeenNs packet time of the last packet
 * @param peerToPeer whether the session exchanged traffic with another subscriber
 * @param peerHi the last peer subscriber's key (high bits), when peer-to-peer
 * @param peerLo the last peer subscriber's key (low bits), when peer-to-peer
 * @param peerSubscriber the peer's holder from the directory, when peer-to-peer and known; else null
 * @param cause why it closed
 * @param closeTimeNs packet time at which it closed
 * @param services the usage per rating group, in order of first use (empty when no service rules are set, and when
 *     the processor's listener is {@link SessionListener#NONE}: a recorder has the usage from its own calls)
 */
public record ClosedSession(
        long sessionId,
        int processor,
        long keyHi,
        long keyLo,
        Subscriber subscriber,
        long firstSeenNs,
        long lastSeenNs,
        long ulPackets,
        long ulBytes,
        long dlPackets,
        long dlBytes,
        boolean peerToPeer,
        long peerHi,
        long peerLo,
        Subscriber peerSubscriber,
        CloseCause cause,
        long closeTimeNs,
        java.util.List<ServiceUsage> services) {}
