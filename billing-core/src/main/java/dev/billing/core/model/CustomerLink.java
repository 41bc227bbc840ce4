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

    /**
     * This link as its account's: a {@link UserId#isRetiredLink retired link} (its customer deleted at Stripe) names
     * the account it belongs to instead of its holder id, so what its customer's late events notify or invalidate is
     * the account's.
     */
    public CustomerLink ofAccount() {
        return userId.isRetiredLink() ? new CustomerLink(userId.account(), customerId, email, createdAt) : this;
    }
}
