package dev.billing.core.usecase;

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

    public Refund refund(RefundRequest request) {
        return retry.call(() -> gateway.createRefund(request));
    }
}
