package io.chargeflow.charging.rating;

/**
 * An included allowance (bundle) of a plan: octets and/or active milliseconds per {@link AllowancePeriod} for a rating
 * group or all of them, used up before anything is priced. Immutable.
 *
 * @param line the tariff file line
 * @param ratingGroup the rating group, or {@link RateLine#ANY_RATING_GROUP} (shared by all groups)
 * @param volumeOctets included octets per period
 * @param timeMs included active milliseconds per period
 */
public record AllowanceLine(int line, long ratingGroup, long volumeOctets, long timeMs) {}
