package io.chargeflow.charging.rating;

import io.chargeflow.cdr.PgwRecord;
import io.chargeflow.cdr.ServiceData;
import io.chargeflow.cdr.export.CdrFormat;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prices closed CDRs with {@link Tariffs}: per container, zero-rating first, then the included allowance of the
 * period, then volume and time steps (each rounded up to its step). Keeps the allowance use per subscriber, plan,
 * allowance line and period, so CDRs must be rated in journal order for the result to be reproducible. Single
 * thread (the billing run's); not thread-safe.
 *
 * <p>The band of a container is chosen by its time of first usage: a container that spans a band boundary is priced
 * entirely in the band it started in.
 */
public final class Rater {
    private final Tariffs tariffs;
    private final Map<AllowanceKey, long[]> allowanceUsed = new HashMap<>();
    private final Map<String, Long> unrated = new TreeMap<>();
    private long rated;

    private record AllowanceKey(String subscriber, String plan, int line, long periodStartMs) {}

    public Rater(Tariffs tariffs) {
        this.tariffs = tariffs;
    }

    /** The billed party's label: directory id when known, else the subscriber key. */
    public static String subscriberLabel(PgwRecord cdr) {
        return cdr.subscriberId() != 0
                ? "id:" + cdr.subscriberId()
                : "key:" + CdrFormat.key(cdr.subscriberKeyHi(), cdr.subscriberKeyLo());
    }

    /**
     * Rates one CDR; returns null when it cannot be rated (no plan and no default plan), counted in
     * {@link #unrated()} by reason.
     */
    public RatedCdr rate(PgwRecord cdr) {
        Plan plan = tariffs.plan(cdr.plan());
        if (plan == null) {
            unrated.merge("unknown plan=" + cdr.plan(), 1L, Long::sum);
            return null;
        }
        String subscriber = subscriberLabel(cdr);
        Money total = Money.zero(tariffs.currency());
        List<RatedService> services = new ArrayList<>(cdr.listOfServiceData().size());
        for (ServiceData d : cdr.listOfServiceData()) {
            RatedService s = rate(plan, subscriber, d);
            services.add(s);
            total = total.plus(s.amount());
        }
        rated++;
        return new RatedCdr(
                cdr.localSequenceNumber(),
                cdr.chargingID(),
                cdr.recordSequenceNumber(),
                subscriber,
                cdr.servedMSISDN(),
                cdr.account(),
                plan.name(),
                cdr.peerToPeer(),
                cdr.peerToPeer() ? "key:" + CdrFormat.key(cdr.peerKeyHi(), cdr.peerKeyLo()) : null,
                cdr.recordOpeningTimeMs(),
                services,
                total);
    }

    /** CDRs rated so far. */
    public long rated() {
        return rated;
    }

    /**
     * What could not be priced, by reason: CDRs without a plan (not rated at all) and containers without a rate line
     * (rated at zero, basis {@code unpriced}).
     */
    public Map<String, Long> unrated() {
        return Map.copyOf(unrated);
    }

    private RatedService rate(Plan plan, String subscriber, ServiceData d) {
        long rg = d.ratingGroup() & 0xFFFFFFFFL;
        ZonedDateTime when = Instant.ofEpochMilli(d.timeOfFirstUsageMs()).atZone(tariffs.zone());
        long octets = d.totalVolume();
        long timeMs = d.timeUsageMs();
        RateLine zero = plan.find(RateLine.Kind.ZERO, rg, when);
        if (zero != null) {
            return new RatedService(
                    d.ratingGroup(),
                    d.serviceIdentifier(),
                    octets,
                    timeMs,
                    0,
                    0,
                    0,
                    0,
                    "zero",
                    Integer.toString(zero.line()),
                    Money.zero(tariffs.currency()));
        }
        long fromAllowanceOctets = 0;
        long fromAllowanceMs = 0;
        AllowanceLine allowance = plan.allowance(rg);
        if (allowance != null) {
            long period = tariffs.allowancePeriod().periodStartMs(d.timeOfFirstUsageMs(), tariffs.zone());
            long[] used = allowanceUsed.computeIfAbsent(
                    new AllowanceKey(subscriber, plan.name(), allowance.line(), period), k -> new long[2]);
            fromAllowanceOctets = Math.min(octets, Math.max(0, allowance.volumeOctets() - used[0]));
            fromAllowanceMs = Math.min(timeMs, Math.max(0, allowance.timeMs() - used[1]));
            used[0] += fromAllowanceOctets;
            used[1] += fromAllowanceMs;
        }
        long chargedOctets = octets - fromAllowanceOctets;
        long chargedMs = timeMs - fromAllowanceMs;
        RateLine volume = plan.find(RateLine.Kind.VOLUME, rg, when);
        RateLine time = plan.find(RateLine.Kind.TIME, rg, when);
        long amount = 0;
        StringBuilder lines = new StringBuilder();
        StringBuilder basis = new StringBuilder();
        if (volume != null) {
            amount = Math.addExact(amount, volume.priceOf(chargedOctets));
            lines.append(volume.line());
            basis.append("volume");
        }
        if (time != null) {
            amount = Math.addExact(amount, time.priceOf(chargedMs));
            lines.append(lines.isEmpty() ? "" : ",").append(time.line());
            basis.append(basis.isEmpty() ? "" : "+").append("time");
        }
        if (basis.isEmpty()) {
            boolean covered = allowance != null && chargedOctets == 0 && chargedMs == 0;
            basis.append(covered ? "allowance" : "unpriced");
            if (!covered) {
                unrated.merge("container without a rate line: plan=" + plan.name() + " rg=" + rg, 1L, Long::sum);
            }
        } else if (amount == 0 && (fromAllowanceOctets > 0 || fromAllowanceMs > 0)) {
            basis.setLength(0);
            basis.append("allowance");
        }
        return new RatedService(
                d.ratingGroup(),
                d.serviceIdentifier(),
                octets,
                timeMs,
                fromAllowanceOctets,
                fromAllowanceMs,
                chargedOctets,
                chargedMs,
                basis.toString(),
                lines.toString(),
                new Money(amount, tariffs.currency()));
    }
}
