package dev.billing.http;

import dev.billing.core.Billing;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.http.wire.Requests;
import dev.billing.http.wire.Responses;

/**
 * {@code POST /guest/checkout}: Checkout for an item open to guests, without a session token, under a per-IP limit
 * of its own (each call creates a Stripe session). {@code POST /me/guest-purchases/claim}: the signed-in user with
 * the buyer's verified email takes those purchases.
 */
final class GuestHandlers {
    private final Billing billing;
    private final RateLimiter perIp;

    GuestHandlers(Billing billing, RateLimiter perIp) {
        this.billing = billing;
        this.perIp = perIp;
    }

    Object checkout(Call call) {
        perIp.check(call.clientIp());
        Requests.GuestCheckout body = call.body(Requests.GuestCheckout.class);
        if (body.priceId() == null) {
            throw new InvalidRequestException("missing_field", "priceId", "priceId is required.");
        }
        CheckoutSession session = billing.useCases()
                .guestPurchases()
                .checkout(
                        body.priceId(),
                        body.quantity() == null ? 1 : body.quantity(),
                        body.email(),
                        body.successUrl(),
                        body.cancelUrl());
        return new Responses.CheckoutSession(session.id(), session.url());
    }

    Object claim(Call call) {
        PlanCatalog catalog = billing.useCases().entitlementPolicy().catalog();
        return new Responses.GuestPurchaseList(billing.useCases().guestPurchases().claim(call.identity()).stream()
                .map(p -> Responses.GuestPurchaseView.of(p, catalog))
                .toList());
    }
}
