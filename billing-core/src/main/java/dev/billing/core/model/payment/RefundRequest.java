package dev.billing.core.model.payment;

import dev.billing.core.model.Checks;

/** Refund a payment, in full ({@code amount} null) or in part. */
public record RefundRequest(String paymentIntentId, Long amount, String reason, String idempotencyKey) {
    public RefundRequest {
        Checks.text(paymentIntentId, "paymentIntentId");
        if (amount != null && amount <= 0) {
            throw new IllegalArgumentException("a refund amount must be positive");
        }
        reason = Checks.optionalText(reason, "reason");
        Checks.text(idempotencyKey, "idempotencyKey");
    }
}
