package dev.billing.http;

import dev.billing.core.Billing;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.port.PaymentGateway.ProrationBehavior;
import dev.billing.http.wire.Requests;
import dev.billing.http.wire.Responses;

/** The caller's subscriptions: list, cancel, resume, change plan, apply a promotion code. Another user's subscription is a 404. */
final class SubscriptionHandlers {
    private final Billing billing;

    SubscriptionHandlers(Billing billing) {
        this.billing = billing;
    }

    Object list(Call call) {
        PlanCatalog catalog = catalog();
        return new Responses.SubscriptionList(billing.useCases().listSubscriptions().of(call.user()).stream()
                .map(s -> Responses.SubscriptionView.of(s, catalog))
                .toList());
    }

    Object cancel(Call call) {
        Requests.Cancel body = call.body(Requests.Cancel.class);
        boolean atPeriodEnd = body.atPeriodEnd() == null || body.atPeriodEnd();
        return Responses.SubscriptionView.of(
                billing.useCases().cancelSubscription().cancel(call.user(), call.pathParam("id"), atPeriodEnd),
                catalog());
    }

    Object resume(Call call) {
        call.body(Requests.Empty.class);
        return Responses.SubscriptionView.of(
                billing.useCases().resumeSubscription().resume(call.user(), call.pathParam("id")), catalog());
    }

    Object update(Call call) {
        Requests.ChangePlan body = call.body(Requests.ChangePlan.class);
        if (body.tier() == null) {
            throw new InvalidRequestException("missing_field", "tier", "tier is required.");
        }
        ProrationBehavior proration = proration(body.prorationBehavior());
        return Responses.SubscriptionView.of(
                billing.useCases()
                        .changePlan()
                        .change(
                                call.user(),
                                call.pathParam("id"),
                                body.tier(),
                                Inputs.interval(body.interval()),
                                proration),
                catalog());
    }

    Object discount(Call call) {
        Requests.Discount body = call.body(Requests.Discount.class);
        if (body.promotionCode() == null) {
            throw new InvalidRequestException("missing_field", "promotionCode", "promotionCode is required.");
        }
        return Responses.SubscriptionView.of(
                billing.useCases().applyPromotionCode().apply(call.user(), call.pathParam("id"), body.promotionCode()),
                catalog());
    }

    /** The account's per-seat plan's seats (organizations). */
    Object seats(Call call) {
        Requests.Seats body = call.body(Requests.Seats.class);
        if (body.seats() == null) {
            throw new InvalidRequestException("missing_field", "seats", "seats is required.");
        }
        return Responses.SubscriptionView.of(
                billing.useCases().changeSeats().change(call.user(), body.seats(), proration(body.prorationBehavior())),
                catalog());
    }

    private static ProrationBehavior proration(String value) {
        return value == null
                ? ProrationBehavior.CREATE_PRORATIONS
                : ProrationBehavior.parse(value)
                        .orElseThrow(() -> new InvalidRequestException(
                                "invalid_proration_behavior",
                                "prorationBehavior",
                                "prorationBehavior must be create_prorations, always_invoice or none."));
    }

    private PlanCatalog catalog() {
        return billing.useCases().entitlementPolicy().catalog();
    }
}
