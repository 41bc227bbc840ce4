package dev.billing.stripe;

import static dev.billing.stripe.StripeJson.flag;
import static dev.billing.stripe.StripeJson.idOf;
import static dev.billing.stripe.StripeJson.instant;
import static dev.billing.stripe.StripeJson.integer;
import static dev.billing.stripe.StripeJson.metadata;
import static dev.billing.stripe.StripeJson.object;
import static dev.billing.stripe.StripeJson.required;
import static dev.billing.stripe.StripeJson.text;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionPricing;
import dev.billing.core.model.subscription.SubscriptionStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * Decodes a subscription from a webhook's raw JSON ({@link StripeJson}), and what its {@code previous_attributes}
 * say an update changed. Where Stripe moved the period, both places are read: the first licensed item's, else the
 * subscription's own (before 2025-03-31). A field read here must be in {@link StripeJson#WANTED} (or
 * {@link StripeJson#PREVIOUS}), or it reads as absent.
 */
final class StripeSubscriptionJson {
    private StripeSubscriptionJson() {}

    static Subscription subscription(JsonObject s, SourceVersion version) {
        JsonObject item = firstItem(s);
        String priceId = null;
        long quantity = 0;
        SubscriptionPricing pricing = null;
        Instant periodStart = instant(s, "current_period_start");
        Instant periodEnd = instant(s, "current_period_end");
        if (item != null) {
            priceId = Optional.ofNullable(idOf(item, "price")).orElse(idOf(item, "plan"));
            Long q = integer(item, "quantity");
            quantity = q == null ? 1 : q;
            pricing = pricing(object(item, "price"), coupon(s));
            if (item.has("current_period_start") || item.has("current_period_end")) {
                periodStart = instant(item, "current_period_start");
                periodEnd = instant(item, "current_period_end");
            }
        }
        return new Subscription(
                required(text(s, "id"), "id"),
                CustomerId.of(required(idOf(s, "customer"), "customer")),
                SubscriptionStatus.fromStripe(text(s, "status")),
                priceId,
                quantity,
                periodStart,
                periodEnd,
                flag(s, "cancel_at_period_end"),
                instant(s, "cancel_at"),
                instant(s, "canceled_at"),
                instant(s, "ended_at"),
                instant(s, "trial_start"),
                instant(s, "trial_end"),
                required(instant(s, "created"), "created"),
                metadata(s),
                version,
                pricing);
    }

    private static SubscriptionPricing pricing(JsonObject price, JsonObject coupon) {
        JsonObject recurring = object(price, "recurring");
        if (price == null || recurring == null) {
            return null;
        }
        JsonElement percent = coupon == null ? null : coupon.get("percent_off");
        return StripeObjects.pricing(
                text(price, "currency"),
                integer(price, "unit_amount"),
                text(recurring, "interval"),
                integer(recurring, "interval_count"),
                text(recurring, "usage_type"),
                percent == null || percent.isJsonNull() ? null : percent.getAsBigDecimal(),
                coupon == null ? null : integer(coupon, "amount_off"),
                coupon == null ? null : text(coupon, "currency"));
    }

    /**
     * Whether the subscription names discounts but none carries its coupon as an object: a webhook's payload gives
     * the discounts' ids only, so the snapshot cannot say what they take off.
     */
    static boolean couponsUnknown(JsonObject subscription) {
        JsonElement discounts = subscription.get("discounts");
        return discounts != null
                && discounts.isJsonArray()
                && !discounts.getAsJsonArray().isEmpty()
                && coupon(subscription) == null;
    }

    /** The coupon of the first discount that carries one as an object (expanded, or the older {@code discount}). */
    private static JsonObject coupon(JsonObject subscription) {
        JsonElement discounts = subscription.get("discounts");
        if (discounts != null && discounts.isJsonArray()) {
            for (JsonElement d : discounts.getAsJsonArray()) {
                if (d.isJsonObject()) {
                    JsonObject coupon = object(object(d.getAsJsonObject(), "source"), "coupon");
                    coupon = coupon != null ? coupon : object(d.getAsJsonObject(), "coupon");
                    if (coupon != null) {
                        return coupon;
                    }
                }
            }
        }
        return object(object(subscription, "discount"), "coupon");
    }

    private static JsonObject firstItem(JsonObject subscription) {
        JsonObject items = object(subscription, "items");
        JsonElement data = items == null ? null : items.get("data");
        if (data == null || !data.isJsonArray()) {
            return null;
        }
        JsonArray array = data.getAsJsonArray();
        // The plan is the first licensed item (metered items bill usage), as StripeObjects reads it.
        for (JsonElement element : array) {
            if (element.isJsonObject()) {
                JsonObject recurring = object(object(element.getAsJsonObject(), "price"), "recurring");
                JsonElement usage = recurring == null ? null : recurring.get("usage_type");
                if (usage == null || !usage.isJsonPrimitive() || !"metered".equals(usage.getAsString())) {
                    return element.getAsJsonObject();
                }
            }
        }
        return array.isEmpty() || !array.get(0).isJsonObject()
                ? null
                : array.get(0).getAsJsonObject();
    }

    /**
     * What {@code previous} says changed; an earlier {@code latest_invoice} means the update made an invoice of its
     * own (the difference invoiced at once), which is the subscription's latest now.
     */
    static EventObject.SubscriptionChange change(JsonObject object, JsonObject previous) {
        if (previous == null) {
            return EventObject.SubscriptionChange.NONE;
        }
        String priceId = null;
        if (previous.has("items")) {
            JsonObject item = firstItem(previous);
            priceId = item == null
                    ? null
                    : Optional.ofNullable(idOf(item, "price")).orElse(idOf(item, "plan"));
        } else if (previous.has("plan")) {
            priceId = idOf(previous, "plan");
        }
        String status = text(previous, "status");
        String invoiceId = previous.has("latest_invoice") ? idOf(object, "latest_invoice") : null;
        return new EventObject.SubscriptionChange(
                priceId,
                previous.has("cancel_at_period_end") ? flag(previous, "cancel_at_period_end") : null,
                status == null ? null : SubscriptionStatus.fromStripe(status),
                invoiceId);
    }
}
