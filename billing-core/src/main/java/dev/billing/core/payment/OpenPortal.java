package dev.billing.core.payment;

import dev.billing.core.annotation.Internal;
import dev.billing.core.checkout.RedirectPolicy;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.customer.Ownership;
import dev.billing.core.gateway.GatewayRetry;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.UserId;
import dev.billing.core.model.subscription.PortalSession;
import dev.billing.core.port.PaymentGateway;

/**
 * A Stripe customer-portal session for the caller; the return URL must be on an allowed origin.
 *
 * <p>Usage: {@code PortalSession portal = openPortal.open(user, "https://app.example.com/account");}
 */
public final class OpenPortal {
    private final Ownership ownership;
    private final PaymentGateway gateway;
    private final RedirectPolicy redirects;
    private final BillingOptions options;
    private final GatewayRetry retry;

    @Internal
    public OpenPortal(
            Ownership ownership,
            PaymentGateway gateway,
            RedirectPolicy redirects,
            BillingOptions options,
            GatewayRetry retry) {
        this.ownership = ownership;
        this.gateway = gateway;
        this.redirects = redirects;
        this.options = options;
        this.retry = retry;
    }

    public PortalSession open(UserId user, String returnUrl) {
        String url = redirects.check(
                returnUrl == null || returnUrl.isBlank() ? options.defaultReturnUrl() : returnUrl, "returnUrl");
        CustomerId customer = ownership.requireCustomer(user);
        return retry.call(() -> gateway.createPortalSession(customer, url));
    }
}
