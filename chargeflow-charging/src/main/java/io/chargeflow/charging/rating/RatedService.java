package io.chargeflow.charging.rating;

/**
 * The rating of one service data container of a CDR. Immutable.
 *
 * @param ratingGroup the container's rating group
 * @param serviceIdentifier the container's service identifier
 * @param octets uplink plus downlink octets used
 * @param timeMs active milliseconds used
 * @param allowanceOctets octets taken from the included allowance
 * @param allowanceTimeMs milliseconds taken from the included allowance
 * @param chargedOctets octets priced (after the allowance, before rounding up to the step)
 * @param chargedTimeMs milliseconds priced
 * @param basis how it was rated: zero, volume, time, volume+time, allowance (all included) or unpriced
 * @param tariffLines the tariff file lines that applied, e.g. "12" or "12,15"; empty when none
 * @param amount the price
 */
public record RatedService(
        int ratingGroup,
        int serviceIdentifier,
        long octets,
        long timeMs,
        long allowanceOctets,
        long allowanceTimeMs,
        long chargedOctets,
        long chargedTimeMs,
        String basis,
        String tariffLines,
        Money amount) {}
