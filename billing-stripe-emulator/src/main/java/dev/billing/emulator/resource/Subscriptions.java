package dev.billing.emulator.resource;

import static dev.billing.emulator.service.SubscriptionShape.itemPrice;
import static dev.billing.emulator.service.SubscriptionShape.itemsOf;

import dev.billing.emulator.service.Discounts;
import dev.billing.emulator.service.SubscriptionItems;
import dev.billing.emulator.service.SubscriptionItems.ItemSpec;
import dev.billing.emulator.service.SubscriptionLifecycle;
import dev.billing.emulator.service.SubscriptionShape;
import dev.billing.emulator.service.SubscriptionUpdates;
import dev.billing.emulator.service.Taxes;
import dev.billing.emulator.service.TimeEffects;
import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.state.Lists;
import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.Params;
import dev.billing.emulator.wire.Routes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The subscriptions and subscription items API: creating a subscription from the API's parameters,
 * listing, reading and canceling. What creating and canceling do is {@link SubscriptionLifecycle}'s
 * (checkout, customer deletion and the clock need them too); changes to an existing subscription are
 * {@link SubscriptionUpdates}; what time does to it is {@link TimeEffects}.
 */
public final class Subscriptions {
    private final EmulatorState s;
    private final SubscriptionItems items;
    private final Discounts discounts;
    private final SubscriptionLifecycle lifecycle;
    private final SubscriptionUpdates updates;

    public Subscriptions(
            EmulatorState state,
            SubscriptionItems items,
            Discounts discounts,
            SubscriptionLifecycle lifecycle,
            SubscriptionUpdates updates) {
        this.s = state;
        this.items = items;
        this.discounts = discounts;
        this.lifecycle = lifecycle;
        this.updates = updates;
    }

    public void register(Routes r) {
        r.add("POST", "/v1/subscriptions", c -> createFromApi(c.params()));
        r.add("GET", "/v1/subscriptions", c -> list(c.params()));
        r.add(
                "GET",
                "/v1/subscriptions/{id}",
                c -> s.render(
                        s.store.require("subscription", c.var("id"), "id"),
                        c.params().expand()));
        r.add("POST", "/v1/subscriptions/{id}", c -> updates.update(c.var("id"), c.params()));
        r.add("DELETE", "/v1/subscriptions/{id}", c -> {
            Map<String, Object> sub = s.store.require("subscription", c.var("id"), "id");
            if ("canceled".equals(sub.get("status"))) {
                throw ApiError.invalid(
                        "A canceled subscription can only update its cancellation_details " + "and metadata.", null);
            }
            lifecycle.cancelNow(sub, "cancellation_requested");
            return s.render(sub, c.params().expand());
        });
        r.add("GET", "/v1/subscription_items", c -> {
            String subId = c.params().requireStr("subscription");
            Map<String, Object> sub = s.store.require("subscription", subId, "subscription");
            List<Map<String, Object>> subItems = new ArrayList<>(itemsOf(sub));
            Collections.reverse(subItems);
            return Lists.page(s, "/v1/subscription_items", subItems, c.params());
        });
        r.add(
                "GET",
                "/v1/subscription_items/{id}",
                c -> s.render(
                        s.store.require("subscription_item", c.var("id"), "id"),
                        c.params().expand()));
    }

    private Map<String, Object> createFromApi(Params p) {
        String customerId = p.requireStr("customer");
        Map<String, Object> customer = s.store.require("customer", customerId, "customer");
        List<ItemSpec> specs = items.itemSpecs(p.subList("items"), true);
        if (specs.isEmpty()) {
            throw ApiError.missingParam("items");
        }
        Long trialEnd = requestedTrialEnd(p);
        String defaultPm = p.strOrNull("default_payment_method");
        if (defaultPm != null) {
            Map<String, Object> pm = s.store.require("payment_method", defaultPm, "default_payment_method");
            if (!customerId.equals(pm.get("customer"))) {
                throw ApiError.invalid("The PaymentMethod must be attached to the customer.", "default_payment_method");
            }
        }
        String behavior = p.oneOf(
                "payment_behavior",
                "allow_incomplete",
                "allow_incomplete",
                "default_incomplete",
                "error_if_incomplete",
                "pending_if_incomplete");
        String collection =
                p.oneOf("collection_method", "charge_automatically", "charge_automatically", "send_invoice");
        List<String> discountIds = discounts.discountIds(p.subList("discounts"), customerId);
        Map<String, Object> sub = lifecycle.createSubscription(
                customer,
                specs,
                List.of(),
                trialEnd,
                Params.metadataFrom(p, "metadata"),
                defaultPm,
                discountIds,
                behavior,
                collection,
                p.lng("days_until_due"),
                p.strOrNull("description"),
                Taxes.requested(p));
        if (p.bool("cancel_at_period_end", false)) {
            updates.update((String) sub.get("id"), new Params(Map.of("cancel_at_period_end", "true")));
        }
        Params trialSettings = p.sub("trial_settings");
        Params endBehavior = trialSettings == null ? null : trialSettings.sub("end_behavior");
        if (endBehavior != null) {
            String missing =
                    endBehavior.oneOf("missing_payment_method", "create_invoice", "cancel", "create_invoice", "pause");
            SubscriptionShape.trialEndBehavior(sub).put("missing_payment_method", missing);
        }
        Params settings = p.sub("payment_settings");
        if (settings != null && "on_subscription".equals(settings.strOrNull("save_default_payment_method"))) {
            SubscriptionShape.paymentSettings(sub).put("save_default_payment_method", "on_subscription");
        }
        return s.render(sub, p.expand());
    }

    /** {@code trial_end} (a future timestamp) or else {@code trial_period_days}; null for no trial. */
    private Long requestedTrialEnd(Params p) {
        Long trialEnd = null;
        String trialEndParam = p.strOrNull("trial_end");
        if (trialEndParam != null && !"now".equals(trialEndParam)) {
            trialEnd = p.lng("trial_end");
            if (trialEnd <= s.now()) {
                throw ApiError.invalid(
                        "Invalid timestamp: must be an integer Unix timestamp in the future.", "trial_end");
            }
        }
        Long trialDays = p.lng("trial_period_days");
        if (trialEnd == null && trialDays != null && trialDays > 0) {
            trialEnd = s.now() + trialDays * 86400;
        }
        return trialEnd;
    }

    private Map<String, Object> list(Params p) {
        String customer = p.strOrNull("customer");
        String status = p.oneOf(
                "status",
                null,
                "active",
                "all",
                "canceled",
                "ended",
                "incomplete",
                "incomplete_expired",
                "past_due",
                "paused",
                "trialing",
                "unpaid");
        String price = p.strOrNull("price");
        return Lists.page(
                s,
                "/v1/subscriptions",
                s.store.newestFirst("subscription", o -> {
                    String st = (String) o.get("status");
                    boolean statusOk = status == null
                            ? !"canceled".equals(st) && !"incomplete_expired".equals(st)
                            : "all".equals(status)
                                    || ("ended".equals(status)
                                            ? "canceled".equals(st) || "incomplete_expired".equals(st)
                                            : status.equals(st));
                    boolean priceOk = price == null
                            || itemsOf(o).stream()
                                    .anyMatch(i -> price.equals(itemPrice(i).get("id")));
                    return statusOk && priceOk && (customer == null || customer.equals(o.get("customer")));
                }),
                p);
    }
}
