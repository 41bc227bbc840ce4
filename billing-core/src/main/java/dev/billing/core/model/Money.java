package dev.billing.core.model;

/** An amount in the currency's minor unit (cents for usd) and a lowercase ISO 4217 currency code. */
public record Money(long amount, String currency) {
    public Money {
        Checks.currency(currency);
    }

    public static Money of(long amount, String currency) {
        return new Money(amount, currency);
    }
}
