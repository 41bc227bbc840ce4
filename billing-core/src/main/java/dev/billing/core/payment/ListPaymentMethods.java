package dev.billing.core.payment;

import dev.billing.core.annotation.Internal;
import dev.billing.core.customer.Ownership;
import dev.billing.core.gateway.GatewayRetry;
import dev.billing.core.model.UserId;
import dev.billing.core.model.payment.PaymentMethod;
import dev.billing.core.port.PaymentGateway;
import java.util.List;

/**
 * The caller's saved payment methods (brand, last four, expiry; never card numbers).
 *
 * <p>Usage: {@code List<PaymentMethod> cards = listPaymentMethods.of(user);}
 */
public final class ListPaymentMethods {
    private final Ownership ownership;
    private final PaymentGateway gateway;
    private final GatewayRetry retry;

    @Internal
    public ListPaymentMethods(Ownership ownership, PaymentGateway gateway, GatewayRetry retry) {
        this.ownership = ownership;
        this.gateway = gateway;
        this.retry = retry;
    }

    public List<PaymentMethod> of(UserId user) {
        return ownership
                .customerOf(user)
                .map(customer -> retry.call(() -> gateway.listPaymentMethods(customer)))
                .orElse(List.of());
    }
}
