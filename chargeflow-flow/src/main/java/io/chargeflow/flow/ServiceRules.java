package io.chargeflow.flow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Rating-group classification rules: which rating group and service identifier a flow's usage belongs to.
 *
 * <p>One rule per line, first match wins, {@code #} starts a comment:
 * <pre>
 * video:   rg=100 sid=1001 name=video.example.com,*.video.example.com
 * dns:     rg=20  proto=udp port=53
 * web:     rg=10  proto=tcp port=80,443,8000-8999
 * corp:    rg=30  prefix=203.0.113.0/24,2001:db8:50::/48
 * default: rg=1 sid=0
 * </pre>
 * Every criterion given must hold: {@code proto} (tcp, udp, icmp, icmpv6, sctp or a number), {@code port} (the
 * server side's port: lists and ranges), {@code prefix} (the server's address), {@code name} (the server name the
 * flow reveals: TLS ClientHello SNI, HTTP Host, or a DNS answer the subscriber received for that address; exact names
 * or {@code *.suffix}). A flow is decided once, at its first packet, except that a TCP flow whose handshake carried no
 * payload yet is decided again at its first payload packet, so a name from SNI or Host still counts.
 *
 * <p>Built once on the control thread; {@link #decide} is called by processors (read-only, thread-safe).
 */
public final class ServiceRules {
    /** At most 63 rules plus the default: decisions and name matches travel as 64-bit masks. */
    public static final int MAX_RULES = 63;

    private final String[] labels;
    private final int[] ratingGroup;
    private final int[] serviceId;
    private final int[] protocol;
    private final int[][] portRanges;
    private final AddressPools[] prefixes;
    private final String[][] names;
    private final boolean[] hasName;
    /**
     * The rules' server-name patterns, matched in one pass over a name (see {@link #matchName}); null when there are
     * at most {@link #WALK_PATTERNS}, which a walk over them matches faster.
     */
    private final io.chargeflow.flow.internal.NameIndex nameIndex;
    /**
     * Up to this many patterns the walk is faster than the index (NameMatchBenchmark: 27 ns against 39 for five
     * patterns; from 100 on the walk costs 3 ns a pattern, the index about 40 ns whatever their number).
     */
    private static final int WALK_PATTERNS = 8;

    private final int defaultRatingGroup;
    private final int defaultServiceId;
    private final boolean anyNameRule;

    // Precomputed candidates, so a decision is a table load and a few bit operations instead of a walk over the
    // rules: for each protocol a rule names (index 1..) and for every other protocol (index 0), the rules whose
    // protocol and port criteria a server port satisfies (bit i = rule i), and those that hold without a port.
    private final int[] protocolIndex = new int[256];
    /**
     * The candidates when the rules make at most 256 distinct sets (nearly always): a byte per (protocol index, port)
     * naming the set in {@link #candidateSets}. 64 KiB a protocol stays in the cache where a long per port (512 KiB a
     * protocol) did not: random UDP server ports missed it. Null when there are more sets.
     */
    private final byte[] portSet;
    /** The candidates as a long per port, only when there are more than 256 distinct sets (else null). */
    private final long[][] portCandidates;

    private final long[] candidateSets;
    private final long[] portlessCandidates;
    private final long nameRules;
    private final long prefixRules;

    private ServiceRules(List<Rule> rules, int defaultRatingGroup, int defaultServiceId) {
        int n = rules.size();
        labels = new String[n];
        ratingGroup = new int[n];
        serviceId = new int[n];
        protocol = new int[n];
        portRanges = new int[n][];
        prefixes = new AddressPools[n];
        names = new String[n][];
        hasName = new boolean[n];
        boolean any = false;
        for (int i = 0; i < n; i++) {
            Rule r = rules.get(i);
            labels[i] = r.label;
            ratingGroup[i] = r.ratingGroup;
            serviceId[i] = r.serviceId;
            protocol[i] = r.protocol;
            portRanges[i] = r.ports;
            prefixes[i] = r.prefixes;
            names[i] = r.names;
            hasName[i] = r.names != null;
            any |= hasName[i];
        }
        this.defaultRatingGroup = defaultRatingGroup;
        this.defaultServiceId = defaultServiceId;
        this.anyNameRule = any;
        int patternCount = 0;
        for (String[] p : names) {
            patternCount += p == null ? 0 : p.length;
        }
        this.nameIndex = patternCount > WALK_PATTERNS ? new io.chargeflow.flow.internal.NameIndex(names) : null;
        long names = 0;
        long withPrefix = 0;
        java.util.List<Integer> namedProtocols = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            names |= hasName[i] ? 1L << i : 0;
            withPrefix |= prefixes[i] != null ? 1L << i : 0;
            if (protocol[i] >= 0 && !namedProtocols.contains(protocol[i])) {
                namedProtocols.add(protocol[i]);
            }
        }
        this.nameRules = names;
        this.prefixRules = withPrefix;
        long[][] tables = new long[namedProtocols.size() + 1][];
        portlessCandidates = new long[namedProtocols.size() + 1];
        for (int t = 0; t <= namedProtocols.size(); t++) {
            int proto = t == 0 ? -1 : namedProtocols.get(t - 1);
            if (t > 0) {
                protocolIndex[proto] = t;
            }
            long[] table = new long[65536];
            long portless = 0;
            for (int i = 0; i < n; i++) {
                if (protocol[i] >= 0 && protocol[i] != proto) {
                    continue;
                }
                if (portRanges[i] == null) {
                    portless |= 1L << i;
                    for (int port = 0; port < 65536; port++) {
                        table[port] |= 1L << i;
                    }
                } else {
                    for (int r = 0; r < portRanges[i].length; r += 2) {
                        for (int port = portRanges[i][r]; port <= portRanges[i][r + 1]; port++) {
                            table[port] |= 1L << i;
                        }
                    }
                }
            }
            tables[t] = table;
            portlessCandidates[t] = portless;
        }
        // the sets in first-seen order; ports come in runs of the same set, so the map is asked once per run
        java.util.Map<Long, Integer> sets = new java.util.HashMap<>();
        byte[] ids = new byte[tables.length << 16];
        boolean compact = true;
        fill:
        for (int t = 0; t < tables.length; t++) {
            int id = 0;
            for (int port = 0; port < 65536; port++) {
                long candidates = tables[t][port];
                if (port == 0 || candidates != tables[t][port - 1]) {
                    Integer known = sets.get(candidates);
                    if (known == null) {
                        if (sets.size() == 256) {
                            compact = false;
                            break fill;
                        }
                        known = sets.size();
                        sets.put(candidates, known);
                    }
                    id = known;
                }
                ids[(t << 16) | port] = (byte) id;
            }
        }
        if (compact) {
            candidateSets = new long[sets.size()];
            sets.forEach((candidates, id) -> candidateSets[id] = candidates);
            portSet = ids;
            portCandidates = null;
        } else {
            candidateSets = null;
            portSet = null;
            portCandidates = tables;
        }
    }

    /** Parses a rules file; every mistake names the file and line. */
    public static ServiceRules load(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Parses rule lines ({@code source} names them in errors). */
    public static ServiceRules parse(List<String> lines, String source) {
        List<Rule> rules = new ArrayList<>();
        int defaultRg = -1;
        int defaultSid = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.trim();
            if (line.isEmpty()) {
                continue;
            }
            String where = source + ":" + (i + 1);
            try {
                Rule rule = Rule.parse(line);
                if (rule.label.equals("default")) {
                    if (rule.protocol >= 0 || rule.ports != null || rule.prefixes != null || rule.names != null) {
                        throw new IllegalArgumentException("the default rule takes only rg= and sid=");
                    }
                    defaultRg = rule.ratingGroup;
                    defaultSid = rule.serviceId;
                } else {
                    rules.add(rule);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage());
            }
            if (rules.size() > MAX_RULES) {
                throw new IllegalArgumentException(where + ": more than " + MAX_RULES + " rules");
            }
        }
        if (defaultRg < 0) {
            throw new IllegalArgumentException(source + ": no 'default: rg=N' line (the rating group of the rest)");
        }
        return new ServiceRules(rules, defaultRg, defaultSid);
    }

    public int size() {
        return labels.length;
    }

    /** Whether any rule looks at server names (so the reader must sniff SNI, Host and DNS answers). */
    public boolean usesNames() {
        return anyNameRule;
    }

    /**
     * The index of the first matching rule, or {@code size()} for the default.
     *
     * @param nameMask bit i set when the flow revealed a server name matching rule i's names
     */
    public int decide(int ipProtocol, int serverPort, boolean portKnown, long serverHi, long serverLo, long nameMask) {
        int t = protocolIndex[ipProtocol & 0xFF];
        long candidates = !portKnown
                ? portlessCandidates[t]
                : portSet != null
                        ? candidateSets[portSet[(t << 16) | (serverPort & 0xFFFF)] & 0xFF]
                        : portCandidates[t][serverPort & 0xFFFF];
        candidates &= ~nameRules | nameMask;
        while (candidates != 0) {
            int i = Long.numberOfTrailingZeros(candidates);
            if ((prefixRules & (1L << i)) == 0
                    || (SubscriberKeys.isIpv4(serverHi, serverLo)
                            ? prefixes[i].containsV4((int) serverLo)
                            : prefixes[i].containsV6(serverHi, serverLo))) {
                return i;
            }
            candidates &= candidates - 1;
        }
        return labels.length;
    }

    /** Whether decisions use the byte-per-port candidate sets (at most 256 distinct ones), else a long per port. */
    boolean compactPortSets() {
        return portSet != null;
    }

    /** {@link #decide} with the server port as a record carries it (see RecordLayout's ports word). */
    int decide(int ipProtocol, long ports, long serverHi, long serverLo, long nameMask) {
        return decide(
                ipProtocol,
                (int) (ports >>> 16) & 0xFFFF,
                (ports & io.chargeflow.flow.internal.RecordLayout.PORTS_KNOWN_BIT) != 0,
                serverHi,
                serverLo,
                nameMask);
    }

    /** {@link #decide} the plain way, rule by rule in order: the reference the precomputed tables are tested against. */
    int decideByWalking(
            int ipProtocol, int serverPort, boolean portKnown, long serverHi, long serverLo, long nameMask) {
        for (int i = 0; i < labels.length; i++) {
            if (hasName[i] && (nameMask & (1L << i)) == 0) {
                continue;
            }
            if (protocol[i] >= 0 && protocol[i] != ipProtocol) {
                continue;
            }
            if (portRanges[i] != null && (!portKnown || !inRanges(portRanges[i], serverPort))) {
                continue;
            }
            if (prefixes[i] != null
                    && !(SubscriberKeys.isIpv4(serverHi, serverLo)
                            ? prefixes[i].containsV4((int) serverLo)
                            : prefixes[i].containsV6(serverHi, serverLo))) {
                continue;
            }
            return i;
        }
        return labels.length;
    }

    private static boolean inRanges(int[] ranges, int port) {
        for (int i = 0; i < ranges.length; i += 2) {
            if (port >= ranges[i] && port <= ranges[i + 1]) {
                return true;
            }
        }
        return false;
    }

    /** Rating group of a decision ({@code size()} = default). */
    public int ratingGroup(int decision) {
        return decision == labels.length ? defaultRatingGroup : ratingGroup[decision];
    }

    public int serviceId(int decision) {
        return decision == labels.length ? defaultServiceId : serviceId[decision];
    }

    public String label(int decision) {
        return decision == labels.length ? "default" : labels[decision];
    }

    /**
     * The mask of rules whose names match {@code name} (lower-case ASCII bytes {@code [0, length)}). Reader thread;
     * allocation-free.
     */
    public long matchName(byte[] name, int length) {
        return nameIndex != null ? nameIndex.match(name, length) : matchNameByWalking(name, length);
    }

    /**
     * {@link #matchName} the plain way, pattern by pattern: the reference the name index is tested and benchmarked
     * against.
     */
    public long matchNameByWalking(byte[] name, int length) {
        long mask = 0;
        for (int i = 0; i < names.length; i++) {
            if (names[i] == null) {
                continue;
            }
            for (String pattern : names[i]) {
                if (matches(pattern, name, length)) {
                    mask |= 1L << i;
                    break;
                }
            }
        }
        return mask;
    }

    private static boolean matches(String pattern, byte[] name, int length) {
        if (pattern.startsWith("*.")) {
            int suffix = pattern.length() - 1; // ".example.com"
            if (length <= suffix) {
                return false;
            }
            for (int j = 0; j < suffix; j++) {
                if (name[length - suffix + j] != pattern.charAt(1 + j)) {
                    return false;
                }
            }
            return true;
        }
        if (pattern.length() != length) {
            return false;
        }
        for (int j = 0; j < length; j++) {
            if (name[j] != pattern.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    /** Rule labels and rating groups, for the summary. */
    public Map<String, Integer> describe() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i <= labels.length; i++) {
            m.put(label(i), ratingGroup(i));
        }
        return m;
    }

    private record Rule(
            String label,
            int ratingGroup,
            int serviceId,
            int protocol,
            int[] ports,
            AddressPools prefixes,
            String[] names) {

        static Rule parse(String line) {
            int colon = line.indexOf(':');
            int space = line.indexOf(' ');
            if (colon <= 0 || (space >= 0 && space < colon)) {
                throw new IllegalArgumentException("expected 'label: rg=N ...', got '" + line + "'");
            }
            String label = line.substring(0, colon).trim();
            int rg = -1;
            int sid = 0;
            int proto = -1;
            int[] ports = null;
            AddressPools prefixes = null;
            String[] names = null;
            for (String token : line.substring(colon + 1).trim().split("\\s+")) {
                if (token.isEmpty()) {
                    continue;
                }
                int eq = token.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("expected key=value, got '" + token + "'");
                }
                String key = token.substring(0, eq);
                String value = token.substring(eq + 1);
                switch (key) {
                    case "rg" -> rg = number(key, value, 0, 0xFFFF_FFFFL);
                    case "sid" -> sid = number(key, value, 0, 0xFFFF_FFFFL);
                    case "proto" -> proto = protocol(value);
                    case "port" -> ports = ports(value);
                    case "prefix" -> prefixes = prefixes(value);
                    case "name" -> names = names(value);
                    default ->
                        throw new IllegalArgumentException(
                                "unknown key '" + key + "' (rg, sid, proto, port, prefix, name)");
                }
            }
            if (rg < 0) {
                throw new IllegalArgumentException("rule '" + label + "' has no rg=N");
            }
            return new Rule(label, rg, sid, proto, ports, prefixes, names);
        }

        private static int number(String key, String value, long min, long max) {
            try {
                long n = Long.parseLong(value);
                if (n < min || n > max) {
                    throw new IllegalArgumentException(key + "=" + value + " out of range");
                }
                return (int) n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + "=" + value + " is not a number");
            }
        }

        private static int protocol(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "tcp" -> 6;
                case "udp" -> 17;
                case "icmp" -> 1;
                case "icmpv6" -> 58;
                case "sctp" -> 132;
                default -> number("proto", value, 0, 255);
            };
        }

        private static int[] ports(String value) {
            String[] parts = value.split(",");
            int[] ranges = new int[parts.length * 2];
            for (int i = 0; i < parts.length; i++) {
                String p = parts[i];
                int dash = p.indexOf('-');
                int lo = number("port", dash < 0 ? p : p.substring(0, dash), 0, 65535);
                int hi = dash < 0 ? lo : number("port", p.substring(dash + 1), 0, 65535);
                if (hi < lo) {
                    throw new IllegalArgumentException("port=" + p + " is an empty range");
                }
                ranges[2 * i] = lo;
                ranges[2 * i + 1] = hi;
            }
            return ranges;
        }

        private static AddressPools prefixes(String value) {
            AddressPools pools = new AddressPools();
            for (String cidr : value.split(",")) {
                try {
                    pools.add(cidr);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("prefix=" + cidr + " is not an address/prefix-length");
                }
            }
            pools.index();
            return pools;
        }

        private static String[] names(String value) {
            String[] names = value.toLowerCase(Locale.ROOT).split(",");
            for (String n : names) {
                String bare = n.startsWith("*.") ? n.substring(2) : n;
                if (bare.isEmpty() || !bare.matches("[a-z0-9_.-]+")) {
                    throw new IllegalArgumentException("name=" + n + " is not a host name or *.suffix");
                }
            }
            return Arrays.copyOf(names, names.length);
        }
    }
}
