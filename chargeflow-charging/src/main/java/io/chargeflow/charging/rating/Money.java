package io.chargeflow.charging.rating;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Objects;

/**
 * An amount of money in integer minor units (cents) of one currency; never floating point. Immutable; any thread.
 * Arithmetic fails fast on mixed currencies and on overflow.
 *
 * @param minorUnits the amount in the currency's minor units
 * @param currency the ISO 4217 currency
 */
public record Money(long minorUnits, Currency currency) {

    public Money {
        Objects.requireNonNull(currency, "currency");
    }

    public static Money zero(Currency currency) {
        return new Money(0, currency);
    }

    public Money plus(Money other) {
        checkSameCurrency(other);
        return new Money(Math.addExact(minorUnits, other.minorUnits), currency);
    }

    public Money times(long factor) {
        return new Money(Math.multiplyExact(minorUnits, factor), currency);
    }

    public boolean isZero() {
        return minorUnits == 0;
    }

    private void checkSameCurrency(Money other) {
        if (!currency.equals(other.currency)) {
            throw new IllegalArgumentException(
                    "currency=" + currency + " cannot be added to currency=" + other.currency);
        }
    }

    /** The amount in major units with the currency's fraction digits, e.g. {@code 12.30 EUR} (exact decimal). */
    @Override
    public String toString() {
        return plain() + " " + currency.getCurrencyCode();
    }

    /** The amount in major units without the currency code, e.g. {@code 12.30}. */
    public String plain() {
        int digits = Math.max(0, currency.getDefaultFractionDigits());
        return BigDecimal.valueOf(minorUnits, digits).toPlainString();
    }
}
