package dev.billing.stripe;

import com.stripe.StripeClient;
import com.stripe.model.PromotionCode;
import com.stripe.model.StripeCollection;
import com.stripe.param.PromotionCodeListParams;
import com.stripe.param.checkout.SessionCreateParams;
import com.stripe.param.checkout.SessionListParams;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.subscription.CheckoutMode;
import dev.billing.core.model.subscription.CheckoutRequest;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.model.subscription.LineItem;
import dev.billing.core.model.subscription.PortalSession;
import java.util.List;
import java.util.Optional;

/** Stripe's hosted pages: checkout sessions (with their line items and promotion codes) and portal sessions. */
final class StripeCheckout {
    private final StripeClient client;
    private final StripeCalls calls;

    StripeCheckout(StripeClient client, StripeCalls calls) {
        this.client = client;
        this.calls = calls;
    }

    CheckoutSession createCheckoutSession(CheckoutRequest request) {
        SessionCreateParams.Builder params = SessionCreateParams.builder()
                .setMode(
                        switch (request.mode()) {
                            case SUBSCRIPTION -> SessionCreateParams.Mode.SUBSCRIPTION;
                            case PAYMENT -> SessionCreateParams.Mode.PAYMENT;
                            case SETUP -> SessionCreateParams.Mode.SETUP;
                        })
                .setSuccessUrl(request.successUrl())
                .setCancelUrl(request.cancelUrl());
        if (request.customerId() != null) {
            params.setCustomer(request.customerId().value());
        } else {
            // A guest: Stripe creates the customer at payment, with the email typed on its page.
            params.setCustomerCreation(SessionCreateParams.CustomerCreation.ALWAYS);
            if (request.customerEmail() != null) {
                params.setCustomerEmail(request.customerEmail());
            }
        }
        for (LineItem line : request.lineItems()) {
            params.addLineItem(lineItem(line));
        }
        if (request.clientReferenceId() != null) {
            params.setClientReferenceId(request.clientReferenceId());
        }
        if (!request.metadata().isEmpty()) {
            params.putAllMetadata(request.metadata());
        }
        if (request.mode() == CheckoutMode.SUBSCRIPTION
                && (!request.subscriptionMetadata().isEmpty() || request.trialDays() > 0)) {
            SessionCreateParams.SubscriptionData.Builder data = SessionCreateParams.SubscriptionData.builder();
            if (!request.subscriptionMetadata().isEmpty()) {
                data.putAllMetadata(request.subscriptionMetadata());
            }
            if (request.trialDays() > 0) {
                data.setTrialPeriodDays((long) request.trialDays());
            }
            params.setSubscriptionData(data.build());
        }
        if (request.automaticTax()) {
            automaticTax(params, request.customerId() != null);
        }
        if (request.promotionCode() != null) {
            params.addDiscount(SessionCreateParams.Discount.builder()
                    .setPromotionCode(promotionCodeId(request.promotionCode()))
                    .build());
        }
        com.stripe.model.checkout.Session session = calls.call(
                "create checkout session",
                () -> client.v1()
                        .checkout()
                        .sessions()
                        .create(params.build(), StripeCalls.keyed(request.idempotencyKey())));
        return calls.read("create checkout session", session, StripeObjects::checkoutSession);
    }

    /**
     * Stripe Tax needs the buyer's address; with an existing customer Stripe refuses automatic tax unless Checkout
     * may save the address (and the name a tax id comes with) back onto that customer.
     */
    private static void automaticTax(SessionCreateParams.Builder params, boolean existingCustomer) {
        params.setAutomaticTax(SessionCreateParams.AutomaticTax.builder()
                        .setEnabled(true)
                        .build())
                .setTaxIdCollection(SessionCreateParams.TaxIdCollection.builder()
                        .setEnabled(true)
                        .build())
                .setBillingAddressCollection(SessionCreateParams.BillingAddressCollection.REQUIRED);
        if (existingCustomer) {
            params.setCustomerUpdate(SessionCreateParams.CustomerUpdate.builder()
                    .setAddress(SessionCreateParams.CustomerUpdate.Address.AUTO)
                    .setName(SessionCreateParams.CustomerUpdate.Name.AUTO)
                    .build());
        }
    }

