package dev.billing.core.model.subscription;

import dev.billing.core.model.Checks;
import dev.billing.core.model.CustomerId;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the gateway needs to create a Checkout session. Built by the server only: clients never choose
 * amounts, the customer, the mode, trial length or metadata. {@code trialDays} 0 means no trial;
 * {@code promotionCode} may be null. A guest's purchase has no {@code customerId} (Stripe creates a customer at
 * payment) and may carry the {@code customerEmail} to prefill. {@code automaticTax} asks Stripe Tax to add tax,
 * collect tax ids and require a billing address.
 */
public record CheckoutRequest(
        CheckoutMode mode,
        CustomerId customerId,
        List<LineItem> lineItems,
        String successUrl,
        String cancelUrl,
        String clientReferenceId,
        int trialDays,
        String promotionCode,
        Map<String, String> metadata,
        Map<String, String> subscriptionMetadata,
        String idempotencyKey,
        String customerEmail,
        boolean automaticTax) {
    public CheckoutRequest {
        Objects.requireNonNull(mode, "mode");
        if (customerId == null && mode != CheckoutMode.PAYMENT) {
            throw new IllegalArgumentException("only a one-time payment can be made without a customer");
        }
        customerEmail = Checks.optionalText(customerEmail, "customerEmail");
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

    /** A request without automatic tax. */
    public CheckoutRequest(
            CheckoutMode mode,
            CustomerId customerId,
            List<LineItem> lineItems,
            String successUrl,
            String cancelUrl,
            String clientReferenceId,
            int trialDays,
            String promotionCode,
            Map<String, String> metadata,
            Map<String, String> subscriptionMetadata,
            String idempotencyKey,
            String customerEmail) {
        this(
                mode,
                customerId,
                lineItems,
                successUrl,
                cancelUrl,
                clientReferenceId,
                trialDays,
                promotionCode,
                metadata,
                subscriptionMetadata,
                idempotencyKey,
                customerEmail,
                false);
    }

    /** A request for a known customer. */
    public CheckoutRequest(
            CheckoutMode mode,
            CustomerId customerId,
            List<LineItem> lineItems,
            String successUrl,
            String cancelUrl,
            String clientReferenceId,
            int trialDays,
            String promotionCode,
            Map<String, String> metadata,
            Map<String, String> subscriptionMetadata,
            String idempotencyKey) {
        this(
                mode,
                Objects.requireNonNull(customerId, "customerId"),
                lineItems,
                successUrl,
                cancelUrl,
                clientReferenceId,
                trialDays,
                promotionCode,
                metadata,
                subscriptionMetadata,
                idempotencyKey,
                null);
    }

    /** This request with automatic tax switched on or off. */
    public CheckoutRequest withAutomaticTax(boolean enabled) {
        return new CheckoutRequest(
                mode,
                customerId,
                lineItems,
                successUrl,
                cancelUrl,
                clientReferenceId,
                trialDays,
                promotionCode,
                metadata,
                subscriptionMetadata,
                idempotencyKey,
                customerEmail,
                enabled);
    }

    /** This request under another idempotency key. */
    public CheckoutRequest withIdempotencyKey(String key) {
        return new CheckoutRequest(
                mode,
                customerId,
                lineItems,
                successUrl,
                cancelUrl,
                clientReferenceId,
                trialDays,
                promotionCode,
                metadata,
                subscriptionMetadata,
                key,
                customerEmail,
                automaticTax);
    }
}
