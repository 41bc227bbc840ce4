package dev.billing.http;

import dev.billing.core.Billing;
import dev.billing.core.model.payment.SetupIntent;
import dev.billing.http.wire.Requests;
import dev.billing.http.wire.Responses;

/** The caller's cards: list, add (a SetupIntent for Stripe.js), make default, remove. */
final class PaymentMethodHandlers {
    private final Billing billing;

    PaymentMethodHandlers(Billing billing) {
        this.billing = billing;
    }

    Object list(Call call) {
        return new Responses.PaymentMethodList(billing.useCases().listPaymentMethods().of(call.user()).stream()
                .map(Responses.PaymentMethodView::of)
                .toList());
    }

    Object setupIntent(Call call) {
        call.body(Requests.Empty.class);
        SetupIntent intent = billing.useCases().addPaymentMethod().start(call.identity());
        return new Responses.SetupIntent(intent.id(), intent.clientSecret());
    }

    Object makeDefault(Call call) {
        call.body(Requests.Empty.class);
        return Responses.PaymentMethodView.of(
                billing.useCases().setDefaultPaymentMethod().set(call.user(), call.pathParam("id")));
    }

    Object remove(Call call) {
        String id = call.pathParam("id");
        billing.useCases().removePaymentMethod().remove(call.user(), id);
        return new Responses.Deleted(id, true);
    }
}
