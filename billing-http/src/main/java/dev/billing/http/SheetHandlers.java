package dev.billing.http;

import dev.billing.core.Billing;
import dev.billing.core.checkout.SheetCommand;
import dev.billing.core.checkout.SheetOutcome;
import dev.billing.core.error.ConflictException;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.payment.SheetIntent;
import dev.billing.http.wire.Requests;
import dev.billing.http.wire.SheetResponses;

/** Stripe's mobile PaymentSheet: a plan, a one-time item, or a card to save (the caller's or an organization's). */
final class SheetHandlers {
    private final Billing billing;

    SheetHandlers(Billing billing) {
        this.billing = billing;
    }

    Object subscription(Call call) {
        Requests.SheetSubscription body = call.body(Requests.SheetSubscription.class);
        if (body == null || body.tier() == null) {
            throw new InvalidRequestException("missing_field", "tier", "tier is required.");
        }
        return answer(
                call,
                new SheetCommand.Subscribe(
                        body.tier(),
                        Inputs.interval(body.interval()),
                        body.promotionCode(),
                        body.seats(),
                        body.stripeVersion()));
    }

    Object purchase(Call call) {
        Requests.SheetPurchase body = call.body(Requests.SheetPurchase.class);
        if (body == null || body.priceId() == null) {
            throw new InvalidRequestException("missing_field", "priceId", "priceId is required.");
        }
        return answer(
                call,
                new SheetCommand.Buy(
                        body.priceId(), body.quantity() == null ? 1 : body.quantity(), body.stripeVersion()));
    }

    Object setup(Call call) {
        Requests.SheetSetup body = call.body(Requests.SheetSetup.class);
        return answer(call, new SheetCommand.SaveCard(body == null ? null : body.stripeVersion()));
    }

    private Object answer(Call call, SheetCommand command) {
        SheetOutcome outcome = billing.useCases().startPaymentSheet().start(call.identity(), command);
        if (outcome instanceof SheetOutcome.AlreadySubscribed already) {
            String portal = call.route().path().replaceAll("/sheet/.*", "/portal");
            if (portal.contains("{orgId}")) {
                portal = portal.replace("{orgId}", call.pathParam("orgId"));
            }
            throw new ConflictException(
                    "already_subscribed",
                    "You already have a subscription (" + already.subscriptionId() + ", "
                            + already.status().stripeName() + "). Change or cancel it instead: POST " + portal + ".");
        }
        SheetOutcome.Ready ready = (SheetOutcome.Ready) outcome;
        SheetIntent intent = ready.intent();
        boolean payment = intent.kind() == SheetIntent.Kind.PAYMENT;
        return new SheetResponses.PaymentSheet(
                ready.customerId().value(),
                ready.ephemeralKey().secret(),
                ready.publishableKey(),
                payment ? intent.clientSecret() : null,
                payment ? null : intent.clientSecret(),
                intent.id(),
                intent.status(),
                ready.subscriptionId(),
                ready.reused());
    }
}
