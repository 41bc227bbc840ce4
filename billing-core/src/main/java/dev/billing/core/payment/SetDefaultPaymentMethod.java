package dev.billing.core.payment;

import dev.billing.core.annotation.Internal;
import dev.billing.core.customer.Ownership;
import dev.billing.core.gateway.GatewayRetry;
import dev.billing.core.model.UserId;
import dev.billing.core.model.payment.PaymentMethod;
import dev.billing.core.port.PaymentGateway;

/**
 * Makes one of the caller's payment methods the default for invoices.
 *
 * <p>Usage: {@code PaymentMethod pm = setDefaultPaymentMethod.set(user, "pm_123");}
 */
public final class SetDefaultPaymentMethod {
    private final Ownership ownership;
    private final PaymentGateway gateway;
    private final GatewayRetry retry;

    @Internal
    public SetDefaultPaymentMethod(Ownership ownership, PaymentGateway gateway, GatewayRetry retry) {
        this.ownership = ownership;
        this.gateway = gateway;
        this.retry = retry;
    }

    public PaymentMethod set(UserId user, String paymentMethodId) {
        PaymentMethod method = ownership.paymentMethod(user, paymentMethodId);
        retry.run(() -> gateway.setDefaultPaymentMethod(method.customerId(), paymentMethodId));
        return method.asDefault(true);
    }
}
