package dev.billing.core.model.subscription;

import dev.billing.core.model.Checks;
import dev.billing.core.model.CustomerId;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A subscription created {@code incomplete} (Stripe's {@code payment_behavior=default_incomplete}) for the app to pay
 * with the PaymentSheet: its first invoice's payment intent, or a setup intent when nothing is due (a trial). Built by
 * the server only, with the same lines, trial, promotion code, metadata and tax as a Checkout session.
 */
public record IncompleteSubscriptionRequest(
        CustomerId customerId,
        List<LineItem> lineItems,
        int trialDays,
        String promotionCode,
        Map<String, String> metadata,
        boolean automaticTax,
        String idempotencyKey) {
    public IncompleteSubscriptionRequest {
        Objects.requireNonNull(customerId, "customerId");
        Checks.noNulls(lineItems, "lineItems");
        if (lineItems.isEmpty()) {
            throw new IllegalArgumentException("a subscription needs at least one line item");
        }
        lineItems = List.copyOf(lineItems);
        if (trialDays < 0) {
            throw new IllegalArgumentException("trialDays must not be negative");
        }
        promotionCode = Checks.optionalText(promotionCode, "promotionCode");
        metadata = Checks.metadata(metadata);
        Checks.text(idempotencyKey, "idempotencyKey");
    }
}
