package io.chargeflow.flow;

/**
 * A session's usage of one rating group and service: a usage container (TS 32.298 ChangeOfServiceCondition) with
 * uplink/downlink octets and packets, the times of first and last usage and the active time (gaps between packets
 * shorter than the activity timeout summed). Built by the owning processor when the session closes.
 */
public record ServiceUsage(
        int ratingGroup,
        int serviceId,
        String rule,
        long ulPackets,
        long ulBytes,
        long dlPackets,
        long dlBytes,
        long firstUsageNs,
        long lastUsageNs,
        long activeNs) {}
