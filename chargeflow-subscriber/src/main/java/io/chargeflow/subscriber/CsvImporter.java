package io.chargeflow.subscriber;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The subscriber CSV format and its all-or-nothing import, on the importing thread.
 *
 * <pre>
 * imsi,msisdn,account,plan,status,address,valid_from,valid_until
 * 001010000000001,15550000001,acct-1,gold,active,10.0.0.1,2026-11-01T00:00:00Z,
 * 001010000000001,15550000001,acct-1,gold,active,2001:db8:1::/48,,
 * </pre>
 *
 * The header is required and exact. Blank lines and lines starting with {@code #} are skipped; fields are not
 * quoted. A subscriber is named by its IMSI, or by its MSISDN when the IMSI is empty; it may appear on several lines
 * (one per static binding) with identical fields. {@code address} is empty (no binding), an IPv4 address, or an
 * IPv6 prefix (a bare IPv6 address means its /64); {@code valid_from} and {@code valid_until} are ISO-8601 instants
 * or epoch milliseconds; an empty {@code valid_from} is the import time, an empty {@code valid_until} leaves the
 * binding open. Existing subscribers (same IMSI, else MSISDN) are updated; a binding the same subscriber already
 * holds open is kept; a binding that overlaps another subscriber's binding of the same address rejects the file.
 */
final class CsvImporter {
    static final String HEADER = "imsi,msisdn,account,plan,status,address,valid_from,valid_until";
    private static final Pattern IMSI = Pattern.compile("[0-9]{5,15}");
    private static final Pattern MSISDN = Pattern.compile("\\+?[0-9]{3,15}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@:+\\-]{1,64}");
    private static final Set<String> STATUSES = Set.of("active", "suspended", "closed");

    private CsvImporter() {}

    record Row(
            int line,
            String imsi,
            String msisdn,
            String account,
            String plan,
            String status,
            BindingKey key,
            long fromMs,
            long untilMs) {
        String identity() {
            return imsi != null ? "imsi:" + imsi : "msisdn:" + msisdn;
        }

        boolean sameSubscriberFields(Row other) {
            return Objects.equals(imsi, other.imsi)
                    && Objects.equals(msisdn, other.msisdn)
                    && Objects.equals(account, other.account)
                    && Objects.equals(plan, other.plan)
                    && status.equals(other.status);
        }
    }

    static List<Row> parse(Reader csv, long nowMs) throws CsvImportException {
        List<Row> rows = new ArrayList<>();
        Map<String, Row> firstByIdentity = new HashMap<>();
        Map<String, Row> firstByMsisdn = new HashMap<>();
        try (BufferedReader reader = new BufferedReader(csv)) {
            String header = reader.readLine();
            if (header == null || !header.strip().replace("\uFEFF", "").equals(HEADER)) {
                throw new CsvImportException(1, "header must be exactly: " + HEADER);
            }
            int lineNo = 1;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNo++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                Row row = parseRow(lineNo, line, nowMs);
                Row first = firstByIdentity.putIfAbsent(row.identity(), row);
                if (first != null && !first.sameSubscriberFields(row)) {
                    throw new CsvImportException(
                            lineNo, row.identity() + " has different fields than on line " + first.line());
                }
                if (row.msisdn() != null) {
                    Row owner = firstByMsisdn.putIfAbsent(row.msisdn(), row);
                    if (owner != null && !owner.identity().equals(row.identity())) {
                        throw new CsvImportException(
                                lineNo, "msisdn=" + row.msisdn() + " is already used on line " + owner.line());
                    }
                }
                rows.add(row);
            }
        } catch (IOException e) {
            throw new CsvImportException(0, "cannot read the file: " + e.getMessage());
        }
        checkOverlapsWithinFile(rows);
        return rows;
    }

    private static Row parseRow(int lineNo, String line, long nowMs) throws CsvImportException {
        if (line.indexOf('"') >= 0) {
            throw new CsvImportException(lineNo, "quoted fields are not supported");
        }
        String[] f = line.split(",", -1);
        if (f.length != 8) {
            throw new CsvImportException(lineNo, "expected 8 fields, found " + f.length);
        }
        String imsi = optional(f[0]);
        String msisdn = optional(f[1]);
        String account = optional(f[2]);
        String plan = optional(f[3]);
        String status = optional(f[4]) == null ? "active" : f[4].strip();
        if (imsi == null && msisdn == null) {
            throw new CsvImportException(lineNo, "imsi or msisdn is required");
        }
        check(lineNo, imsi == null || IMSI.matcher(imsi).matches(), "imsi=" + imsi + " must be 5 to 15 digits");
        check(
                lineNo,
                msisdn == null || MSISDN.matcher(msisdn).matches(),
                "msisdn=" + msisdn + " must be 3 to 15 digits");
        check(lineNo, account == null || account.length() <= 253, "account is longer than 253 characters");
        check(lineNo, plan == null || NAME.matcher(plan).matches(), "plan=" + plan + " is not a plan name");
        check(lineNo, STATUSES.contains(status), "status=" + status + " must be active, suspended or closed");
        BindingKey key = null;
        String address = optional(f[5]);
        if (address != null) {
            try {
                key = BindingKey.parse(address, 64);
            } catch (IllegalArgumentException e) {
                throw new CsvImportException(lineNo, e.getMessage());
            }
        }
        long from = optional(f[6]) == null ? nowMs : time(lineNo, "valid_from", f[6].strip());
        long until = optional(f[7]) == null ? SubscriberStore.OPEN : time(lineNo, "valid_until", f[7].strip());
        check(lineNo, key != null || (optional(f[6]) == null && optional(f[7]) == null), "validity without address");
        check(lineNo, until > from, "valid_until must be after valid_from");
        return new Row(lineNo, imsi, msisdn, account, plan, status, key, from, until);
    }

    private static String optional(String field) {
        String s = field.strip();
        return s.isEmpty() ? null : s;
    }

    private static void check(int line, boolean ok, String reason) throws CsvImportException {
        if (!ok) {
            throw new CsvImportException(line, reason);
        }
    }

    private static long time(int line, String name, String text) throws CsvImportException {
        if (text.chars().allMatch(Character::isDigit)) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new CsvImportException(line, name + "=" + text + " is out of range");
            }
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new CsvImportException(
                    line, name + "=" + text + " is neither ISO-8601 (2026-11-01T00:00:00Z) nor ms");
        }
    }

    private static void checkOverlapsWithinFile(List<Row> rows) throws CsvImportException {
        Map<BindingKey, List<Row>> byKey = new HashMap<>();
        for (Row row : rows) {
            if (row.key() == null) {
                continue;
            }
            List<Row> same = byKey.computeIfAbsent(row.key(), k -> new ArrayList<>());
            for (Row other : same) {
                if (row.fromMs() < other.untilMs() && other.fromMs() < row.untilMs()) {
                    throw new CsvImportException(
                            row.line(), "address " + row.key() + " overlaps its binding on line " + other.line());
                }
            }
            same.add(row);
        }
    }

    static SubscriberStore.ImportResult store(Connection c, List<Row> rows, long nowMs, List<BindingChange> changes)
            throws SQLException, CsvImportException {
        Set<String> plans = new HashSet<>();
        int plansCreated = 0;
        int created = 0;
        int updated = 0;
        int bindings = 0;
        Map<String, Long> ids = new HashMap<>();
        for (Row row : rows) {
            if (row.plan() != null && plans.add(row.plan()) && createPlanIfMissing(c, row.plan())) {
                plansCreated++;
            }
            Long id = ids.get(row.identity());
            if (id == null) {
                long existing = existingId(c, row);
                if (existing >= 0) {
                    update(c, existing, row);
                    updated++;
                    id = existing;
                } else {
                    id = insert(c, row, nowMs);
                    created++;
                }
                ids.put(row.identity(), id);
            }
            if (row.key() != null && bind(c, row, id, changes)) {
                bindings++;
            }
        }
        return new SubscriberStore.ImportResult(created, updated, plansCreated, bindings);
    }

    private static boolean createPlanIfMissing(Connection c, String plan) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM plans WHERE name = ?")) {
            ps.setString(1, plan);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return false;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO plans (name, description) VALUES (?, NULL)")) {
            ps.setString(1, plan);
            ps.executeUpdate();
        }
        return true;
    }

    private static long existingId(Connection c, Row row) throws SQLException, CsvImportException {
        long byImsi = row.imsi() == null ? -1 : idWhere(c, "imsi", row.imsi());
        long byMsisdn = row.msisdn() == null ? -1 : idWhere(c, "msisdn", row.msisdn());
        if (byImsi >= 0 && byMsisdn >= 0 && byImsi != byMsisdn) {
            throw new CsvImportException(
                    row.line(), "msisdn=" + row.msisdn() + " already belongs to subscriber " + byMsisdn);
        }
        if (row.imsi() != null && byImsi < 0 && byMsisdn >= 0) {
            String heldImsi = imsiOf(c, byMsisdn);
            if (heldImsi != null) {
                throw new CsvImportException(
                        row.line(), "msisdn=" + row.msisdn() + " already belongs to subscriber " + byMsisdn);
            }
        }
        return byImsi >= 0 ? byImsi : byMsisdn;
    }

    private static String imsiOf(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT imsi FROM subscribers WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static long idWhere(Connection c, String column, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM subscribers WHERE " + column + " = ?")) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    private static void update(Connection c, long id, Row row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE subscribers SET imsi = ?, msisdn = ?, account = ?, plan = ?, status = ? WHERE id = ?")) {
            ps.setString(1, row.imsi());
            ps.setString(2, row.msisdn());
            ps.setString(3, row.account());
            ps.setString(4, row.plan());
            ps.setString(5, row.status());
            ps.setLong(6, id);
            ps.executeUpdate();
        }
    }

    private static long insert(Connection c, Row row, long nowMs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO subscribers (imsi, msisdn, account, plan, status, created_ms) VALUES (?, ?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, row.imsi());
            ps.setString(2, row.msisdn());
            ps.setString(3, row.account());
            ps.setString(4, row.plan());
            ps.setString(5, row.status());
            ps.setLong(6, nowMs);
            ps.executeUpdate();
            return AccountingApplier.generatedId(ps);
        }
    }

    /** Stores the row's binding; false when the subscriber already holds it open (a re-import). */
    private static boolean bind(Connection c, Row row, long subscriberId, List<BindingChange> changes)
            throws SQLException, CsvImportException {
        BindingKey key = row.key();
        try (PreparedStatement ps = c.prepareStatement("SELECT subscriber_id, valid_from_ms, valid_until_ms"
                + " FROM ip_bindings WHERE key_hi = ? AND key_lo = ? AND prefix_length = ?"
                + " AND valid_from_ms < ? AND valid_until_ms > ?")) {
            ps.setLong(1, key.hi());
            ps.setLong(2, key.lo());
            ps.setInt(3, key.prefixLength());
            ps.setLong(4, row.untilMs());
            ps.setLong(5, row.fromMs());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long holder = rs.getLong(1);
                    boolean open = rs.getLong(3) == SubscriberStore.OPEN;
                    if (holder == subscriberId && open && row.untilMs() == SubscriberStore.OPEN) {
                        return false;
                    }
                    if (holder == subscriberId && rs.getLong(2) == row.fromMs() && rs.getLong(3) == row.untilMs()) {
                        return false;
                    }
                    throw new CsvImportException(
                            row.line(), "address " + key + " overlaps a stored binding of subscriber " + holder);
                }
            }
        }
        AccountingApplier.insertBinding(
                c, key, subscriberId, row.fromMs(), row.untilMs(), BindingSource.STATIC, null, null, -1, -1);
        changes.add(new BindingChange(
                key, BindingChange.Kind.STARTED, row.fromMs(), subscriberId, BindingSource.STATIC, null, -1, -1));
        return true;
    }
}
