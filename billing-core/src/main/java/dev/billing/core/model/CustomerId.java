package dev.billing.core.model;

/** A Stripe customer id ({@code cus_...}). */
public record CustomerId(String value) {
    public CustomerId {
        Checks.text(value, "customerId", 255);
    }

    public static CustomerId of(String value) {
        return new CustomerId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
