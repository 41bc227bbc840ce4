package dev.billing.core.usecase;

import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.Refund;
import dev.billing.core.model.RefundRequest;
import dev.billing.core.port.PaymentGateway;

/**
 * Admin: refunds a payment in full or in part. The caller supplies the idempotency key (an admin tool's request
 * id), so a retried click refunds once.
 *
 * <p>Usage: {@code Refund r = refundPayment.refund(new RefundRequest("pi_123", null, null, requestId));}
 */
public final class RefundPayment {
    private final PaymentGateway gateway;
    private final GatewayRetry retry;

    RefundPayment(PaymentGateway gateway, GatewayRetry retry) {
        this.gateway = gateway;
        this.retry = retry;
    }

    /**
     * @throws InvalidRequestException {@code refund_rejected} with Stripe's reason when Stripe refuses the refund as
     *                                 asked (more than is left to refund, a payment not succeeded...)
     */
    public Refund refund(RefundRequest request) {
        try {
            return retry.call(() -> gateway.createRefund(request));
        } catch (GatewayRejectedException e) {
            if (e.status() == 400 && !e.isIdempotencyConflict()) {
                throw new InvalidRequestException("refund_rejected", e.param(), e.getMessage());
            }
            throw e;
        }
    }
}
