package io.chargeflow.app;

import io.chargeflow.flow.Subscriber;
import io.chargeflow.flow.SubscriberDirectory;
import io.chargeflow.subscriber.BindingResolver;
import io.chargeflow.subscriber.SubscriberRecord;

/**
 * The flow side's {@link SubscriberDirectory} over the subscriber module's {@link BindingResolver}: cached answers
 * come back on the asking processor's thread at once, misses from the resolver's lookup threads. Any thread.
 */
final class DirectoryAdapter implements SubscriberDirectory {
    private final BindingResolver resolver;

    DirectoryAdapter(BindingResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public void lookup(long keyHi, long keyLo, int prefixLength, long atTimeMs, LookupReply reply) {
        resolver.resolve(
                keyHi,
                keyLo,
                prefixLength,
                atTimeMs,
                (hi, lo, at, record, from, until) -> reply.onLookupResult(hi, lo, at, subscriber(record), from, until));
    }

    static Subscriber subscriber(SubscriberRecord r) {
        return r == null ? null : new Subscriber(r.subscriberId(), r.imsi(), r.msisdn(), r.account(), r.plan());
    }
}
