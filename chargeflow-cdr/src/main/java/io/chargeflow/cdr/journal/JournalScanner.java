package io.chargeflow.cdr.journal;

import static io.chargeflow.cdr.journal.JournalDescriptor.FRAME_ALIGNMENT;
import static io.chargeflow.cdr.journal.JournalDescriptor.FRAME_HEADER_LENGTH;
import static io.chargeflow.cdr.journal.JournalDescriptor.MAX_PAYLOAD_LENGTH;
import static io.chargeflow.cdr.journal.JournalDescriptor.SEGMENT_HEADER_LENGTH;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Reads a journal directory front to back: checks every segment header, frame length, CRC32C and the sequence chain
 * (within and across segments), hands valid frames to a {@link FrameHandler} and reports every finding with its file
 * and offset. Used by recovery, readers, exporters, {@code cdr verify} and {@code cdr dump}; one scanner per call,
 * on the caller's thread. Segments are memory-mapped read-only, so a scan allocates per segment, not per frame.
 *
 * <p>A bad frame is a torn tail when no valid frame follows it anywhere in the journal (checked at every 8-byte
 * aligned offset after it); otherwise it is damage in the middle. With {@code stopAtDamage} the scan ends at the
 * first finding (exporters must never skip a record); without it, the scan resynchronises on the next valid frame
 * and reports the gap, so {@code verify} can count everything.
 */
public final class JournalScanner {
    private final CRC32C crc = new CRC32C();
    private final List<JournalDamage> damages = new ArrayList<>();
    private long frames;
    private long firstSequence;
    private long lastSequence;
    private long lastSegmentValidEnd;

    private JournalScanner() {}

    /** Lists the segment files of {@code dir} in sequence order (empty when the directory does not exist). */
    public static List<Path> segments(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> {
                        String n = p.getFileName().toString();
                        return n.startsWith("segment-") && n.endsWith(JournalDescriptor.SEGMENT_SUFFIX);
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list journal dir=" + dir, e);
        }
    }

    /**
     * Scans {@code dir}, handing frames with sequence {@code >= fromSequence} to {@code handler}.
     *
     * @param stopAtDamage end at the first damage, gap or duplicate instead of resynchronising after it
     */
    public static ScanReport scan(Path dir, long fromSequence, boolean stopAtDamage, FrameHandler handler) {
        return new JournalScanner().run(segments(dir), fromSequence, stopAtDamage, handler);
    }

    /**
     * Scans from a known frame position (a reader that remembers where it stopped), so that a live reader does not
     * re-check the start of a large segment on every call. Falls back to a scan by sequence when the segment of
     * {@code start} is not in the directory.
     */
    public static ScanReport scanFrom(Path dir, JournalPosition start, boolean stopAtDamage, FrameHandler handler) {
        List<Path> segments = segments(dir);
        int index = segments.indexOf(start.segment());
        if (index < 0) {
            return scan(dir, start.nextSequence(), stopAtDamage, handler);
        }
        return new JournalScanner()
                .run(
                        segments,
                        index,
                        start.nextSequence(),
                        (int) start.nextOffset(),
                        start.nextSequence(),
                        stopAtDamage,
                        handler);
    }

    private ScanReport run(List<Path> segments, long fromSequence, boolean stopAtDamage, FrameHandler handler) {
        int first = 0;
        while (fromSequence > 1
                && first < segments.size() - 1
                && firstSequenceOf(segments.get(first + 1)) <= fromSequence) {
            first++;
        }
        return run(segments, first, -1, SEGMENT_HEADER_LENGTH, fromSequence, stopAtDamage, handler);
    }

    private ScanReport run(
            List<Path> segments,
            int firstSegment,
            long expectedAtStart,
            int startOffset,
            long fromSequence,
            boolean stopAtDamage,
            FrameHandler handler) {
        long expected = expectedAtStart;
        for (int i = firstSegment; i < segments.size(); i++) {
            int offset = i == firstSegment ? startOffset : SEGMENT_HEADER_LENGTH;
            SegmentOutcome outcome = scanSegment(segments, i, expected, offset, fromSequence, stopAtDamage, handler);
            if (outcome.stop) {
                break;
            }
            expected = outcome.nextExpected;
        }
        return new ScanReport(segments, frames, firstSequence, lastSequence, List.copyOf(damages), lastSegmentValidEnd);
    }

    private record SegmentOutcome(long nextExpected, boolean stop) {}

