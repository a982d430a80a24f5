package io.chargeflow.cdr;

/**
 * chargeflow's own CDR field: which side of the monitored link the served subscriber was seen on. A subscriber-side
 * session is keyed by the packet source (uplink); a network-side one by the destination (downlink).
 */
public enum ChargingSide {
    SUBSCRIBER,
    NETWORK;

    static ChargingSide ofOrdinal(int ordinal) {
        return ordinal == 1 ? NETWORK : SUBSCRIBER;
    }
}
