package dev.billing.emulator;

/**
 * The outcome of completing (or failing) a checkout session through the emulator.
 *
 * <p>Usage: {@code String subId = emulator.completeCheckoutSession(session.getId()).subscriptionId();}
 *
 * @param sessionId {@code cs_test_...}
 * @param status session status after the attempt ({@code complete} or still {@code open})
 * @param paymentStatus {@code paid}, {@code no_payment_required} or {@code unpaid}
 * @param customerId the customer (created if the session had none)
 * @param subscriptionId the created subscription, or null
 * @param invoiceId the first invoice, or null
 * @param paymentIntentId the payment intent, or null (e.g. a free trial)
 * @param paymentMethodId the card used
 * @param declineCode the decline code when the card failed, else null
 */
public record CheckoutCompletion(
        String sessionId,
        String status,
        String paymentStatus,
        String customerId,
        String subscriptionId,
        String invoiceId,
        String paymentIntentId,
        String paymentMethodId,
        String declineCode) {

    /** Whether the session is now complete. */
    public boolean completed() {
        return "complete".equals(status);
    }
}
