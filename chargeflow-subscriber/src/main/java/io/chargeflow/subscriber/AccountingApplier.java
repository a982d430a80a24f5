package io.chargeflow.subscriber;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Applies RADIUS accounting events inside one open transaction, on the RADIUS storage thread. Every step is
 * idempotent so a retransmitted request (or a batch retried after an outage) changes nothing twice: a Start whose
 * session already holds the key only refreshes counters, a Stop finds no open binding the second time.
 */
final class AccountingApplier implements AutoCloseable {
    private static final String OPEN_OF_KEY = "SELECT " + SubscriberStore.BINDING_COLUMNS
            + " FROM ip_bindings b WHERE b.key_hi = ? AND b.key_lo = ? AND b.prefix_length = ?"
            + " AND b.valid_until_ms = " + SubscriberStore.OPEN;
    private static final String OPEN_OF_SESSION = "SELECT " + SubscriberStore.BINDING_COLUMNS
            + " FROM ip_bindings b WHERE b.acct_session_id = ? AND b.nas = ? AND b.valid_until_ms = "
            + SubscriberStore.OPEN;
    private static final String OPEN_OF_NAS = "SELECT " + SubscriberStore.BINDING_COLUMNS
            + " FROM ip_bindings b WHERE b.valid_until_ms = " + SubscriberStore.OPEN + " AND b.nas = ?";

    private final Connection connection;
    private final boolean createUnknown;
    private final List<BindingChange> changes;
    private final PreparedStatement openOfKey;
    private final PreparedStatement openOfSession;
    private final PreparedStatement updateCounters;
    /** Statements prepared once per batch: parsing SQL per request costs more than executing it. */
    private final java.util.Map<String, PreparedStatement> prepared = new java.util.HashMap<>();

    AccountingApplier(Connection connection, boolean createUnknown, List<BindingChange> changes) throws SQLException {
        this.connection = connection;
        this.createUnknown = createUnknown;
        this.changes = changes;
        this.openOfKey = connection.prepareStatement(OPEN_OF_KEY);
        this.openOfSession = connection.prepareStatement(OPEN_OF_SESSION);
        this.updateCounters = connection.prepareStatement(
                "UPDATE ip_bindings SET nas_input_octets = ?, nas_output_octets = ? WHERE id = ?");
    }

    /** Applies one event; false when it is a Start/Interim naming no known subscriber (nothing stored). */
    boolean apply(AccountingEvent event) throws SQLException {
        return switch (event.status()) {
            case START -> start(event);
            case INTERIM_UPDATE -> interim(event);
            case STOP -> {
                stop(event);
                yield true;
            }
            case ACCOUNTING_ON, ACCOUNTING_OFF -> {
                endAllOfNas(event);
                yield true;
            }
        };
    }

    private boolean start(AccountingEvent event) throws SQLException {
        long subscriberId = subscriberOf(event);
        if (subscriberId < 0) {
            return false;
        }
        for (BindingKey key : event.keys()) {
            bind(key, subscriberId, event);
        }
        return true;
    }

    private boolean interim(AccountingEvent event) throws SQLException {
        List<IpBinding> open = openOfSession(event);
        if (open.isEmpty()) {
            // the Start was lost: an Interim-Update carries everything a Start does
            return start(event);
        }
        for (IpBinding binding : open) {
            setCounters(binding.bindingId(), event);
        }
        return true;
    }

    private void stop(AccountingEvent event) throws SQLException {
        for (IpBinding binding : openOfSession(event)) {
            end(binding, event.eventTimeMs(), event.inputOctets(), event.outputOctets());
        }
    }

    private void endAllOfNas(AccountingEvent event) throws SQLException {
        List<IpBinding> open = new ArrayList<>();
        PreparedStatement ps = statement(OPEN_OF_NAS, false);
        ps.setString(1, event.nas());
        readBindings(ps, open);
        for (IpBinding binding : open) {
            end(binding, event.eventTimeMs(), binding.nasInputOctets(), binding.nasOutputOctets());
        }
    }

