package dev.billing.core.model.payment;

import dev.billing.core.model.Checks;
import dev.billing.core.model.CustomerId;
import java.time.Instant;
import java.util.Objects;

/**
 * A paid one-time purchase, keyed by its Checkout session id. {@code paymentIntentId} may be null (free
 * purchases).
 */
public record Purchase(
        String id,
        CustomerId customerId,
        String priceId,
        long quantity,
        String currency,
        long amountTotal,
        String paymentIntentId,
        Instant purchasedAt) {
    public Purchase {
        Checks.text(id, "id");
        Objects.requireNonNull(customerId, "customerId");
        Checks.text(priceId, "priceId");
        if (quantity < 1) {
            throw new IllegalArgumentException("quantity must be at least 1");
        }
        Checks.currency(currency);
        Checks.nonNegative(amountTotal, "amountTotal");
        Objects.requireNonNull(purchasedAt, "purchasedAt");
    }
}
