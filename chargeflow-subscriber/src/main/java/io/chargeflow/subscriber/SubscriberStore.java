package io.chargeflow.subscriber;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The subscriber directory's database: subscribers, plans and time-aware IP bindings, behind one JDBC code path for
 * both engines (an embedded H2 file under the data directory, or PostgreSQL), pooled by HikariCP, schema by Flyway
 * migrations ({@code db/subscriber}, history table {@code subscriber_schema_history}). Thread-safe: the command
 * threads, the {@link BindingResolver}'s lookup executor and the RADIUS storage thread use it at once; every method
 * borrows a pooled connection and blocks on the database, so never call it on a processor thread. Database failures
 * surface as {@link StoreUnavailableException}; committed binding changes go to the {@link BindingListener}s.
 */
public final class SubscriberStore implements AutoCloseable {
    /** The end of an open binding. */
    public static final long OPEN = Long.MAX_VALUE;

    static final String BINDING_COLUMNS = "b.id, b.key_hi, b.key_lo, b.prefix_length, b.subscriber_id, b.valid_from_ms,"
            + " b.valid_until_ms, b.source, b.nas, b.acct_session_id, b.nas_input_octets, b.nas_output_octets";
    static final String SUBSCRIBER_COLUMNS = "s.id, s.imsi, s.msisdn, s.account, s.plan, s.status, s.created_ms";

    private final HikariDataSource dataSource;
    private final String jdbcUrl;
    private final boolean postgres;
    private final List<BindingListener> listeners = new CopyOnWriteArrayList<>();
    private final java.util.NavigableSet<Integer> ipv6Lengths = new java.util.concurrent.ConcurrentSkipListSet<>();

    private SubscriberStore(HikariDataSource dataSource, String jdbcUrl) {
        this.dataSource = dataSource;
        this.jdbcUrl = jdbcUrl;
        this.postgres = jdbcUrl.startsWith("jdbc:postgresql:");
    }

    /**
     * Opens the pool, applies (or, with {@code migrate(false)}, only checks) the schema, and returns the store.
     *
     * @throws StoreUnavailableException when the database cannot be reached or its schema is missing or newer
     */
    public static SubscriberStore open(StoreContext context) {
        String url = context.effectiveJdbcUrl();
        if (context.embedded()) {
            try {
                Files.createDirectories(context.dataDir());
            } catch (IOException e) {
                throw new StoreUnavailableException("cannot create data directory " + context.dataDir(), e);
            }
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(context.poolSize());
        config.setMinimumIdle(1);
        config.setConnectionTimeout(context.connectionTimeoutMs());
        config.setValidationTimeout(Math.min(1_000, context.connectionTimeoutMs() - 1));
        config.setInitializationFailTimeout(context.connectionTimeoutMs());
        config.setPoolName("chargeflow-subscriber");
        config.setAutoCommit(true);
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("cannot connect to " + redact(url) + ": " + rootMessage(e), e);
        }
        try {
            Flyway flyway = Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/subscriber")
                    .table("subscriber_schema_history")
                    .baselineOnMigrate(false)
                    .load();
            if (context.migrate()) {
                flyway.migrate();
            } else {
                flyway.validateWithResult();
            }
            SubscriberStore store = new SubscriberStore(dataSource, url);
            store.checkSchema();
            store.loadIpv6Lengths();
            return store;
        } catch (FlywayException | StoreUnavailableException e) {
            dataSource.close();
            throw e instanceof StoreUnavailableException sue
                    ? sue
                    : new StoreUnavailableException("schema of " + redact(url) + ": " + rootMessage(e), e);
        }
    }

