package dev.billing.http;

import dev.billing.core.Billing;
import dev.billing.core.checkout.CheckoutCommand;
import dev.billing.core.checkout.CheckoutOutcome;
import dev.billing.core.customer.EnsuredCustomer;
import dev.billing.core.error.ConflictException;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.http.wire.Requests;
import dev.billing.http.wire.Responses;
import java.util.List;

/** The caller's Stripe customer, checkout, the billing portal and one-time purchases. */
final class AccountHandlers {
    private final Billing billing;

    AccountHandlers(Billing billing) {
        this.billing = billing;
    }

    Object customer(Call call) {
        call.body(Requests.Empty.class);
        EnsuredCustomer ensured = billing.ensureCustomer(call.identity());
        return new Responses.Customer(ensured.customerId().value(), ensured.created());
    }

    Object checkout(Call call) {
        Requests.Checkout body = call.body(Requests.Checkout.class);
        boolean plan = body.tier() != null;
        boolean item = body.priceId() != null;
        if (plan == item) {
            throw new InvalidRequestException(
                    "invalid_checkout",
                    "Send either tier and interval (a subscription) or priceId and quantity (a one-time item).");
        }
        CheckoutCommand command;
        if (plan) {
            if (body.quantity() != null) {
                throw new InvalidRequestException(
                        "invalid_quantity",
                        "quantity",
                        "quantity applies to one-time items (priceId), not to subscriptions.");
            }
            command = new CheckoutCommand.Subscribe(
                    body.tier(),
                    Inputs.interval(body.interval()),
                    body.successUrl(),
                    body.cancelUrl(),
                    body.promotionCode(),
                    body.seats());
        } else {
            if (body.interval() != null || body.promotionCode() != null || body.seats() != null) {
                throw new InvalidRequestException(
                        "invalid_checkout",
                        "interval, promotionCode and seats apply to subscriptions (tier), not to one-time items.");
            }
            command = new CheckoutCommand.Buy(
                    body.priceId(), body.quantity() == null ? 1 : body.quantity(), body.successUrl(), body.cancelUrl());
        }
        CheckoutOutcome outcome = billing.startCheckout(call.identity(), command);
        if (outcome instanceof CheckoutOutcome.AlreadySubscribed already) {
            throw new ConflictException(
                    "already_subscribed",
                    "You already have a subscription ("
                            + already.subscriptionId() + ", " + already.status().stripeName()
                            + "). Change or cancel it in the billing portal: POST " + portalPath(call) + ".");
        }
        var session = ((CheckoutOutcome.Started) outcome).session();
        return new Responses.CheckoutSession(session.id(), session.url());
    }

    /** The portal route next to this checkout route (the caller's own, or the organization's). */
    private static String portalPath(Call call) {
        String path = call.route().path().replace("/checkout", "/portal");
        return path.contains("{orgId}") ? path.replace("{orgId}", call.pathParam("orgId")) : path;
    }

    Object portal(Call call) {
        Requests.Portal body = call.body(Requests.Portal.class);
        return new Responses.Portal(billing.useCases()
                .openPortal()
                .open(call.user(), body.returnUrl())
                .url());
    }

    Object purchases(Call call) {
        PlanCatalog catalog = billing.useCases().entitlementPolicy().catalog();
        List<PaymentRefund> refunds = billing.useCases().listRefunds().of(call.user());
        List<Responses.PurchaseView> views = billing.useCases().listPurchases().of(call.user()).stream()
                .map(p -> Responses.PurchaseView.of(p, catalog, refunds))
                .toList();
        return new Responses.PurchaseList(views);
    }

    Object refunds(Call call) {
        return new Responses.UserRefundList(billing.useCases().listRefunds().of(call.user()).stream()
                .map(Responses.UserRefundView::of)
                .toList());
    }
}
