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

    /** {@code in}, {@code out} or {@code both}, in any case. */
    public static CaptureDirection parse(String text) {
        return switch (text == null ? "" : text.trim().toLowerCase(Locale.ROOT)) {
            case "in" -> IN;
            case "out" -> OUT;
            case "both", "inout" -> BOTH;
            default -> throw new IllegalArgumentException("direction='" + text + "' must be in, out or both");
        };
    }

    /** Whether a frame of {@link DecodedPacket#linkDirection} {@code direction} is kept (an unknown one always is). */
    public boolean keeps(int direction) {
        return this == BOTH
                || direction == DecodedPacket.DIRECTION_UNKNOWN
                || (direction == DecodedPacket.DIRECTION_IN) == (this == IN);
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