    private void checkSchema() {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.executeQuery("SELECT COUNT(*) FROM subscribers WHERE 1 = 0").close();
            s.executeQuery("SELECT COUNT(*) FROM ip_bindings WHERE 1 = 0").close();
            s.executeQuery("SELECT COUNT(*) FROM plans WHERE 1 = 0").close();
        } catch (SQLException e) {
            throw new StoreUnavailableException(
                    "schema missing in " + redact(jdbcUrl) + " (run with migrations enabled): " + e.getMessage(), e);
        }
    }

    /** The JDBC URL, with any password parameter masked. */
    public String jdbcUrl() {
        return redact(jdbcUrl);
    }

    /** Whether the engine is PostgreSQL (otherwise H2). */
    public boolean isPostgres() {
        return postgres;
    }

    /** Registers a listener for committed binding changes; it stays for the life of the store. */
    public void addBindingListener(BindingListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener=null");
        }
        listeners.add(listener);
    }

    /** Whether a connection can be had and answers within a second (used by retry loops to tell outage from data). */
    public boolean isAvailable() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- subscribers

    /** Every subscriber, by id. */
    public List<SubscriberRecord> listSubscribers() {
        String sql = "SELECT " + SUBSCRIBER_COLUMNS + " FROM subscribers s ORDER BY s.id";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            List<SubscriberRecord> out = new ArrayList<>();
            while (rs.next()) {
                out.add(readSubscriber(rs, 1));
            }
            return out;
        } catch (SQLException e) {
            throw unavailable("list subscribers", e);
        }
    }

    /** The subscriber with {@code id}, if any. */
    public Optional<SubscriberRecord> findSubscriber(long id) {
        return querySubscriber("s.id = ?", ps -> ps.setLong(1, id));
    }

    /** The subscriber with {@code imsi}, if any. */
    public Optional<SubscriberRecord> findSubscriberByImsi(String imsi) {
        return querySubscriber("s.imsi = ?", ps -> ps.setString(1, imsi));
    }

    /** The subscriber with {@code msisdn}, if any. */
    public Optional<SubscriberRecord> findSubscriberByMsisdn(String msisdn) {
        return querySubscriber("s.msisdn = ?", ps -> ps.setString(1, msisdn));
    }

    private Optional<SubscriberRecord> querySubscriber(String where, SqlBinder binder) {
        String sql = "SELECT " + SUBSCRIBER_COLUMNS + " FROM subscribers s WHERE " + where;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(readSubscriber(rs, 1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw unavailable("find subscriber", e);
        }
    }

    /**
     * Imports subscribers, plans and static bindings from CSV (format in the module README and {@link CsvImporter}):
     * all or nothing, in one transaction.
     *
     * @param nowMs the import time (default start of bindings without {@code valid_from})
     * @throws CsvImportException naming the first bad line and why; nothing was stored
     */
    public ImportResult importCsv(Reader csv, long nowMs) throws CsvImportException {
        List<CsvImporter.Row> rows = CsvImporter.parse(csv, nowMs);
        List<BindingChange> changes = new ArrayList<>();
        ImportResult result;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                result = CsvImporter.store(c, rows, nowMs, changes);
                c.commit();
            } catch (CsvImportException | SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw unavailable("import subscribers", e);
        }
        fire(changes);
        return result;
    }

    // ---------------------------------------------------------------- bindings

    /** Who held {@code key} at {@code atMs}, or the unbound gap around that time. */
    public BindingAnswer bindingAt(BindingKey key, long atMs) {
        return bindingAt(key.hi(), key.lo(), key.prefixLength(), atMs);
    }

    /**
     * Who held the key ({@code hi}, {@code lo}, masked to {@code prefixLength}; IPv4-mapped keys at any length) at
     * {@code atMs}: the binding found and its subscriber, or the gap during which the key is known unbound. An IPv6
     * key without a binding of its own length falls back to the longest containing prefix in use (a /64 inside a
     * delegated /56); the validity is then cut to the gap of the more specific lengths, which could start later.
     */
    public BindingAnswer bindingAt(long hi, long lo, int prefixLength, long atMs) {
        int length = BindingKey.storedPrefixLength(hi, lo, prefixLength);
        try (Connection c = dataSource.getConnection()) {
            BindingAnswer answer = exactBindingAt(c, hi, lo, length, atMs);
            if (answer.subscriber() != null || BindingKey.isIpv4(hi, lo)) {
                return answer;
            }
            long gapFrom = answer.validFromMs();
            long gapUntil = answer.validUntilMs();
            for (int shorter : ipv6Lengths.headSet(length, false).descendingSet()) {
                BindingAnswer containing = exactBindingAt(
                        c, BindingKey.maskHi(hi, shorter), BindingKey.maskLo(lo, shorter), shorter, atMs);
                gapFrom = Math.max(gapFrom, containing.validFromMs());
                gapUntil = Math.min(gapUntil, containing.validUntilMs());
                if (containing.subscriber() != null) {
                    return new BindingAnswer(containing.subscriber(), containing.binding(), gapFrom, gapUntil);
                }
            }
            return new BindingAnswer(null, null, gapFrom, gapUntil);
        } catch (SQLException e) {
            throw unavailable("binding lookup", e);
        }
    }

    private BindingAnswer exactBindingAt(Connection c, long hi, long lo, int length, long atMs) throws SQLException {
        String sql = "SELECT " + BINDING_COLUMNS + ", " + SUBSCRIBER_COLUMNS
                + " FROM ip_bindings b JOIN subscribers s ON s.id = b.subscriber_id"
                + " WHERE b.key_hi = ? AND b.key_lo = ? AND b.prefix_length = ?"
                + " AND b.valid_from_ms <= ? AND b.valid_until_ms > ? ORDER BY b.valid_from_ms DESC, b.id DESC";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setMaxRows(1);
            ps.setLong(1, hi);
            ps.setLong(2, lo);
            ps.setInt(3, length);
            ps.setLong(4, atMs);
            ps.setLong(5, atMs);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    IpBinding binding = readBinding(rs, 1);
                    SubscriberRecord subscriber = readSubscriber(rs, 13);
                    return new BindingAnswer(subscriber, binding, binding.validFromMs(), binding.validUntilMs());
                }
            }
        }
        long gapFrom = scalar(
                c,
                "SELECT MAX(valid_until_ms) FROM ip_bindings WHERE key_hi = ? AND key_lo = ? AND prefix_length = ?"
                        + " AND valid_until_ms <= ?",
                hi,
                lo,
                length,
                atMs,
                Long.MIN_VALUE);
        long gapUntil = scalar(
                c,
                "SELECT MIN(valid_from_ms) FROM ip_bindings WHERE key_hi = ? AND key_lo = ? AND prefix_length = ?"
                        + " AND valid_from_ms > ?",
                hi,
                lo,
                length,
                atMs,
                Long.MAX_VALUE);
        return new BindingAnswer(null, null, gapFrom, gapUntil);
    }

    /** The IPv6 prefix lengths shorter than 128 that bindings use (as known to this process), ascending. */
    public java.util.SortedSet<Integer> ipv6PrefixLengths() {
        return java.util.Collections.unmodifiableSortedSet(ipv6Lengths);
    }

    private void loadIpv6Lengths() {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT DISTINCT prefix_length FROM ip_bindings WHERE prefix_length < 128")) {
            while (rs.next()) {
                ipv6Lengths.add(rs.getInt(1));
            }
        } catch (SQLException e) {
            throw unavailable("list prefix lengths", e);
        }
    }

    private static long scalar(Connection c, String sql, long hi, long lo, int length, long atMs, long ifNull)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, hi);
            ps.setLong(2, lo);
            ps.setInt(3, length);
            ps.setLong(4, atMs);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long value = rs.getLong(1);
                return rs.wasNull() ? ifNull : value;
            }
        }
    }

    /** Every binding ever stored for {@code key}, oldest first. */
    public List<IpBinding> bindingHistory(BindingKey key) {
        String sql = "SELECT " + BINDING_COLUMNS + " FROM ip_bindings b"
                + " WHERE b.key_hi = ? AND b.key_lo = ? AND b.prefix_length = ? ORDER BY b.valid_from_ms, b.id";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, key.hi());
            ps.setLong(2, key.lo());
            ps.setInt(3, key.prefixLength());
            try (ResultSet rs = ps.executeQuery()) {
                List<IpBinding> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(readBinding(rs, 1));
                }
                return out;
            }
        } catch (SQLException e) {
            throw unavailable("binding history", e);
        }
    }

    /**
     * Adds one binding (an operator or another feed), ending whatever binding of the key is open at
     * {@code validFromMs}; listeners hear both changes.
     *
     * @return the new binding's id
     */
    public long addBinding(
            BindingKey key, long subscriberId, long validFromMs, long validUntilMs, BindingSource source, String nas) {
        if (validUntilMs < validFromMs) {
            throw new IllegalArgumentException(
                    "validUntilMs=" + validUntilMs + " is before validFromMs=" + validFromMs);
        }
        List<BindingChange> changes = new ArrayList<>();
        long id;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                AccountingApplier.endOpenBindings(c, key, validFromMs, source, nas, changes);
                id = AccountingApplier.insertBinding(
                        c, key, subscriberId, validFromMs, validUntilMs, source, nas, null, -1, -1);
                changes.add(new BindingChange(
                        key, BindingChange.Kind.STARTED, validFromMs, subscriberId, source, nas, -1, -1));
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw unavailable("add binding", e);
        }
        fire(changes);
        return id;
    }

    /**
     * Streams every binding that holds at {@code nowMs}, with its subscriber, to {@code sink} (one shared
     * {@link SubscriberRecord} per subscriber), reading in pages so a million rows fit in a small heap.
     *
     * @return how many bindings were delivered
     */
    public long preloadCurrent(long nowMs, PreloadSink sink) {
        String sql = "SELECT b.key_hi, b.key_lo, b.prefix_length, b.valid_from_ms, b.valid_until_ms, "
                + SUBSCRIBER_COLUMNS
                + " FROM ip_bindings b JOIN subscribers s ON s.id = b.subscriber_id"
                + " WHERE b.valid_until_ms > ? AND b.valid_from_ms <= ?";
        try (Connection c = dataSource.getConnection()) {
            // PostgreSQL streams with a fetch size only inside a transaction
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setFetchSize(10_000);
                ps.setLong(1, nowMs);
                ps.setLong(2, nowMs);
                long count = 0;
                java.util.HashMap<Long, SubscriberRecord> byId = new java.util.HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long subscriberId = rs.getLong(6);
                        SubscriberRecord subscriber = byId.get(subscriberId);
                        if (subscriber == null) {
                            subscriber = readSubscriber(rs, 6);
                            byId.put(subscriberId, subscriber);
                        }
                        sink.onBinding(
                                rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getLong(4), rs.getLong(5), subscriber);
                        count++;
                    }
                }
                return count;
            } finally {
                c.commit();
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw unavailable("preload bindings", e);
        }
    }

    /** Receives preloaded bindings, on the preloading thread. */
    @FunctionalInterface
    public interface PreloadSink {
        /** One binding holding at the preload time. */
        void onBinding(
                long keyHi, long keyLo, int prefixLength, long validFromMs, long validUntilMs, SubscriberRecord s);
    }

    /**
     * Applies a batch of RADIUS accounting events in one transaction (Start binds, Interim-Update refreshes the NAS
     * counters, Stop ends, Accounting-On/Off end every open binding of the NAS), idempotently: applying the same event
     * twice changes nothing the second time. Listeners hear the changes after the commit.
     *
     * @param createUnknownSubscribers whether a Start for an unknown IMSI/MSISDN/User-Name creates the subscriber
     * @throws StoreUnavailableException when the batch could not be committed (nothing of it is stored)
     */
    public AccountingResult applyAccounting(List<AccountingEvent> events, boolean createUnknownSubscribers) {
        List<BindingChange> changes = new ArrayList<>();
        int withoutSubscriber = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                AccountingApplier applier = new AccountingApplier(c, createUnknownSubscribers, changes);
                for (AccountingEvent event : events) {
                    if (!applier.apply(event)) {
                        withoutSubscriber++;
                    }
                }
                applier.close();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            } finally {
                setAutoCommitQuietly(c);
            }
        } catch (SQLException e) {
            throw unavailable("apply accounting", e);
        }
        fire(changes);
        return new AccountingResult(changes, withoutSubscriber);
    }

    /**
     * What one {@link #applyAccounting} batch did.
     *
     * @param changes the committed binding changes, in order
     * @param eventsWithoutSubscriber Start/Interim events naming no known subscriber (and none created)
     */
    public record AccountingResult(List<BindingChange> changes, int eventsWithoutSubscriber) {}

    /**
     * What a CSV import stored.
     *
     * @param subscribersCreated new subscribers
     * @param subscribersUpdated existing subscribers whose fields were replaced
     * @param plansCreated new plans
     * @param bindingsCreated new static bindings
     */
    public record ImportResult(int subscribersCreated, int subscribersUpdated, int plansCreated, int bindingsCreated) {}

    @Override
    public void close() {
        dataSource.close();
    }

    // ---------------------------------------------------------------- helpers shared by the package

    private void fire(List<BindingChange> changes) {
        for (BindingChange change : changes) {
            BindingKey key = change.key();
            if (key.prefixLength() < 128) {
                ipv6Lengths.add(key.prefixLength());
            }
            for (BindingListener listener : listeners) {
                listener.onBindingChanged(change);
            }
        }
    }

    static SubscriberRecord readSubscriber(ResultSet rs, int first) throws SQLException {
        return new SubscriberRecord(
                rs.getLong(first),
                rs.getString(first + 1),
                rs.getString(first + 2),
                rs.getString(first + 3),
                rs.getString(first + 4),
                rs.getString(first + 5),
                rs.getLong(first + 6));
    }

    static IpBinding readBinding(ResultSet rs, int first) throws SQLException {
        return new IpBinding(
                rs.getLong(first),
                new BindingKey(rs.getLong(first + 1), rs.getLong(first + 2), rs.getInt(first + 3)),
                rs.getLong(first + 4),
                rs.getLong(first + 5),
                rs.getLong(first + 6),
                BindingSource.valueOf(rs.getString(first + 7)),
                rs.getString(first + 8),
                rs.getString(first + 9),
                rs.getLong(first + 10),
                rs.getLong(first + 11));
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; Hikari evicts it and the original failure is what the caller sees
        }
    }

    private static void setAutoCommitQuietly(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException ignored) {
            // as above: a broken connection is evicted by the pool
        }
    }

    private StoreUnavailableException unavailable(String what, SQLException e) {
        return new StoreUnavailableException(what + " failed on " + redact(jdbcUrl) + ": " + e.getMessage(), e);
    }

    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @FunctionalInterface
    interface SqlBinder {
        void bind(PreparedStatement ps) throws SQLException;
    }
}
