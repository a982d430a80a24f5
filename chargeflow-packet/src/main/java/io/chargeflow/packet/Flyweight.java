package io.chargeflow.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Base of the per-layer views: a window {@code [offset, offset + length)} of a segment, read in network byte order.
 * Callers check lengths before reading a field, so the accessors do no bounds checks of their own beyond the
 * segment's. One instance per layer per decoding thread, re-wrapped for every frame.
 */
abstract class Flyweight {
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    MemorySegment segment;
    long offset;
    /** Bytes captured from {@link #offset} on (what may be read). */
    int length;

    final void wrap(MemorySegment segment, long offset, int length) {
        this.segment = segment;
        this.offset = offset;
        this.length = length;
    }

    final int u8(int at) {
        return segment.get(ValueLayout.JAVA_BYTE, offset + at) & 0xFF;
    }

    final int u16(int at) {
        return Short.toUnsignedInt(segment.get(U16, offset + at));
    }

    final int i32(int at) {
        return segment.get(U32, offset + at);
    }

    final long i64(int at) {
        return segment.get(U64, offset + at);
    }
}
