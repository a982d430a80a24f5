package io.chargeflow.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/** Test handler that copies every frame it is given, with its metadata. */
final class FrameCollector implements FrameHandler {
    record Frame(byte[] bytes, int originalLength, long timestampNs, int interfaceId, int linkType) {}

    final List<Frame> frames = new ArrayList<>();

    @Override
    public void onFrame(
            MemorySegment data,
            long offset,
            int capturedLength,
            int originalLength,
            long timestampNs,
            int interfaceId,
            int linkType) {
        frames.add(new Frame(
                data.asSlice(offset, capturedLength).toArray(ValueLayout.JAVA_BYTE),
                originalLength,
                timestampNs,
                interfaceId,
                linkType));
    }

    /** Reads the whole source in batches of {@code batch}. */
    static FrameCollector readAll(CaptureSource source, int batch) throws java.io.IOException {
        FrameCollector collector = new FrameCollector();
        int guard = 0;
        while (source.read(collector, batch) != CaptureSource.END_OF_INPUT) {
            if (++guard > 10_000_000) {
                throw new AssertionError("reader does not end");
            }
        }
        return collector;
    }
}
