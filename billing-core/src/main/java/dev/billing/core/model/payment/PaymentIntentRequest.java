package dev.billing.core.model.payment;

import dev.billing.core.model.Checks;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Money;
import java.util.Map;
import java.util.Objects;

/**
 * A one-time payment the app confirms with the PaymentSheet. Built by the server only: the amount comes from the
 * catalog (with the tier's discount), never from the client. The {@code metadata} names what is bought, so the
 * {@code payment_intent.succeeded} webhook can record the purchase.
 */
public record PaymentIntentRequest(
        CustomerId customerId, Money amount, String description, Map<String, String> metadata, String idempotencyKey) {
    public PaymentIntentRequest {
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(amount, "amount");
        if (amount.amount() <= 0) {
            throw new IllegalArgumentException("a payment intent's amount must be positive");
        }
        description = Checks.optionalText(description, "description");
        metadata = Checks.metadata(metadata);
        Checks.text(idempotencyKey, "idempotencyKey");
    }
}
