package io.chargeflow.charging.rating;

/**
 * A tariff file that cannot be used: names the source, the line number and the problem, e.g.
 * {@code tariffs.txt line=7: price=abc is not an integer number of minor units}.
 */
public final class TariffException extends RuntimeException {
    private final int line;

    public TariffException(String source, int line, String problem) {
        super(source + " line=" + line + ": " + problem);
        this.line = line;
    }

    /** The 1-based line number of the problem. */
    public int line() {
        return line;
    }
}
