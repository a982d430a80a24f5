package io.chargeflow.cdr.journal;

import java.nio.file.Path;

/**
 * Where a reader stopped: the segment and byte offset of the next frame and the sequence it must carry. Lets a live
 * reader (an exporter) resume with {@link JournalScanner#scanFrom} without re-reading the segment. Immutable.
 *
 * @param segment the segment file holding the next frame
 * @param nextOffset byte offset of the next frame in it
 * @param nextSequence the sequence the next frame must have
 */
public record JournalPosition(Path segment, long nextOffset, long nextSequence) {

    /** The position after a frame at {@code offset} with a payload of {@code payloadLength} bytes. */
    public static JournalPosition after(Path segment, long offset, int payloadLength, long sequence) {
        return new JournalPosition(
                segment,
                offset + JournalDescriptor.alignedLength(JournalDescriptor.FRAME_HEADER_LENGTH + payloadLength),
                sequence + 1);
    }
}