    private void bind(BindingKey key, long subscriberId, AccountingEvent event) throws SQLException {
        boolean alreadyBound = false;
        for (IpBinding open : openOfKey(connection, openOfKey, key)) {
            boolean sameSession = open.subscriberId() == subscriberId
                    && Objects.equals(open.nas(), event.nas())
                    && Objects.equals(open.acctSessionId(), event.acctSessionId());
            if (sameSession) {
                alreadyBound = true;
                setCounters(open.bindingId(), event);
            } else {
                end(open, event.eventTimeMs(), open.nasInputOctets(), open.nasOutputOctets());
            }
        }
        if (!alreadyBound) {
            insertBinding(
                    statement(INSERT_BINDING, true),
                    key,
                    subscriberId,
                    event.eventTimeMs(),
                    SubscriberStore.OPEN,
                    BindingSource.RADIUS,
                    event.nas(),
                    event.acctSessionId(),
                    event.inputOctets(),
                    event.outputOctets());
            changes.add(new BindingChange(
                    key,
                    BindingChange.Kind.STARTED,
                    event.eventTimeMs(),
                    subscriberId,
                    BindingSource.RADIUS,
                    event.nas(),
                    event.inputOctets(),
                    event.outputOctets()));
        }
    }

    private void end(IpBinding binding, long atMs, long inputOctets, long outputOctets) throws SQLException {
        // an event older than the binding's start (reordered delivery) ends it empty rather than inverted
        long until = Math.max(atMs, binding.validFromMs());
        PreparedStatement ps = statement(
                "UPDATE ip_bindings SET valid_until_ms = ?, nas_input_octets = ?, nas_output_octets = ? WHERE id = ?",
                false);
        ps.setLong(1, until);
        ps.setLong(2, inputOctets >= 0 ? inputOctets : binding.nasInputOctets());
        ps.setLong(3, outputOctets >= 0 ? outputOctets : binding.nasOutputOctets());
        ps.setLong(4, binding.bindingId());
        ps.executeUpdate();
        changes.add(new BindingChange(
                binding.key(),
                BindingChange.Kind.ENDED,
                until,
                binding.subscriberId(),
                BindingSource.RADIUS,
                binding.nas(),
                inputOctets,
                outputOctets));
    }

    private void setCounters(long bindingId, AccountingEvent event) throws SQLException {
        if (event.inputOctets() < 0 && event.outputOctets() < 0) {
            return;
        }
        updateCounters.setLong(1, event.inputOctets());
        updateCounters.setLong(2, event.outputOctets());
        updateCounters.setLong(3, bindingId);
        updateCounters.executeUpdate();
    }

    private List<IpBinding> openOfSession(AccountingEvent event) throws SQLException {
        List<IpBinding> out = new ArrayList<>();
        if (event.acctSessionId() != null) {
            openOfSession.setString(1, event.acctSessionId());
            openOfSession.setString(2, event.nas());
            readBindings(openOfSession, out);
            return out;
        }
        // no Acct-Session-Id: the NAS's open bindings of the keys it names
        for (BindingKey key : event.keys()) {
            for (IpBinding open : openOfKey(connection, openOfKey, key)) {
                if (Objects.equals(open.nas(), event.nas())) {
                    out.add(open);
                }
            }
        }
        return out;
    }

    private long subscriberOf(AccountingEvent event) throws SQLException {
        long id = -1;
        if (event.imsi() != null) {
            id = idWhere("imsi = ?", event.imsi());
        }
        if (id < 0 && event.msisdn() != null) {
            id = idWhere("msisdn = ?", event.msisdn());
        }
        if (id < 0 && event.imsi() == null && event.msisdn() == null && event.userName() != null) {
            id = idWhere("account = ? AND imsi IS NULL AND msisdn IS NULL", event.userName());
        }
        if (id >= 0 || !createUnknown) {
            return id;
        }
        if (event.imsi() == null && event.msisdn() == null && event.userName() == null) {
            return -1;
        }
        PreparedStatement ps = statement(
                "INSERT INTO subscribers (imsi, msisdn, account, plan, status, created_ms) VALUES (?, ?, ?, NULL,"
                        + " 'active', ?)",
                true);
        setNullableString(ps, 1, event.imsi());
        setNullableString(ps, 2, event.msisdn());
        setNullableString(ps, 3, event.userName());
        ps.setLong(4, event.eventTimeMs());
        ps.executeUpdate();
        return generatedId(ps);
    }

