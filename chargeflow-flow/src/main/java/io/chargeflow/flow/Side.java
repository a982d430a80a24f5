package io.chargeflow.flow;

import java.util.Locale;

/**
 * Where a packet came in, which decides whose session it is: on the subscriber side the session belongs to the
 * source IP (uplink), on the network side to the destination IP (downlink). {@link #BOTH} charges a packet to both
 * ends (a passive monitor of a link with no VLAN split); {@link #IGNORE} counts it as unclassified.
 */
public enum Side {
    SUBSCRIBER,
    NETWORK,
    BOTH,
    IGNORE;

    /** Parses {@code subscriber|network|both|ignore} (case-insensitive); fails with a name=value message. */
    public static Side parse(String text) {
        for (Side side : values()) {
            if (side.name().equalsIgnoreCase(text.trim())) {
                return side;
            }
        }
        throw new IllegalArgumentException("side=" + text + " is not one of subscriber, network, both, ignore");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
