package io.chargeflow.packet;

import java.util.Locale;

/**
 * Which frames of an interface are metered: those the host received, those it sent, or both. A meter on the gateway
 * itself that captures both of its ports sees every forwarded packet twice, once arriving and once leaving: metering
 * only what arrives counts each once. A live capture has the kernel select them ({@code pcap_setdirection}); in a
 * file a frame's Linux cooked header (SLL, SLL2: a capture on {@code any}) or its pcapng block's epb_flags say it.
 */
public enum CaptureDirection {
    /** Frames the host received (including broadcast, multicast and frames to other hosts seen promiscuously). */
    IN,
    /** Frames the host sent. */
    OUT,
    /** Every frame. */
    BOTH;

    /** A frame's direction as {@link #ofLinkHeader} and {@link CaptureSource#frameDirection} give it: not known. */
    public static final int FRAME_UNKNOWN = 0;
    /** A frame the host received. */
    public static final int FRAME_IN = 1;
    /** A frame the host sent. */
    public static final int FRAME_OUT = 2;

    private static final java.lang.foreign.ValueLayout.OfShort U16_BE =
            java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);

    /**
     * The direction a frame's Linux cooked header gives (SLL: packet type in octets 0-1; SLL2: in octet 10; 4 sent,
     * 0..3 received, other types neither), else {@link #FRAME_UNKNOWN}: other link types do not say, and a header cut
     * short says nothing (the decoder counts such a frame as malformed).
     */
    public static int ofLinkHeader(java.lang.foreign.MemorySegment data, long offset, int captured, int linkType) {
        int type;
        if (linkType == LinkType.LINUX_SLL && captured >= 16) {
            type = Short.toUnsignedInt(data.get(U16_BE, offset));
        } else if (linkType == LinkType.LINUX_SLL2 && captured >= 20) {
            type = Byte.toUnsignedInt(data.get(java.lang.foreign.ValueLayout.JAVA_BYTE, offset + 10));
        } else {
            return FRAME_UNKNOWN;
        }
        return type == 4 ? FRAME_OUT : type <= 3 ? FRAME_IN : FRAME_UNKNOWN;
    }

    /** {@code in}, {@code out} or {@code both}, in any case. */
    public static CaptureDirection parse(String text) {
        return switch (text == null ? "" : text.trim().toLowerCase(Locale.ROOT)) {
            case "in" -> IN;
            case "out" -> OUT;
            case "both", "inout" -> BOTH;
            default -> throw new IllegalArgumentException("direction='" + text + "' must be in, out or both");
        };
    }

    /** Whether a frame of direction {@code direction} ({@link #FRAME_IN} ...) is kept (an unknown one always is). */
    public boolean keeps(int direction) {
        return this == BOTH || direction == FRAME_UNKNOWN || (direction == FRAME_IN) == (this == IN);
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
