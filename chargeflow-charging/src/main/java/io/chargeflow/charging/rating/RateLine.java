package io.chargeflow.charging.rating;

/**
 * One priced line of a plan: volume (price per started step of octets), time (price per started step of active
 * milliseconds) or zero-rating, for one rating group or all ({@link #ANY_RATING_GROUP}), within a band. Immutable.
 *
 * @param line the tariff file line it came from (named in bills and errors)
 * @param kind volume, time or zero
 * @param ratingGroup the rating group, or {@link #ANY_RATING_GROUP}
 * @param step octets (volume) or milliseconds (time) per priced step; 0 for zero-rating
 * @param priceMinorUnits price per step in minor units
 * @param band when the line applies
 */
public record RateLine(int line, Kind kind, long ratingGroup, long step, long priceMinorUnits, Band band) {
    public static final long ANY_RATING_GROUP = -1;

    /** What a line prices. */
    public enum Kind {
        VOLUME,
        TIME,
        ZERO
    }

    /** Price of {@code units} octets or milliseconds: started steps times price (rounded up to the step). */
    public long priceOf(long units) {
        if (units <= 0 || kind == Kind.ZERO) {
            return 0;
        }
        long steps = units / step + (units % step == 0 ? 0 : 1);
        return Math.multiplyExact(steps, priceMinorUnits);
    }
}
