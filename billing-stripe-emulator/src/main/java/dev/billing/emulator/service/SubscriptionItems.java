package dev.billing.emulator.service;

import static dev.billing.emulator.service.SubscriptionShape.metered;
import static dev.billing.emulator.service.SubscriptionShape.recurringOf;

import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.state.Ids;
import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.Json;
import dev.billing.emulator.wire.Params;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Requested items ({@code items[n]}, {@code line_items[n]}) turned into prices and quantities, and
 * the subscription item objects built from them; shared by subscriptions, their updates and
 * checkout.
 */
public final class SubscriptionItems {
    private final EmulatorState s;
    private final Products products;

    public SubscriptionItems(EmulatorState state, Products products) {
        this.s = state;
        this.products = products;
    }

    /** A requested subscription item. */
    public record ItemSpec(Map<String, Object> price, Long quantity, Map<String, Object> metadata) {}

    /** Parses {@code items[n][price|quantity|metadata]} / {@code line_items[n]...} into specs. */
    public List<ItemSpec> itemSpecs(List<Params> items, boolean requireRecurring) {
        List<ItemSpec> specs = new ArrayList<>();
        for (Params item : items) {
            Map<String, Object> price = requestedPrice(item);
            if (price == null) {
                throw ApiError.missingParam(item.name("price"));
            }
            if (!Boolean.TRUE.equals(price.get("active")) && item.strOrNull("price") != null) {
                throw ApiError.invalid(
                        "The price specified is inactive. This field only accepts active prices.", item.name("price"));
            }
            if (requireRecurring) {
                requireRecurring(price, item);
            }
            specs.add(new ItemSpec(price, quantity(price, item), Params.metadataFrom(item, "metadata")));
        }
        return specs;
    }

    /** The {@code price} or {@code price_data} of one item, or null when it names neither. */
    Map<String, Object> requestedPrice(Params item) {
        String priceId = item.strOrNull("price");
        if (priceId != null) {
            return s.store.require("price", priceId, item.name("price"));
        }
        if (item.sub("price_data") != null) {
            return inlinePrice(item.sub("price_data"));
        }
        return null;
    }

    static void requireRecurring(Map<String, Object> price, Params item) {
        if (recurringOf(price) == null) {
            throw ApiError.invalid(
                    "The price specified is set to `type=one_time` but this field only "
                            + "accepts prices with `type=recurring`.",
                    item.name("price"));
        }
    }

    /** Metered prices take no quantity; licensed ones default to 1 and may not go below 0. */
    private static Long quantity(Map<String, Object> price, Params item) {
        Long quantity = item.lng("quantity");
        if (metered(price)) {
            if (quantity != null) {
                throw ApiError.invalid(
                        "Quantity should not be specified where usage_type is `metered`.", item.name("quantity"));
            }
            return null;
        }
        quantity = quantity == null ? 1L : quantity;
        if (quantity < 0) {
            throw ApiError.invalid("Invalid quantity: must be at least 0", item.name("quantity"));
        }
        return quantity;
    }

    /** A {@code price_data} price: created inactive, like Stripe's inline prices. */
    Map<String, Object> inlinePrice(Params priceData) {
        Map<String, Object> raw = new LinkedHashMap<>(priceData.raw());
        raw.put("active", "false");
        return products.createPrice(new Params(raw), false);
    }

    /** A subscription item (not stored yet) for the period {@code start..end}. */
    Map<String, Object> newItem(String subId, ItemSpec spec, long start, long end) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", Ids.next("si"));
        item.put("object", "subscription_item");
        item.put("billing_thresholds", null);
        item.put("created", s.now());
        item.put("current_period_end", end);
        item.put("current_period_start", start);
        item.put("discounts", new ArrayList<>());
        item.put("metadata", spec.metadata() == null ? new LinkedHashMap<String, Object>() : spec.metadata());
        item.put("plan", plan(spec.price()));
        item.put("price", Json.deepCopy(spec.price()));
        item.put("quantity", spec.quantity());
        item.put("subscription", subId);
        item.put("tax_rates", new ArrayList<>());
        return item;
    }

    /** The legacy {@code plan} view of a recurring price, still present on subscription items. */
    static Map<String, Object> plan(Map<String, Object> price) {
        Map<String, Object> rec = recurringOf(price);
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("id", price.get("id"));
        plan.put("object", "plan");
        plan.put("active", price.get("active"));
        plan.put("amount", price.get("unit_amount"));
        plan.put("amount_decimal", price.get("unit_amount_decimal"));
        plan.put("billing_scheme", "per_unit");
        plan.put("created", price.get("created"));
        plan.put("currency", price.get("currency"));
        plan.put("interval", rec.get("interval"));
        plan.put("interval_count", rec.get("interval_count"));
        plan.put("livemode", false);
        plan.put("metadata", Json.deepCopy(price.get("metadata")));
        plan.put("meter", rec.get("meter"));
        plan.put("nickname", price.get("nickname"));
        plan.put("product", price.get("product"));
        plan.put("tiers_mode", null);
        plan.put("transform_usage", null);
        plan.put("trial_period_days", null);
        plan.put("usage_type", rec.get("usage_type"));
        return plan;
    }
}