    private long idWhere(String where, String value) throws SQLException {
        PreparedStatement ps = statement("SELECT id FROM subscribers WHERE " + where, false);
        ps.setString(1, value);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    static List<IpBinding> openOfKey(Connection connection, PreparedStatement ps, BindingKey key) throws SQLException {
        ps.setLong(1, key.hi());
        ps.setLong(2, key.lo());
        ps.setInt(3, key.prefixLength());
        List<IpBinding> out = new ArrayList<>(1);
        readBindings(ps, out);
        return out;
    }

    /** Ends every binding of {@code key} still open at {@code atMs}, recording the changes. */
    static void endOpenBindings(
            Connection connection, BindingKey key, long atMs, BindingSource source, String nas, List<BindingChange> out)
            throws SQLException {
        List<IpBinding> open;
        try (PreparedStatement ps = connection.prepareStatement(OPEN_OF_KEY)) {
            open = openOfKey(connection, ps, key);
        }
        for (IpBinding binding : open) {
            long until = Math.max(atMs, binding.validFromMs());
            try (PreparedStatement ps =
                    connection.prepareStatement("UPDATE ip_bindings SET valid_until_ms = ? WHERE id = ?")) {
                ps.setLong(1, until);
                ps.setLong(2, binding.bindingId());
                ps.executeUpdate();
            }
            out.add(new BindingChange(
                    key, BindingChange.Kind.ENDED, until, binding.subscriberId(), source, nas, -1, -1));
        }
    }

    static final String INSERT_BINDING =
            "INSERT INTO ip_bindings (key_hi, key_lo, prefix_length, subscriber_id, valid_from_ms, valid_until_ms,"
                    + " source, nas, acct_session_id, nas_input_octets, nas_output_octets)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private PreparedStatement statement(String sql, boolean generatedKeys) throws SQLException {
        PreparedStatement ps = prepared.get(sql);
        if (ps == null) {
            ps = generatedKeys
                    ? connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)
                    : connection.prepareStatement(sql);
            prepared.put(sql, ps);
        }
        return ps;
    }

    static long insertBinding(
            Connection connection,
            BindingKey key,
            long subscriberId,
            long validFromMs,
            long validUntilMs,
            BindingSource source,
            String nas,
            String acctSessionId,
            long inputOctets,
            long outputOctets)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(INSERT_BINDING, Statement.RETURN_GENERATED_KEYS)) {
            return insertBinding(
                    ps,
                    key,
                    subscriberId,
                    validFromMs,
                    validUntilMs,
                    source,
                    nas,
                    acctSessionId,
                    inputOctets,
                    outputOctets);
        }
    }

    static long insertBinding(
            PreparedStatement ps,
            BindingKey key,
            long subscriberId,
            long validFromMs,
            long validUntilMs,
            BindingSource source,
            String nas,
            String acctSessionId,
            long inputOctets,
            long outputOctets)
            throws SQLException {
        ps.setLong(1, key.hi());
        ps.setLong(2, key.lo());
        ps.setInt(3, key.prefixLength());
        ps.setLong(4, subscriberId);
        ps.setLong(5, validFromMs);
        ps.setLong(6, validUntilMs);
        ps.setString(7, source.name());
        setNullableString(ps, 8, nas);
        setNullableString(ps, 9, acctSessionId);
        ps.setLong(10, inputOctets);
        ps.setLong(11, outputOctets);
        ps.executeUpdate();
        return generatedId(ps);
    }

    private static void setNullableString(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }

    static long generatedId(PreparedStatement ps) throws SQLException {
        try (ResultSet keys = ps.getGeneratedKeys()) {
            if (!keys.next()) {
                throw new SQLException("no generated id returned");
            }
            // PostgreSQL returns every column with RETURN_GENERATED_KEYS; id is the first in both schemas
            return keys.getLong(1);
        }
    }

    private static void readBindings(PreparedStatement ps, List<IpBinding> out) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(SubscriberStore.readBinding(rs, 1));
            }
        }
    }

    @Override
    public void close() throws SQLException {
        for (PreparedStatement ps : prepared.values()) {
            ps.close();
        }
        openOfKey.close();
        openOfSession.close();
        updateCounters.close();
    }
}
