package io.chargeflow.packet;

import java.io.IOException;

/**
 * A source of captured frames: a pcap or pcapng file, or a live interface ({@link LiveSource}).
 *
 * <p>One reader thread calls {@link #read}; nothing here is thread-safe. A broken record in the middle of a file
 * is counted in {@link #stats()} and reading resumes where it safely can; when it cannot, {@link #read} throws a
 * {@link CaptureFormatException} naming the file, the offset and the reason, after every good frame before it was
 * delivered.
 */
public interface CaptureSource extends AutoCloseable {

    /** Returned by {@link #read} when the source has no more frames. */
    int END_OF_INPUT = -1;

    /**
     * Delivers up to {@code maxFrames} frames to {@code handler}.
     *
     * @return the number of frames delivered (0 is possible on a live source), or {@link #END_OF_INPUT}
     * @throws CaptureFormatException when the rest of the file cannot be read safely
     */
    int read(FrameHandler handler, int maxFrames) throws IOException;

    /** Counters of what was read and skipped; live, read by the reader thread or after it finished. */
    CaptureStats stats();

    /** The name of pcapng interface {@code interfaceId} (if_name option), or null when it has none. */
    String interfaceName(int interfaceId);

    /**
     * The name of the interface a Linux cooked v2 header's interface index names ({@link
     * DecodedPacket#linkInterfaceIndex}), where the source can tell (a live capture on this host), else null: a file
     * does not name the interfaces of the host that captured it.
     */
    default String linkInterfaceName(int index) {
        return null;
    }

    /**
     * While a frame is handed to {@link FrameHandler#onFrame}: the direction the capture file records for it apart from
     * its link header ({@link CaptureDirection#FRAME_IN} or {@code FRAME_OUT}, from a pcapng block's epb_flags), else
     * {@link CaptureDirection#FRAME_UNKNOWN}.
     */
    default int frameDirection() {
        return CaptureDirection.FRAME_UNKNOWN;
    }

    /** Number of interfaces seen so far (1 for classic pcap). */
    int interfaceCount();

    /**
     * Whether frames arrive as they happen (a live interface): a read that finds none means the interface is quiet
     * now, so packet time may follow the clock.
     */
    default boolean isLive() {
        return false;
    }

    /**
     * For a live source: how late, at most, a frame is handed over after its timestamp (the kernel gives frames in
     * blocks). Packet time that follows the clock on a quiet interface stays this far behind it, so a frame still on
     * its way is never older than the time the sessions were already swept at.
     */
    default long deliveryDelayNs() {
        return 0;
    }

    /** The file or interface read, for messages. */
    String description();

    @Override
    void close() throws IOException;
}
