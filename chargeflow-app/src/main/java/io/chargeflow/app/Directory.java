package io.chargeflow.app;

import io.chargeflow.flow.BoundAddresses;
import io.chargeflow.flow.CloseCause;
import io.chargeflow.flow.FlowContext;
import io.chargeflow.flow.FlowEngine;
import io.chargeflow.subscriber.BindingResolver;
import io.chargeflow.subscriber.ResolverContext;
import io.chargeflow.subscriber.SubscriberStore;
import io.chargeflow.subscriber.cli.DatabaseOptions;

/**
 * The subscriber directory of a metering run: the store, the resolver with every current binding preloaded, and the
 * adapter the processors ask. Opened and closed on the control thread.
 */
final class Directory implements AutoCloseable {
    private final SubscriberStore store;
    private final BindingResolver resolver;
    private long preloaded;
    private io.chargeflow.subscriber.radius.RadiusAccountingServer radius;

    /** The keys bound now (key to its holder's id), as preloaded and then changed; the bound set is built from them. */
    private final java.util.Map<io.chargeflow.subscriber.BindingKey, Long> boundKeys = new java.util.HashMap<>();

    /** The changes heard while the preload reads (applied again after it), else null. Under the keys' lock. */
    private java.util.List<io.chargeflow.subscriber.BindingChange> duringPreload;

    private volatile BoundAddresses bound = BoundAddresses.EMPTY;
    private volatile boolean boundChanged;
    private Ticker rebuilder;

    /** How often, at most, the bound set is rebuilt while bindings change. */
    private static final long REBUILD_NANOS = 200_000_000L;

    private Directory(SubscriberStore store, BindingResolver resolver) {
        this.store = store;
        this.resolver = resolver;
    }

    /**
     * Opens the database, preloads the bindings open now, and sets the context's directory and its bound addresses
     * (the other end of a packet inside one is a subscriber: peer-to-peer, as with --subscriber-pool).
     */
    static Directory open(DatabaseOptions options, FlowContext context) {
        SubscriberStore store = SubscriberStore.open(options.toContext());
        try {
            BindingResolver resolver = new BindingResolver(store, new ResolverContext());
            Directory directory = new Directory(store, resolver);
            // changes from now on (a RADIUS listener may already be storing them), then what holds now; the changes
            // that came while the preload read are applied again after it, in order, so an end the preload read as
            // still open does not leave its key bound
            directory.duringPreload = new java.util.ArrayList<>();
            store.addBindingListener(directory::onBindingChanged);
            directory.preloaded = resolver.preload(System.currentTimeMillis(), directory::onPreloaded);
            synchronized (directory.boundKeys) {
                for (io.chargeflow.subscriber.BindingChange change : directory.duringPreload) {
                    directory.apply(change);
                }
                directory.duringPreload = null;
            }
            directory.rebuild();
            directory.rebuilder = new Ticker("chargeflow-bound-addresses", REBUILD_NANOS, elapsed -> {
                if (directory.boundChanged) {
                    directory.rebuild();
                }
            });
            context.directory(new DirectoryAdapter(resolver));
            context.boundAddresses(directory::bound);
            return directory;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private void onPreloaded(
            long hi, long lo, int length, long from, long until, io.chargeflow.subscriber.SubscriberRecord s) {
        synchronized (boundKeys) {
            boundKeys.putIfAbsent(new io.chargeflow.subscriber.BindingKey(hi, lo, length), s.subscriberId());
        }
    }

    private void onBindingChanged(io.chargeflow.subscriber.BindingChange change) {
        synchronized (boundKeys) {
            apply(change);
            if (duringPreload != null) {
                duringPreload.add(change);
            }
        }
        boundChanged = true;
    }

    /** One change to the bound keys (under their lock). */
    private void apply(io.chargeflow.subscriber.BindingChange change) {
        if (change.kind() == io.chargeflow.subscriber.BindingChange.Kind.STARTED) {
            boundKeys.put(change.key(), change.subscriberId());
        } else {
            // only the holder's own end: a later holder's start may have come first
            boundKeys.remove(change.key(), change.subscriberId());
        }
    }

    /** Builds the bound set anew from the keys. */
    private void rebuild() {
        boundChanged = false;
        long[] hi;
        long[] lo;
        int[] length;
        int n;
        synchronized (boundKeys) {
            n = boundKeys.size();
            hi = new long[n];
            lo = new long[n];
            length = new int[n];
            int i = 0;
            for (io.chargeflow.subscriber.BindingKey key : boundKeys.keySet()) {
                hi[i] = key.hi();
                lo[i] = key.lo();
                length[i++] = key.prefixLength();
            }
        }
        bound = BoundAddresses.of(hi, lo, length, n);
    }

    /** The addresses bound to subscribers now (rebuilt within a fifth of a second of a change). */
    BoundAddresses bound() {
        return bound;
    }

    /**
     * Routes every committed binding change (RADIUS Stop, Accounting-On/Off, a new holder) to the processors: the
     * sessions of the address or prefix close with cause binding change (or subscriber stop, for a Stop).
     */
    void attach(FlowEngine engine) {
        store.addBindingListener(change -> engine.closeSessions(
                change.key().hi(),
                change.key().lo(),
                change.key().prefixLength(),
                change.source() == io.chargeflow.subscriber.BindingSource.RADIUS
                                && change.kind() == io.chargeflow.subscriber.BindingChange.Kind.ENDED
                        ? CloseCause.SUBSCRIBER_STOP
                        : CloseCause.BINDING_CHANGE,
                change.atTimeMs()));
    }

    /** Starts a RADIUS accounting listener that stores bindings in this directory (and so closes sessions). */
    void startRadius(String listen, java.util.List<String> clients) throws java.io.IOException {
        io.chargeflow.subscriber.radius.RadiusContext radiusContext =
                new io.chargeflow.subscriber.radius.RadiusContext()
                        .listen(io.chargeflow.subscriber.radius.RadiusContext.parseListen(listen));
        if (clients.isEmpty()) {
            throw new UserException("--radius-client ADDRESS=SECRET is required with --radius");
        }
        clients.forEach(radiusContext::client);
        radius = io.chargeflow.subscriber.radius.RadiusAccountingServer.start(store, radiusContext);
    }

    BindingResolver resolver() {
        return resolver;
    }

    long preloaded() {
        return preloaded;
    }

    /** The subscriber database. */
    SubscriberStore store() {
        return store;
    }

    /** The RADIUS accounting listener, or null when none was started. */
    io.chargeflow.subscriber.radius.RadiusAccountingServer radius() {
        return radius;
    }

    @Override
    public void close() {
        if (rebuilder != null) {
            rebuilder.close();
        }
        if (radius != null) {
            radius.close();
        }
        resolver.close();
        store.close();
    }
}
