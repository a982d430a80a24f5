package io.chargeflow.app;

import io.chargeflow.flow.FlowContext;
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

    BindingResolver resolver() {
        return resolver;
    }

    long preloaded() {
        return preloaded;
    }

    @Override
    public void close() {
        resolver.close();
        store.close();
    }
}
