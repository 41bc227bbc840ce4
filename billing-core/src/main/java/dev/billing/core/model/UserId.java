package dev.billing.core.model;

/** The identity provider's user id (Clerk's {@code sub}, e.g. {@code user_2abc}). */
public record UserId(String value) {
    public UserId {
        Checks.text(value, "userId", 255);
    }

    public static UserId of(String value) {
        return new UserId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
