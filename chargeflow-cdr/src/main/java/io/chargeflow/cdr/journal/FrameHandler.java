package io.chargeflow.cdr.journal;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Receives the valid frames of a {@link JournalScanner} scan, in journal order, on the scanning thread. The payload
 * buffer is a little-endian view valid only during the call.
 */
@FunctionalInterface
public interface FrameHandler {
    /** Returns false to stop the scan after this frame. */
    boolean onFrame(long sequence, byte type, ByteBuffer payload, Path file, long offset);
}
