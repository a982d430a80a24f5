package io.chargeflow.flow;

/**
 * Follows the life of every session of one processor, packet by packet, for the records billing needs (the CDR
 * assembler is one): a session opens, learns its subscriber, uses rating groups, meets a peer, and closes.
 *
 * <p>One recorder per processor, made by the factory set in {@link FlowContext#sessionRecorders}; every call comes
 * from that processor's thread, so an implementation keeps its state without locks. {@link #onUsage} is called per
 * packet and must not allocate or block.
 */
public interface SessionRecorder {

    /**
     * A session opened with its first packet at {@code timeNs}, seen on the network side when {@code downlink};
     * returns the recorder's handle for it.
     */
    int onOpen(long sessionId, long keyHi, long keyLo, boolean downlink, long timeNs);

    /** The directory named the session's subscriber (possibly after some usage was already reported). */
    void onSubscriber(int handle, Subscriber subscriber);

    /**
     * Usage deltas of one rating group: a packet, or (with negative values followed by positive ones) usage that
     * moved to another rating group when the flow's server name became known.
     */
    void onUsage(
            int handle,
            int ratingGroup,
            int serviceId,
            long ulOctets,
            long dlOctets,
            long ulPackets,
            long dlPackets,
            long firstUsageNs,
            long lastUsageNs,
            long activeNs);

    /** The session exchanged traffic with another subscriber (key of that subscriber). */
    void onPeer(int handle, long peerHi, long peerLo);

    /** Packet time moved on to {@code nowNs} (called at every sweep), for time-limit partial records. */
    void onTime(long nowNs);

    /** The session closed; {@code session} carries its totals and cause. The handle is free afterwards. */
    void onClose(int handle, ClosedSession session);
}
