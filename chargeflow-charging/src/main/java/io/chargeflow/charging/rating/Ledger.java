package io.chargeflow.charging.rating;

import java.util.Collection;
import java.util.Currency;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-subscriber ledgers of one billing run, in subscriber order. Single thread (the billing run's).
 */
public final class Ledger {
    private final Currency currency;
    private final Map<String, SubscriberLedger> subscribers = new TreeMap<>();

    public Ledger(Currency currency) {
        this.currency = currency;
    }

    /** Posts a rated CDR to its subscriber's ledger. */
    public void post(RatedCdr cdr) {
        subscribers
                .computeIfAbsent(cdr.subscriber(), s -> new SubscriberLedger(s, Money.zero(currency)))
                .post(cdr);
    }

    public Collection<SubscriberLedger> subscribers() {
        return subscribers.values();
    }

    /** The ledger of {@code subscriber} (a label as in {@link RatedCdr#subscriber()}), or null. */
    public SubscriberLedger subscriber(String subscriber) {
        return subscribers.get(subscriber);
    }

    /** The sum over all subscribers. */
    public Money total() {
        Money sum = Money.zero(currency);
        for (SubscriberLedger s : subscribers.values()) {
            sum = sum.plus(s.total());
        }
        return sum;
    }
}
