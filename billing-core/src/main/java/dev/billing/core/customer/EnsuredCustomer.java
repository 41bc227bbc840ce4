package dev.billing.core.customer;

import dev.billing.core.model.CustomerId;
import java.util.Objects;

/**
 * The caller's Stripe customer, and whether it came into being during this call: the user had no customer when the
 * call began and ends linked to the customer this call obtained from Stripe (whoever inserted the link: this call,
 * a concurrent twin or the customer's {@code customer.created} webhook). Concurrent first calls may all say so.
 */
public record EnsuredCustomer(CustomerId customerId, boolean created) {
    public EnsuredCustomer {
        Objects.requireNonNull(customerId, "customerId");
    }
}
