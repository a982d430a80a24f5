package io.chargeflow.cdr;

import java.util.Objects;

/**
 * Who a session belongs to, as the CDRs of the session will name it. Control-plane data: the flow side creates one
 * per session open (after its directory lookup), never per packet.
 *
 * @param servedIMSI IMSI, or null
 * @param servedMSISDN MSISDN, or null
 * @param servedPDPPDNAddress the subscriber's address as text
 * @param chargingSide where the subscriber was seen
 * @param subscriberKeyHi subscriber key, high bits
 * @param subscriberKeyLo subscriber key, low bits
 * @param subscriberId directory id, 0 when unattributed
 * @param account billing account, or null
 * @param plan tariff plan, or null
 */
public record SessionIdentity(
        String servedIMSI,
        String servedMSISDN,
        String servedPDPPDNAddress,
        ChargingSide chargingSide,
        long subscriberKeyHi,
        long subscriberKeyLo,
        long subscriberId,
        String account,
        String plan) {

    public SessionIdentity {
        Objects.requireNonNull(chargingSide, "chargingSide");
    }
}
