package dev.billing.core.model.payment;

import dev.billing.core.model.Checks;

/**
 * Refund a payment, in full ({@code amount} null) or in part. {@code auditedByRequest}: the caller records the
 * refund's {@code refund.created} audit entry itself, taking over the one its first webhook records, and the gateway
 * marks the refund so at Stripe ({@link PaymentRefund#auditedByRequest()}); otherwise its first webhook's entry is
 * the refund's.
 */
public record RefundRequest(
        String paymentIntentId, Long amount, String reason, String idempotencyKey, boolean auditedByRequest) {
    public RefundRequest {
        Checks.text(paymentIntentId, "paymentIntentId");
        if (amount != null && amount <= 0) {
            throw new IllegalArgumentException("a refund amount must be positive");
        }
        reason = Checks.optionalText(reason, "reason");
        Checks.text(idempotencyKey, "idempotencyKey");
    }

    /** A refund its webhooks audit (the form before {@code auditedByRequest}). */
    public RefundRequest(String paymentIntentId, Long amount, String reason, String idempotencyKey) {
        this(paymentIntentId, amount, reason, idempotencyKey, false);
    }
}
