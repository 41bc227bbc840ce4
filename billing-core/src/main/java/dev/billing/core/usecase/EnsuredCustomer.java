package dev.billing.core.usecase;

import dev.billing.core.model.CustomerId;

import java.util.Objects;

/** The caller's Stripe customer, and whether this call created the link. */
public record EnsuredCustomer(CustomerId customerId, boolean created) {
    public EnsuredCustomer {
        Objects.requireNonNull(customerId, "customerId");
    }
}
