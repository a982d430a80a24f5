package io.chargeflow.charging.rating;

import java.time.ZonedDateTime;
import java.util.List;

/**
 * A named tariff plan: its rate lines in file order and its allowances. Immutable; any thread.
 *
 * <p>Lookup: when any line for the exact rating group matches the container's time of first usage, only exact lines
 * apply; otherwise the {@code rg=*} lines do. Within that set the first matching line of each kind (file order)
 * applies: zero-rating first (when it matches nothing is priced), then volume and time independently.
 */
public record Plan(String name, List<RateLine> rates, List<AllowanceLine> allowances) {

    public Plan {
        rates = List.copyOf(rates);
        allowances = List.copyOf(allowances);
    }

    /** The applicable line of {@code kind} for the rating group at {@code time}, or null. */
    public RateLine find(RateLine.Kind kind, long ratingGroup, ZonedDateTime time) {
        long group = hasMatching(ratingGroup, time) ? ratingGroup : RateLine.ANY_RATING_GROUP;
        return first(kind, group, time);
    }

    /** The allowance for the rating group (exact first, then {@code rg=*}), or null. */
    public AllowanceLine allowance(long ratingGroup) {
        AllowanceLine any = null;
        for (AllowanceLine a : allowances) {
            if (a.ratingGroup() == ratingGroup) {
                return a;
            }
            if (a.ratingGroup() == RateLine.ANY_RATING_GROUP && any == null) {
                any = a;
            }
        }
        return any;
    }

    private boolean hasMatching(long ratingGroup, ZonedDateTime time) {
        for (RateLine r : rates) {
            if (r.ratingGroup() == ratingGroup && r.band().matches(time)) {
                return true;
            }
        }
        return false;
    }

    private RateLine first(RateLine.Kind kind, long ratingGroup, ZonedDateTime time) {
        for (RateLine r : rates) {
            if (r.kind() == kind && r.ratingGroup() == ratingGroup && r.band().matches(time)) {
                return r;
            }
        }
        return null;
    }
}
