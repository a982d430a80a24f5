package io.chargeflow.bench.subscriber;

import io.chargeflow.subscriber.BindingResolver;
import io.chargeflow.subscriber.ResolverContext;
import io.chargeflow.subscriber.StoreContext;
import io.chargeflow.subscriber.SubscriberStore;
import java.nio.file.Files;

/**
 * Driver (not JMH: one cold run is the figure) for the start-up preload: fills a database with N bindings, then
 * times {@link BindingResolver#preload}. Embedded H2 by default, or any empty PostgreSQL database given by URL.
 *
 * <pre>java -cp chargeflow-bench/target/benchmarks.jar io.chargeflow.bench.subscriber.PreloadDriver 1000000 [JDBC_URL]
 * </pre>
 */
public final class PreloadDriver {
    private PreloadDriver() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        StoreContext context = args.length > 1
                ? new StoreContext().jdbcUrl(args[1])
                : new StoreContext().dataDir(Files.createTempDirectory("chargeflow-preload"));
        long t0 = System.nanoTime();
        BindingFixtures.load(context, n);
        long t1 = System.nanoTime();
        try (SubscriberStore store = SubscriberStore.open(context);
                BindingResolver resolver = new BindingResolver(store, new ResolverContext())) {
            long opened = System.nanoTime();
            long t2 = System.nanoTime();
            long loaded = resolver.preload(BindingFixtures.T0 + 1);
            long t3 = System.nanoTime();
            System.out.printf(
                    "engine=%s bindings=%d fill_s=%.1f open_s=%.2f preload_s=%.2f preload_per_s=%.0f cached_intervals=%d heap_mb=%d%n",
                    store.isPostgres() ? "postgresql" : "h2",
                    loaded,
                    (t1 - t0) / 1e9,
                    (opened - t1) / 1e9,
                    (t3 - t2) / 1e9,
                    loaded / ((t3 - t2) / 1e9),
                    resolver.cachedIntervals(),
                    (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        }
    }
}
