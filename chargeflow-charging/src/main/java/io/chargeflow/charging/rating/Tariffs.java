package io.chargeflow.charging.rating;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Currency;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * All tariff plans, as read from a tariff file. Immutable once parsed; any thread. The format is line based (one
 * directive per line, {@code #} starts a comment), so that an error names its line:
 * <pre>
 * currency EUR                  # ISO 4217; prices are integer minor units (cents)
 * timezone Europe/Berlin        # for bands and allowance periods (default UTC)
 * allowance-period month        # day | week | month
 * default-plan basic            # for CDRs without a plan (optional)
 * plan basic
 *   allowance rg=10 volume=1GiB            # included per period; also time=3600s
 *   zero      rg=30                        # zero-rated
 *   volume    rg=10 step=1MiB price=2 days=sat-sun
 *   volume    rg=10 step=1MiB price=5 hours=08:00-20:00
 *   volume    rg=10 step=1MiB price=3
 *   time      rg=20 step=60s  price=10
 *   volume    rg=*  step=1MB  price=4      # any other rating group
 * </pre>
 * Sizes take B, KB, MB, GB (1000) or KiB, MiB, GiB (1024); durations ms, s, m, h. {@code days=} takes ranges and lists
 * ({@code mon-fri}, {@code sat,sun}); {@code hours=} a window that may wrap midnight.
 */
public final class Tariffs {
    private final Currency currency;
    private final ZoneId zone;
    private final AllowancePeriod allowancePeriod;
    private final String defaultPlan;
    private final Map<String, Plan> plans;

    private Tariffs(
            Currency currency, ZoneId zone, AllowancePeriod period, String defaultPlan, Map<String, Plan> plans) {
        this.currency = currency;
        this.zone = zone;
        this.allowancePeriod = period;
        this.defaultPlan = defaultPlan;
        this.plans = Map.copyOf(plans);
    }

    public Currency currency() {
        return currency;
    }

    public ZoneId zone() {
        return zone;
    }

    public AllowancePeriod allowancePeriod() {
        return allowancePeriod;
    }

    public Set<String> planNames() {
        return plans.keySet();
    }

    /** The plan called {@code name}, else the default plan, else null (the CDR cannot be rated). */
    public Plan plan(String name) {
        Plan p = name == null ? null : plans.get(name);
        if (p == null && defaultPlan != null) {
            p = plans.get(defaultPlan);
        }
        return p;
    }

    /** Reads and parses a tariff file; errors name the file and line. */
    public static Tariffs load(Path file) {
        try {
            return parse(file.toString(), Files.readAllLines(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tariff file=" + file, e);
        }
    }

    /** Parses tariff lines; {@code source} names them in errors. */
    public static Tariffs parse(String source, List<String> lines) {
        return new Parser(source).parse(lines);
    }

    private static final class Parser {
        private final String source;
        private Currency currency;
        private ZoneId zone = ZoneId.of("UTC");
        private AllowancePeriod period = AllowancePeriod.MONTH;
        private String defaultPlan;
        private int defaultPlanLine;
        private final Map<String, Plan> plans = new LinkedHashMap<>();
        private String planName;
        private List<RateLine> rates;
        private List<AllowanceLine> allowances;
        private int lineNumber;

        Parser(String source) {
            this.source = source;
        }

        Tariffs parse(List<String> lines) {
            for (String raw : lines) {
                lineNumber++;
                int hash = raw.indexOf('#');
                String line = (hash >= 0 ? raw.substring(0, hash) : raw).trim();
                if (!line.isEmpty()) {
                    directive(line.split("\\s+"));
                }
            }
            endPlan();
            if (currency == null) {
                throw new TariffException(source, Math.max(1, lineNumber), "no 'currency' line");
            }
            if (plans.isEmpty()) {
                throw new TariffException(source, Math.max(1, lineNumber), "no 'plan' defined");
            }
            if (defaultPlan != null && !plans.containsKey(defaultPlan)) {
                throw new TariffException(source, defaultPlanLine, "default-plan=" + defaultPlan + " is not defined");
            }
            return new Tariffs(currency, zone, period, defaultPlan, plans);
        }

        private void directive(String[] t) {
            switch (t[0]) {
                case "currency" -> currency = currency(single(t));
                case "timezone" -> zone = zone(single(t));
                case "allowance-period" -> period = enumValue(single(t), "allowance-period");
                case "default-plan" -> {
                    defaultPlan = single(t);
                    defaultPlanLine = lineNumber;
                }
                case "plan" -> {
                    endPlan();
                    String name = single(t);
                    if (plans.containsKey(name)) {
                        throw error("plan=" + name + " is defined twice");
                    }
                    planName = name;
                    rates = new ArrayList<>();
                    allowances = new ArrayList<>();
                }
                case "volume", "time", "zero" -> rates().add(rate(t));
                case "allowance" -> allowances().add(allowance(t));
                default ->
                    throw error("unknown directive '" + t[0] + "' (want currency, timezone, allowance-period, "
                            + "default-plan, plan, volume, time, zero, allowance)");
            }
        }

        private RateLine rate(String[] t) {
            Map<String, String> p = params(t, Set.of("rg", "step", "price", "days", "hours"));
            RateLine.Kind kind = RateLine.Kind.valueOf(t[0].toUpperCase(Locale.ROOT));
            long rg = ratingGroup(required(p, "rg"));
            Band band = band(p.get("days"), p.get("hours"));
            if (kind == RateLine.Kind.ZERO) {
                if (p.containsKey("step") || p.containsKey("price")) {
                    throw error("zero takes no step or price");
                }
                return new RateLine(lineNumber, kind, rg, 0, 0, band);
            }
            long step =
                    kind == RateLine.Kind.VOLUME ? size(required(p, "step"), "step") : durationMs(required(p, "step"));
            if (step <= 0) {
                throw error("step=" + p.get("step") + " must be positive");
            }
            return new RateLine(lineNumber, kind, rg, step, price(required(p, "price")), band);
        }

        private AllowanceLine allowance(String[] t) {
            Map<String, String> p = params(t, Set.of("rg", "volume", "time"));
            if (!p.containsKey("volume") && !p.containsKey("time")) {
                throw error("allowance needs volume= and/or time=");
            }
            long volume = p.containsKey("volume") ? size(p.get("volume"), "volume") : 0;
            long time = p.containsKey("time") ? durationMs(p.get("time")) : 0;
            return new AllowanceLine(lineNumber, ratingGroup(required(p, "rg")), volume, time);
        }

        private void endPlan() {
            if (planName != null) {
                plans.put(planName, new Plan(planName, rates, allowances));
                planName = null;
            }
        }

        private List<RateLine> rates() {
            if (planName == null) {
                throw error("rate line outside a plan (start one with 'plan NAME')");
            }
            return rates;
        }

        private List<AllowanceLine> allowances() {
            if (planName == null) {
                throw error("allowance outside a plan (start one with 'plan NAME')");
            }
            return allowances;
        }

        private Map<String, String> params(String[] t, Set<String> allowed) {
            Map<String, String> p = new HashMap<>();
            for (int i = 1; i < t.length; i++) {
                int eq = t[i].indexOf('=');
                if (eq <= 0 || eq == t[i].length() - 1) {
                    throw error("'" + t[i] + "' is not key=value");
                }
                String key = t[i].substring(0, eq);
                if (!allowed.contains(key)) {
                    throw error("unknown key '" + key + "' for " + t[0] + " (want "
                            + String.join(", ", allowed.stream().sorted().toList()) + ")");
                }
                if (p.put(key, t[i].substring(eq + 1)) != null) {
                    throw error("key '" + key + "' given twice");
                }
            }
            return p;
        }

        private String required(Map<String, String> p, String key) {
            String v = p.get(key);
            if (v == null) {
                throw error("missing " + key + "=");
            }
            return v;
        }

        private String single(String[] t) {
            if (t.length != 2) {
                throw error("'" + t[0] + "' takes exactly one value");
            }
            return t[1];
        }

        private Currency currency(String code) {
            try {
                return Currency.getInstance(code);
            } catch (IllegalArgumentException e) {
                throw error("currency=" + code + " is not an ISO 4217 code");
            }
        }

        private ZoneId zone(String id) {
            try {
                return ZoneId.of(id);
            } catch (DateTimeException e) {
                throw error("timezone=" + id + " is not a time zone id");
            }
        }

        private <E extends Enum<E>> E enumValue(String v, String key) {
            for (AllowancePeriod p : AllowancePeriod.values()) {
                if (p.name().equalsIgnoreCase(v)) {
                    @SuppressWarnings("unchecked")
                    E e = (E) p;
                    return e;
                }
            }
            throw error(key + "=" + v + " is not one of day, week, month");
        }

        private long ratingGroup(String v) {
            if (v.equals("*")) {
                return RateLine.ANY_RATING_GROUP;
            }
            try {
                long rg = Long.parseLong(v);
                if (rg < 0 || rg > 0xFFFFFFFFL) {
                    throw error("rg=" + v + " is out of range 0..4294967295");
                }
                return rg;
            } catch (NumberFormatException e) {
                throw error("rg=" + v + " is not a number or *");
            }
        }

        private long price(String v) {
            try {
                long price = Long.parseLong(v);
                if (price < 0) {
                    throw error("price=" + v + " must not be negative");
                }
                return price;
            } catch (NumberFormatException e) {
                throw error("price=" + v + " is not an integer number of minor units");
            }
        }

        private long size(String v, String key) {
            String[][] units = {
                {"GiB", "1073741824"},
                {"MiB", "1048576"},
                {"KiB", "1024"},
                {"GB", "1000000000"},
                {"MB", "1000000"},
                {"KB", "1000"},
                {"B", "1"}
            };
            for (String[] u : units) {
                if (v.endsWith(u[0])) {
                    return scaled(v.substring(0, v.length() - u[0].length()), Long.parseLong(u[1]), key, v);
                }
            }
            throw error(key + "=" + v + " needs a unit: B, KB, MB, GB, KiB, MiB, GiB");
        }

        private long durationMs(String v) {
            String[][] units = {{"ms", "1"}, {"s", "1000"}, {"m", "60000"}, {"h", "3600000"}};
            for (String[] u : units) {
                if (v.endsWith(u[0])) {
                    return scaled(v.substring(0, v.length() - u[0].length()), Long.parseLong(u[1]), "duration", v);
                }
            }
            throw error("duration=" + v + " needs a unit: ms, s, m, h");
        }

        private long scaled(String number, long unit, String key, String original) {
            try {
                long n = Long.parseLong(number);
                if (n < 0) {
                    throw error(key + "=" + original + " must not be negative");
                }
                return Math.multiplyExact(n, unit);
            } catch (NumberFormatException | ArithmeticException e) {
                throw error(key + "=" + original + " is not a whole number with a unit");
            }
        }

        private Band band(String days, String hours) {
            Set<DayOfWeek> set = days == null ? EnumSet.allOf(DayOfWeek.class) : days(days);
            if (hours == null) {
                return new Band(set, 0, 0);
            }
            String[] range = hours.split("-");
            if (range.length != 2) {
                throw error("hours=" + hours + " is not HH:MM-HH:MM");
            }
            return new Band(set, minute(range[0], hours), minute(range[1], hours));
        }

        private int minute(String hhmm, String original) {
            String[] f = hhmm.split(":");
            try {
                int h = Integer.parseInt(f[0]);
                int m = f.length > 1 ? Integer.parseInt(f[1]) : 0;
                if (f.length > 2 || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0)) {
                    throw error("hours=" + original + " is not HH:MM-HH:MM");
                }
                return (h * 60 + m) % 1440;
            } catch (NumberFormatException e) {
                throw error("hours=" + original + " is not HH:MM-HH:MM");
            }
        }

        private Set<DayOfWeek> days(String spec) {
            EnumSet<DayOfWeek> set = EnumSet.noneOf(DayOfWeek.class);
            for (String part : spec.split(",")) {
                String[] range = part.split("-");
                if (range.length == 1) {
                    set.add(day(range[0], spec));
                } else if (range.length == 2) {
                    DayOfWeek d = day(range[0], spec);
                    DayOfWeek end = day(range[1], spec);
                    set.add(d);
                    while (d != end) {
                        d = d.plus(1);
                        set.add(d);
                    }
                } else {
                    throw error("days=" + spec + " is not like mon-fri or sat,sun");
                }
            }
            return set;
        }

        private DayOfWeek day(String name, String spec) {
            for (DayOfWeek d : DayOfWeek.values()) {
                if (d.name().substring(0, 3).equalsIgnoreCase(name)) {
                    return d;
                }
            }
            throw error("days=" + spec + ": '" + name + "' is not mon, tue, wed, thu, fri, sat or sun");
        }

        private TariffException error(String problem) {
            return new TariffException(source, lineNumber, problem);
        }
    }
}
