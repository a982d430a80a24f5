package io.chargeflow.packet;

import java.lang.foreign.MemorySegment;

/**
 * Receives the frames of a {@link CaptureSource}, one call per captured frame, on the source's reader thread.
 *
 * <p>The frame's bytes are {@code data[offset, offset + capturedLength)}; they are valid only during the call
 * (the segment is the capture file's mapping or a reused buffer): decode in place, copy nothing you do not keep.
 * {@code originalLength} is the length on the wire (larger than {@code capturedLength} when the snaplen cut the
 * frame), {@code timestampNs} the packet time in nanoseconds since the epoch, {@code interfaceId} the pcapng
 * interface id (0 for classic pcap) and {@code linkType} the {@link LinkType} of that interface.
 */
@FunctionalInterface
public interface FrameHandler {
    void onFrame(
            MemorySegment data,
            long offset,
            int capturedLength,
            int originalLength,
            long timestampNs,
            int interfaceId,
            int linkType);
}
