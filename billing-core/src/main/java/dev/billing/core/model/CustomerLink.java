package dev.billing.core.model;

import java.time.Instant;
import java.util.Objects;

/** The one-to-one link between a user and their Stripe customer. {@code email} may be null. */
public record CustomerLink(UserId userId, CustomerId customerId, String email, Instant createdAt) {
    public CustomerLink {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(customerId, "customerId");
        email = Checks.optionalText(email, "email");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
