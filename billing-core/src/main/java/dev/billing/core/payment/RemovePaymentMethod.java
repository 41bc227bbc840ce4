package dev.billing.core.payment;

import dev.billing.core.annotation.Internal;
import dev.billing.core.customer.Ownership;
import dev.billing.core.gateway.GatewayRetry;
import dev.billing.core.model.UserId;
import dev.billing.core.port.PaymentGateway;

/**
 * Detaches one of the caller's payment methods.
 *
 * <p>Usage: {@code removePaymentMethod.remove(user, "pm_123");}
 */
public final class RemovePaymentMethod {
    private final Ownership ownership;
    private final PaymentGateway gateway;
    private final GatewayRetry retry;

    @Internal
    public RemovePaymentMethod(Ownership ownership, PaymentGateway gateway, GatewayRetry retry) {
        this.ownership = ownership;
        this.gateway = gateway;
        this.retry = retry;
    }

    public void remove(UserId user, String paymentMethodId) {
        ownership.paymentMethod(user, paymentMethodId);
        retry.run(() -> gateway.detachPaymentMethod(paymentMethodId));
    }
}
