package dev.billing.core.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the gateway needs to create a Checkout session. Built by the server only: clients never choose
 * amounts, the customer, the mode, trial length or metadata. {@code trialDays} 0 means no trial;
 * {@code promotionCode} may be null.
 */
public record CheckoutRequest(CheckoutMode mode, CustomerId customerId, List<LineItem> lineItems, String successUrl,
                              String cancelUrl, String clientReferenceId, int trialDays, String promotionCode,
                              Map<String, String> metadata, Map<String, String> subscriptionMetadata,
                              String idempotencyKey) {
    public CheckoutRequest {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(customerId, "customerId");
        Checks.noNulls(lineItems, "lineItems");
        if (lineItems.isEmpty()) {
            throw new IllegalArgumentException("a checkout needs at least one line item");
        }
        lineItems = List.copyOf(lineItems);
        Checks.text(successUrl, "successUrl");
        Checks.text(cancelUrl, "cancelUrl");
        if (trialDays < 0) {
            throw new IllegalArgumentException("trialDays must not be negative");
        }
        if (trialDays > 0 && mode != CheckoutMode.SUBSCRIPTION) {
            throw new IllegalArgumentException("only subscriptions have trials");
        }
        promotionCode = Checks.optionalText(promotionCode, "promotionCode");
        metadata = Checks.metadata(metadata);
        subscriptionMetadata = Checks.metadata(subscriptionMetadata);
        Checks.text(idempotencyKey, "idempotencyKey");
    }
}
