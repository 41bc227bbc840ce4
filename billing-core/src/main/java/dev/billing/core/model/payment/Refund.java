package dev.billing.core.model.payment;

import dev.billing.core.model.Checks;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Money;
import java.util.Objects;

/**
 * A refund as the gateway reports it. {@code customerId}: the customer whose payment it refunds, or null (a guest's
 * payment, or an API version whose refunds name no customer).
 */
public record Refund(String id, String paymentIntentId, Money amount, String status, CustomerId customerId) {
    public Refund {
        Checks.text(id, "id");
        Objects.requireNonNull(amount, "amount");
        Checks.text(status, "status");
    }

    /** A refund that names no customer (the form before {@code customerId}). */
    public Refund(String id, String paymentIntentId, Money amount, String status) {
        this(id, paymentIntentId, amount, status, null);
    }
}
