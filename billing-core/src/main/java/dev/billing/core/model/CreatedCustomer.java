package dev.billing.core.model;

import java.util.Objects;

/**
 * The gateway's answer to a customer creation: the customer, and whether the answer was an idempotent replay of an
 * earlier request with the same key (the customer already existed) rather than a creation by this request.
 */
public record CreatedCustomer(CustomerId customerId, boolean replayed) {
    public CreatedCustomer {
        Objects.requireNonNull(customerId, "customerId");
    }
}
