package dev.billing.core.model.subscription;

import dev.billing.core.model.Checks;
import dev.billing.core.model.CustomerId;
import java.util.Map;
import java.util.Objects;

/**
 * A Stripe Checkout session as created or as seen in a webhook. Nullable: {@code url} (absent once complete),
 * {@code customerId}, {@code subscriptionId}, {@code paymentIntentId}, {@code clientReferenceId},
 * {@code amountTotal}/{@code currency}, {@code status}, {@code paymentStatus} and {@code customerEmail} (what the
 * buyer typed on Checkout's page).
 */
public record CheckoutSession(
        String id,
        String url,
        CheckoutMode mode,
        CustomerId customerId,
        String subscriptionId,
        String paymentIntentId,
        String status,
        String paymentStatus,
        String clientReferenceId,
        Long amountTotal,
        String currency,
        Map<String, String> metadata,
        String customerEmail) {
    public CheckoutSession {
        Checks.text(id, "id");
        Objects.requireNonNull(mode, "mode");
        metadata = Checks.metadata(metadata);
        customerEmail = Checks.optionalText(customerEmail, "customerEmail");
    }

    /** A session seen without the email the buyer gave (its {@code customer_details.email}). */
    public CheckoutSession(
            String id,
            String url,
            CheckoutMode mode,
            CustomerId customerId,
            String subscriptionId,
            String paymentIntentId,
            String status,
            String paymentStatus,
            String clientReferenceId,
            Long amountTotal,
            String currency,
            Map<String, String> metadata) {
        this(
                id,
                url,
                mode,
                customerId,
                subscriptionId,
                paymentIntentId,
                status,
                paymentStatus,
                clientReferenceId,
                amountTotal,
                currency,
                metadata,
                null);
    }

    /** Complete and paid (or needing no payment): the moment a purchase is owed. */
    public boolean isPaid() {
        return "complete".equals(status)
                && ("paid".equals(paymentStatus) || "no_payment_required".equals(paymentStatus));
    }
}
