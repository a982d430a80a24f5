package io.chargeflow.charging.rating;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;

/** How often included allowances (bundles) start afresh, in the tariff's time zone. Immutable. */
public enum AllowancePeriod {
    DAY,
    WEEK,
    MONTH;

    /** Epoch milliseconds of the start of the period holding {@code timeMs}. */
    public long periodStartMs(long timeMs, ZoneId zone) {
        ZonedDateTime t = Instant.ofEpochMilli(timeMs).atZone(zone).truncatedTo(ChronoUnit.DAYS);
        ZonedDateTime start = switch (this) {
            case DAY -> t;
            case WEEK -> t.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTH -> t.withDayOfMonth(1);
        };
        return start.toInstant().toEpochMilli();
    }
}
