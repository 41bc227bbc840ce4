package dev.billing.core.model.payment;

import dev.billing.core.model.Checks;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.SourceVersion;
import java.time.Instant;
import java.util.Objects;

/**
 * The local projection of a Stripe refund of one of a customer's payments: {@code amount} in {@code currency}, with
 * Stripe's {@code status} ({@code pending}, {@code succeeded}, {@code failed}, {@code canceled},
 * {@code requires_action}) and {@code reason}. Nullable: {@code chargeId}, {@code paymentIntentId},
 * {@code reason}.
 *
 * <p>{@code auditedByRequest}: the refund was made by a request that records its {@code refund.created} audit entry
 * itself ({@code RefundPayment}, {@code POST /admin/refunds}), which marks it in Stripe's metadata
 * ({@code billing_audited_by=request}). Its first webhook records the entry all the same, as for any other refund
 * (Stripe's Dashboard, billing's own refund of a duplicate subscription), and the request's entry takes that one over
 * ({@code AuditAction.takenOverBy}). It is Stripe's word about an incoming refund: the stores do not keep it, and a
 * refund read from a store says false.
 *
 * <p>Usage: {@code store.upsertRefund(new PaymentRefund("re_1", customer, "ch_1", "pi_1", 500, "usd", "succeeded",
 * null, created, version))}
 */
public record PaymentRefund(
        String id,
        CustomerId customerId,
        String chargeId,
        String paymentIntentId,
        long amount,
        String currency,
        String status,
        String reason,
        Instant created,
        SourceVersion version,
        boolean auditedByRequest) {
    public PaymentRefund {
        Checks.text(id, "id");
        Objects.requireNonNull(customerId, "customerId");
        Checks.nonNegative(amount, "amount");
        Checks.currency(currency);
        Checks.text(status, "status");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(version, "version");
    }

    /** A refund not made by a request that audits it (the form before {@code auditedByRequest}). */
    public PaymentRefund(
            String id,
            CustomerId customerId,
            String chargeId,
            String paymentIntentId,
            long amount,
            String currency,
            String status,
            String reason,
            Instant created,
            SourceVersion version) {
        this(id, customerId, chargeId, paymentIntentId, amount, currency, status, reason, created, version, false);
    }

    /** Whether the money went (or is going) back: a failed or canceled refund returns nothing. */
    public boolean counts() {
        return !status.equals("failed") && !status.equals("canceled");
    }

    public PaymentRefund withVersion(SourceVersion newVersion) {
        return new PaymentRefund(
                id,
                customerId,
                chargeId,
                paymentIntentId,
                amount,
                currency,
                status,
                reason,
                created,
                newVersion,
                auditedByRequest);
    }
}
