package io.chargeflow.app;

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
    private final long preloaded;
    private io.chargeflow.subscriber.radius.RadiusAccountingServer radius;

    private Directory(SubscriberStore store, BindingResolver resolver, long preloaded) {
        this.store = store;
        this.resolver = resolver;
        this.preloaded = preloaded;
    }

    /** Opens the database, preloads the bindings open now, and sets the context's directory. */
    static Directory open(DatabaseOptions options, FlowContext context) {
        SubscriberStore store = SubscriberStore.open(options.toContext());
        try {
            BindingResolver resolver = new BindingResolver(store, new ResolverContext());
            long preloaded = resolver.preload(System.currentTimeMillis());
            context.directory(new DirectoryAdapter(resolver));
            return new Directory(store, resolver, preloaded);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
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

    /** The RADIUS accounting listener, or null when none was started. */
    io.chargeflow.subscriber.radius.RadiusAccountingServer radius() {
        return radius;
    }

    @Override
    public void close() {
        if (radius != null) {
            radius.close();
        }
        resolver.close();
        store.close();
    }
}
