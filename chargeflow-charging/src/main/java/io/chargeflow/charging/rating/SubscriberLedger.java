package io.chargeflow.charging.rating;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The account of one subscriber for a billing period: every rated CDR posted to it, totals per rating group and
 * the amount due. Filled by the {@link Ledger} on the billing thread; read when bills are printed.
 */
public final class SubscriberLedger {
    private final String subscriber;
    private String msisdn;
    private String account;
    private String plan;
    private final List<RatedCdr> entries = new ArrayList<>();
    private final Map<Integer, long[]> perRatingGroup = new TreeMap<>(); // octets, ms, allowanceOctets, amount
    private long peerToPeerCdrs;
    private Money total;

    SubscriberLedger(String subscriber, Money zero) {
        this.subscriber = subscriber;
        this.total = zero;
    }

    void post(RatedCdr cdr) {
        entries.add(cdr);
        msisdn = cdr.servedMSISDN() != null ? cdr.servedMSISDN() : msisdn;
        account = cdr.account() != null ? cdr.account() : account;
        plan = cdr.plan();
        if (cdr.peerToPeer()) {
            peerToPeerCdrs++;
        }
        for (RatedService s : cdr.services()) {
            long[] t = perRatingGroup.computeIfAbsent(s.ratingGroup(), k -> new long[4]);
            t[0] += s.octets();
            t[1] += s.timeMs();
            t[2] += s.allowanceOctets();
            t[3] = Math.addExact(t[3], s.amount().minorUnits());
        }
        total = total.plus(cdr.total());
    }

    public String subscriber() {
        return subscriber;
    }

    public String msisdn() {
        return msisdn;
    }

    public String account() {
        return account;
    }

    public String plan() {
        return plan;
    }

    public List<RatedCdr> entries() {
        return List.copyOf(entries);
    }

    /** Per rating group: {octets, active ms, octets from allowance, amount in minor units}. */
    public Map<Integer, long[]> perRatingGroup() {
        return perRatingGroup;
    }

    public long peerToPeerCdrs() {
        return peerToPeerCdrs;
    }

    public Money total() {
        return total;
    }
}
