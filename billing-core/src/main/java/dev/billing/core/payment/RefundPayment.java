package dev.billing.core.payment;

import dev.billing.core.annotation.Internal;
import dev.billing.core.audit.AuditContext;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.gateway.GatewayRetry;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.audit.AuditRecord;
import dev.billing.core.model.payment.Refund;
import dev.billing.core.model.payment.RefundRequest;
import dev.billing.core.port.AuditLog;
import dev.billing.core.port.PaymentGateway;
import java.util.Map;

/**
 * Admin: refunds a payment in full or in part. The caller supplies the idempotency key (an admin tool's request
 * id), so a retried click refunds once and is audited once ({@code refund.created} per refund). The refund's own
 * projection comes from Stripe's {@code refund.created} webhook ({@code RefundEvents}), which records the entry too
 * when this request has not: the request's entry, naming the admin, takes the webhook's over
 * ({@code AuditAction.takenOverBy}), so the refund keeps one entry whichever comes first, and has one even when this
 * request fails after Stripe refunded. The refund is marked at Stripe as made by a request
 * ({@code billing_audited_by=request}).
 *
 * <p>Usage: {@code Refund r = refundPayment.refund(new RefundRequest("pi_123", null, null, requestId));}
 */
public final class RefundPayment {
    private final PaymentGateway gateway;
    private final AuditLog audit;
    private final GatewayRetry retry;

    @Internal
    public RefundPayment(PaymentGateway gateway, AuditLog audit, GatewayRetry retry) {
        this.gateway = gateway;
        this.audit = audit;
        this.retry = retry;
    }

    /**
     * @throws InvalidRequestException {@code refund_rejected} with Stripe's reason when Stripe refuses the refund as
     *                                 asked (more than is left to refund, a payment not succeeded...)
     */
    public Refund refund(RefundRequest request) {
        try {
            RefundRequest audited = new RefundRequest(
                    request.paymentIntentId(), request.amount(), request.reason(), request.idempotencyKey(), true);
            Refund refund = retry.call(() -> gateway.createRefund(audited));
            // A retried request (same key, a new request id) gets Stripe's same refund back: a refund's creation is
            // recorded once per refund, whatever the cause (AuditAction.oncePerEntity), so it records nothing more
            // than taking over the webhook's entry.
            audit.record(new AuditRecord(
                    AuditAction.REFUND_CREATED,
                    refund.id(),
                    null,
                    refund.customerId(), // so that the entry is in the customer's trail and export, as a webhook's
                    AuditContext.currentOr(AuditCause.admin(null)),
                    Map.of(
                            "payment_intent_id",
                            String.valueOf(refund.paymentIntentId()),
                            "amount",
                            Long.toString(refund.amount().amount()),
                            "currency",
                            refund.amount().currency(),
                            "status",
                            refund.status())));
            return refund;
        } catch (GatewayRejectedException e) {
            if (e.status() == 400 && !e.isIdempotencyConflict()) {
                throw new InvalidRequestException("refund_rejected", e.param(), e.getMessage());
            }
            throw e;
        }
    }
}
