package dev.billing.core.usecase;

import dev.billing.core.model.CustomerId;

import java.util.Objects;

/**
 * The caller's Stripe customer, and whether this call made Stripe create it (Stripe's answer was not an idempotent
 * replay): of any number of concurrent first calls for a user exactly one says {@code created}.
 */
public record EnsuredCustomer(CustomerId customerId, boolean created) {
    public EnsuredCustomer {
        Objects.requireNonNull(customerId, "customerId");
    }
}
