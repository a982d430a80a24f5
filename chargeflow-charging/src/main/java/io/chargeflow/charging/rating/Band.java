package io.chargeflow.charging.rating;

import java.time.DayOfWeek;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Set;

/**
 * When a tariff line applies: days of the week and a time-of-day window {@code [fromMinute, toMinute)} that may wrap
 * midnight (22:00-06:00). Immutable; any thread.
 *
 * @param days the days it applies on
 * @param fromMinute minute of the day it starts (inclusive)
 * @param toMinute minute of the day it ends (exclusive); equal to fromMinute means all day
 */
public record Band(Set<DayOfWeek> days, int fromMinute, int toMinute) {
    /** Every day, all day. */
    public static final Band ALWAYS = new Band(EnumSet.allOf(DayOfWeek.class), 0, 0);

    public Band {
        days = Set.copyOf(days);
    }

    public boolean matches(ZonedDateTime time) {
        if (!days.contains(time.getDayOfWeek())) {
            return false;
        }
        if (fromMinute == toMinute) {
            return true;
        }
        int minute = time.getHour() * 60 + time.getMinute();
        return fromMinute < toMinute
                ? minute >= fromMinute && minute < toMinute
                : minute >= fromMinute || minute < toMinute;
    }
}
