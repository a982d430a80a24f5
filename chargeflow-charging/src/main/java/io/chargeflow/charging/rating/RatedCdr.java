package io.chargeflow.charging.rating;

import java.util.List;

/**
 * A CDR with its price: who is billed (by their own plan; each end of peer-to-peer traffic has its own CDR and is
 * billed for it), the rated containers and the total. Created by the {@link Rater} on the billing thread; immutable.
 *
 * @param localSequenceNumber the CDR's journal sequence
 * @param chargingID the session's charging id
 * @param recordSequenceNumber the CDR's number in its session chain
 * @param subscriber the billed subscriber's label ({@code id:<subscriberId>} or {@code key:<hex key>})
 * @param servedMSISDN MSISDN, or null
 * @param account billing account, or null
 * @param plan the plan that priced it
 * @param peerToPeer whether the other end was a subscriber
 * @param peerSubscriber the other end's key ({@code key:<hex>}), or null
 * @param recordOpeningTimeMs the CDR's opening time
 * @param services the rated containers
 * @param total the sum of the containers' amounts
 */
public record RatedCdr(
        long localSequenceNumber,
        long chargingID,
        int recordSequenceNumber,
        String subscriber,
        String servedMSISDN,
        String account,
        String plan,
        boolean peerToPeer,
        String peerSubscriber,
        long recordOpeningTimeMs,
        List<RatedService> services,
        Money total) {

    public RatedCdr {
        services = List.copyOf(services);
    }
}