    private SegmentOutcome scanSegment(
            List<Path> segments,
            int index,
            long expected,
            int startOffset,
            long from,
            boolean stopAtDamage,
            FrameHandler handler) {
        Path file = segments.get(index);
        boolean lastSegment = index == segments.size() - 1;
        ByteBuffer buf = map(file);
        int size = buf.limit();
        if (lastSegment) {
            lastSegmentValidEnd = 0;
        }
        // resuming inside a segment: its header's first sequence is not the sequence expected next
        String headerProblem = checkHeader(buf, startOffset > SEGMENT_HEADER_LENGTH ? -1 : expected);
        if (headerProblem != null) {
            boolean torn = lastSegment && nextValidFrame(buf, SEGMENT_HEADER_LENGTH) < 0;
            damages.add(new JournalDamage(file, 0, headerProblem, torn));
            if (torn || stopAtDamage || size < SEGMENT_HEADER_LENGTH) {
                return new SegmentOutcome(expected, true);
            }
        }
        if (expected < 0 && size >= SEGMENT_HEADER_LENGTH) {
            expected = buf.getLong(8);
        }
        if (startOffset > SEGMENT_HEADER_LENGTH && expected < 0) {
            throw new IllegalArgumentException("startOffset=" + startOffset + " needs the expected sequence");
        }
        int offset = startOffset;
        if (lastSegment) {
            lastSegmentValidEnd = Math.min(size, startOffset);
        }
        while (offset < size) {
            String problem = checkFrame(buf, offset, size);
            if (problem != null) {
                int next = nextValidFrame(buf, offset + FRAME_ALIGNMENT);
                boolean torn = lastSegment && next < 0;
                damages.add(new JournalDamage(file, offset, problem, torn));
                if (torn || stopAtDamage || next < 0) {
                    return new SegmentOutcome(expected, true);
                }
                offset = next;
                continue;
            }
            int length = buf.getInt(offset);
            long sequence = buf.getLong(offset + 8);
            if (sequence != expected) {
                String what = sequence < expected ? "duplicate" : "gap";
                damages.add(new JournalDamage(
                        file, offset, what + ": sequence=" + sequence + " expected=" + expected, false));
                if (stopAtDamage) {
                    return new SegmentOutcome(expected, true);
                }
            }
            frames++;
            if (firstSequence == 0) {
                firstSequence = sequence;
            }
            lastSequence = sequence;
            expected = sequence + 1;
            int next = offset + JournalDescriptor.alignedLength(length);
            if (lastSegment) {
                lastSegmentValidEnd = Math.min(next, size);
            }
            if (sequence >= from) {
                ByteBuffer payload = buf.slice(offset + FRAME_HEADER_LENGTH, length - FRAME_HEADER_LENGTH)
                        .order(ByteOrder.LITTLE_ENDIAN);
                if (!handler.onFrame(sequence, buf.get(offset + 16), payload, file, offset)) {
                    return new SegmentOutcome(expected, true);
                }
            }
            offset = next;
        }
        return new SegmentOutcome(expected, false);
    }

    private String checkHeader(ByteBuffer buf, long expected) {
        if (buf.limit() < SEGMENT_HEADER_LENGTH) {
            return "segment header truncated: size=" + buf.limit();
        }
        if (buf.getInt(0) != JournalDescriptor.SEGMENT_MAGIC) {
            return "bad segment magic=0x" + Integer.toHexString(buf.getInt(0));
        }
        crc.reset();
        crc.update(buf.slice(0, 24));
        if ((int) crc.getValue() != buf.getInt(24)) {
            return "segment header CRC32C mismatch";
        }
        if (buf.getInt(4) != JournalDescriptor.FORMAT_VERSION) {
            return "unknown segment version=" + buf.getInt(4);
        }
        long first = buf.getLong(8);
        if (expected >= 0 && first != expected) {
            return (first < expected ? "duplicate" : "gap") + ": segment firstSequence=" + first + " expected="
                    + expected;
        }
        return null;
    }

    private String checkFrame(ByteBuffer buf, int offset, int size) {
        if (size - offset < FRAME_HEADER_LENGTH) {
            return "truncated frame header: bytes=" + (size - offset);
        }
        int length = buf.getInt(offset);
        if (length < FRAME_HEADER_LENGTH || length - FRAME_HEADER_LENGTH > MAX_PAYLOAD_LENGTH) {
            return "bad frame length=" + length;
        }
        if (length > size - offset) {
            return "frame length=" + length + " runs past end of segment (bytes=" + (size - offset) + ")";
        }
        crc.reset();
        crc.update(buf.slice(offset + 8, length - 8));
        int stored = buf.getInt(offset + 4);
        if ((int) crc.getValue() != stored) {
            return "CRC32C mismatch: stored=0x" + Integer.toHexString(stored) + " computed=0x"
                    + Integer.toHexString((int) crc.getValue());
        }
        return null;
    }

    private int nextValidFrame(ByteBuffer buf, int from) {
        int size = buf.limit();
        int start = Math.max(SEGMENT_HEADER_LENGTH, (from + FRAME_ALIGNMENT - 1) & -FRAME_ALIGNMENT);
        for (int offset = start; offset + FRAME_HEADER_LENGTH <= size; offset += FRAME_ALIGNMENT) {
            int length = buf.getInt(offset);
            if (length >= FRAME_HEADER_LENGTH && length <= size - offset && checkFrame(buf, offset, size) == null) {
                return offset;
            }
        }
        return -1;
    }

    /** The first sequence of a segment, from its file name (Long.MAX_VALUE when the name is not a segment's). */
    public static long firstSequenceOf(Path segment) {
        String n = segment.getFileName().toString();
        try {
            return Long.parseLong(
                    n.substring("segment-".length(), n.length() - JournalDescriptor.SEGMENT_SUFFIX.length()));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static ByteBuffer map(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new IllegalStateException("segment=" + file + " size=" + size + " exceeds 2 GiB");
            }
            MappedByteBuffer mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            return mapped.order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read segment=" + file, e);
        }
    }
}
