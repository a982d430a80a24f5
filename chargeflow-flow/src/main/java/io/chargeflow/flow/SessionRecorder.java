package io.chargeflow.flow;

/**
 * Follows the life of every session of one processor for the records billing needs (the CDR assembler is one): a
 * session opens, learns its subscriber, uses rating groups, meets a peer, has partial records cut, and closes.
 *
 * <p>The processor keeps the usage containers itself and reports them only when a record ends: before every
 * {@link #onCut} and before {@link #onClose} it calls {@link #onUsage} once per container that has usage in the
 * record, with the usage since the previous record. So nothing here runs per packet. The processor also decides when
 * partial records are cut, on the limits of {@link FlowContext#recordLimits}, exactly at the packet that reaches
 * them.
 *
 * <p>One recorder per processor, made by the factory set in {@link FlowContext#sessionRecorders}; every call comes
 * from that processor's thread, so an implementation keeps its state without locks.
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
     * The usage of one container (rating group and service identifier) in the record that is about to end: octets,
     * packets and active time since the previous record, first and last usage in this record.
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

    /** A partial record ends at {@code atNs} (its usage was just reported); the session goes on in a new record. */
    void onCut(int handle, RecordCut cause, long atNs);

    /**
     * The session closed for {@code cause} at {@code closeTimeNs} (the last record's usage was just reported). The
     * handle is free afterwards.
     */
    void onClose(int handle, CloseCause cause, long closeTimeNs);

    /**
     * The processor has no more records for now: called at the end of every duty cycle that took records or messages
     * or swept its sessions, and when it stops. A recorder that holds records back (the journal's batches) hands them on here.
     */
    default void flush() {}
}