    private static SessionCreateParams.LineItem lineItem(LineItem line) {
        if (line instanceof LineItem.OfPrice ofPrice) {
            return SessionCreateParams.LineItem.builder()
                    .setPrice(ofPrice.priceId())
                    .setQuantity(ofPrice.quantity())
                    .build();
        }
        if (line instanceof LineItem.Metered metered) {
            // Stripe refuses a quantity on a metered price: usage sets what is billed.
            return SessionCreateParams.LineItem.builder()
                    .setPrice(metered.priceId())
                    .build();
        }
        LineItem.OfAmount ofAmount = (LineItem.OfAmount) line;
        return SessionCreateParams.LineItem.builder()
                .setPriceData(SessionCreateParams.LineItem.PriceData.builder()
                        .setProduct(ofAmount.productId())
                        .setUnitAmount(ofAmount.unitAmount().amount())
                        .setCurrency(ofAmount.unitAmount().currency())
                        .build())
                .setQuantity(ofAmount.quantity())
                .build();
    }

    /**
     * A {@code promo_...} id is used as is; a customer-facing code is looked up among the active promotion codes
     * (Stripe matches codes case-insensitively).
     */
    String promotionCodeId(String codeOrId) {
        if (codeOrId.startsWith("promo_")) {
            return codeOrId;
        }
        PromotionCodeListParams params = PromotionCodeListParams.builder()
                .setCode(codeOrId)
                .setActive(true)
                .setLimit(1L)
                .build();
        StripeCollection<PromotionCode> found = calls.call(
                "look up promotion code", () -> client.v1().promotionCodes().list(params));
        Optional<String> id = calls.read(
                "look up promotion code",
                found,
                f -> f.getData().stream().findFirst().map(PromotionCode::getId));
        return id.orElseThrow(() -> new GatewayRejectedException(
                "No active promotion code '" + codeOrId + "'.",
                400,
                GatewayRejectedException.RESOURCE_MISSING,
                "promotion_code"));
    }

    Optional<CheckoutSession> getCheckoutSession(String sessionId) {
        return calls.find(
                        "retrieve checkout session",
                        sessionId,
                        () -> client.v1().checkout().sessions().retrieve(sessionId))
                .map(s -> calls.read("retrieve checkout session", s, StripeObjects::checkoutSession));
    }

    /** Stripe lists newest first; one page of 100 is more than a customer ever has open. */
    List<CheckoutSession> listOpenCheckoutSessions(CustomerId customerId) {
        SessionListParams params = SessionListParams.builder()
                .setCustomer(customerId.value())
                .setStatus(SessionListParams.Status.OPEN)
                .setLimit((long) StripeCalls.MAX_PAGE)
                .build();
        StripeCollection<com.stripe.model.checkout.Session> page = calls.call(
                "list checkout sessions",
                () -> client.v1().checkout().sessions().list(params));
        return calls.read(
                "list checkout sessions",
                page,
                p -> p.getData() == null
                        ? List.<CheckoutSession>of()
                        : p.getData().stream()
                                .filter(s -> "open".equals(s.getStatus()))
                                .map(StripeObjects::checkoutSession)
                                .toList());
    }

    /**
     * Stripe refuses (400) to expire a session that is not open; that refusal, confirmed by reading the session, is
     * "no longer open" rather than a failure.
     */
    boolean expireCheckoutSession(String sessionId) {
        StripeCalls.requireId(sessionId, "sessionId");
        try {
            calls.call(
                    "expire checkout session",
                    () -> client.v1().checkout().sessions().expire(sessionId));
            return true;
        } catch (GatewayRejectedException e) {
            if (e.status() != 400
                    || getCheckoutSession(sessionId)
                            .map(s -> "open".equals(s.status()))
                            .orElse(true)) {
                throw e;
            }
            return false;
        }
    }

    PortalSession createPortalSession(CustomerId customerId, String returnUrl) {
        com.stripe.param.billingportal.SessionCreateParams params =
                com.stripe.param.billingportal.SessionCreateParams.builder()
                        .setCustomer(customerId.value())
                        .setReturnUrl(returnUrl)
                        .build();
        com.stripe.model.billingportal.Session session = calls.call(
                "create portal session",
                () -> client.v1().billingPortal().sessions().create(params));
        return calls.read("create portal session", session, s -> new PortalSession(s.getId(), s.getUrl()));
    }
}
