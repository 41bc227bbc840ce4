package dev.billing.core.payment;

import dev.billing.core.annotation.Internal;
import dev.billing.core.customer.EnsureCustomer;
import dev.billing.core.gateway.GatewayRetry;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Identity;
import dev.billing.core.model.payment.SetupIntent;
import dev.billing.core.port.PaymentGateway;
import java.util.UUID;

/**
 * Starts saving a payment method: a setup intent for the caller's customer (created if needed) whose client
 * secret the front end confirms with Stripe.js.
 *
 * <p>Usage: {@code SetupIntent intent = addPaymentMethod.start(identity);}
 */
public final class AddPaymentMethod {
    private final EnsureCustomer ensureCustomer;
    private final PaymentGateway gateway;
    private final GatewayRetry retry;

    @Internal
    public AddPaymentMethod(EnsureCustomer ensureCustomer, PaymentGateway gateway, GatewayRetry retry) {
        this.ensureCustomer = ensureCustomer;
        this.gateway = gateway;
        this.retry = retry;
    }

    public SetupIntent start(Identity identity) {
        CustomerId customer = ensureCustomer.ensure(identity).customerId();
        String key = "billing-setup-" + UUID.randomUUID();
        return retry.call(() -> gateway.createSetupIntent(customer, key));
    }
}
