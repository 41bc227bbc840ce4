package dev.billing.core.model;

import java.util.Objects;

/**
 * A Stripe customer as the core reads it: the user its {@code metadata.user_id} names (null when none) and its email
 * (may be null).
 */
public record CustomerRecord(CustomerId id, UserId userId, String email) {
    public CustomerRecord {
        Objects.requireNonNull(id, "id");
        email = Checks.optionalText(email, "email");
    }
}
