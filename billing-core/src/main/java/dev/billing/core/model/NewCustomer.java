package dev.billing.core.model;

import java.util.Objects;

/**
 * A customer to create at the gateway for {@code userId}. The idempotency key is derived from the user id by the
 * core, so retries and concurrent first requests create at most one customer. {@code email} may be null.
 */
public record NewCustomer(UserId userId, String email, String idempotencyKey) {
    public NewCustomer {
        Objects.requireNonNull(userId, "userId");
        email = Checks.optionalText(email, "email");
        Checks.text(idempotencyKey, "idempotencyKey", 255);
    }
}
