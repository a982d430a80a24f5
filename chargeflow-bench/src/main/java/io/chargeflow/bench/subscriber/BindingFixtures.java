package io.chargeflow.bench.subscriber;

import io.chargeflow.subscriber.BindingKey;
import io.chargeflow.subscriber.StoreContext;
import io.chargeflow.subscriber.SubscriberStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Fills a fresh subscriber database with {@code n} subscribers, each holding one open binding of IPv4 address
 * 10.0.0.0 + i, by JDBC batch inserts (the store's own paths are per request; a benchmark fixture needs bulk).
 * Called on the benchmark's setup thread.
 */
final class BindingFixtures {
    static final long T0 = 1_700_000_000_000L;
    static final int BASE_ADDRESS = 0x0A00_0000;

    private BindingFixtures() {}

    /** Migrates the schema through the store, then bulk-inserts. */
    static void load(StoreContext context, int n) throws SQLException {
        SubscriberStore.open(context).close();
        try (Connection c = DriverManager.getConnection(context.effectiveJdbcUrl())) {
            c.setAutoCommit(false);
            try (PreparedStatement subscribers = c.prepareStatement(
                            "INSERT INTO subscribers (id, imsi, msisdn, account, plan, status, created_ms)"
                                    + " VALUES (?, ?, ?, ?, NULL, 'active', ?)");
                    PreparedStatement bindings = c.prepareStatement(
                            "INSERT INTO ip_bindings (key_hi, key_lo, prefix_length, subscriber_id, valid_from_ms,"
                                    + " valid_until_ms, source) VALUES (0, ?, 128, ?, ?, ?, 'STATIC')")) {
                for (int i = 1; i <= n; i++) {
                    subscribers.setLong(1, i);
                    subscribers.setString(2, String.format("00101%010d", i));
                    subscribers.setString(3, "1555" + i);
                    subscribers.setString(4, "acct-" + i);
                    subscribers.setLong(5, T0);
                    subscribers.addBatch();
                    bindings.setLong(1, BindingKey.ipv4Lo(BASE_ADDRESS + i));
                    bindings.setLong(2, i);
                    bindings.setLong(3, T0);
                    bindings.setLong(4, Long.MAX_VALUE);
                    bindings.addBatch();
                    if (i % 10_000 == 0 || i == n) {
                        subscribers.executeBatch();
                        bindings.executeBatch();
                        c.commit();
                    }
                }
            }
            // later identity inserts must not collide with the explicit ids
            String restart = context.effectiveJdbcUrl().startsWith("jdbc:postgresql:")
                    ? "ALTER TABLE subscribers ALTER COLUMN id RESTART WITH " + (n + 1)
                    : "ALTER TABLE subscribers ALTER COLUMN id RESTART WITH " + (n + 1);
            c.createStatement().execute(restart);
            c.commit();
        }
    }
}
