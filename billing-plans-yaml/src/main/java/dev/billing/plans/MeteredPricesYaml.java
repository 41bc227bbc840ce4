package dev.billing.plans;

import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.catalog.MeteredPrice;
import dev.billing.core.model.catalog.PlanCatalog;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A tier's {@code meteredPrices}: per interval, the metered Stripe prices its subscriptions also carry, each on a
 * meter that reports to Stripe, by id or by {@code amount} + {@code currency} per unit of usage (then kept in Stripe
 * by the sync under {@code billing:metered:<tier>:<meter>:<interval>}). Read after the plans and items, whose prices
 * a metered price must not be.
 */
final class MeteredPricesYaml {
    static final String KEY = "meteredPrices";
    private static final Set<String> ENTRY_KEYS = Set.of("meter", "priceId", "amount", "currency");

    private final PlanCatalogYaml yaml;
    private final PricesYaml prices;
    private final MetersYaml meters;
    /** Metered price id -> where it was first listed, its interval and its meter (shared by tiers alike). */
    private final Map<String, Use> uses = new HashMap<>();

    private record Use(String where, BillingInterval interval, String meter) {}

    MeteredPricesYaml(PlanCatalogYaml yaml, PricesYaml prices, MetersYaml meters) {
        this.yaml = yaml;
        this.prices = prices;
        this.meters = meters;
    }

    void tier(String tier, Object value, PlanCatalog.Builder builder) {
        String where = "tiers." + tier + "." + KEY;
        if (!(value instanceof Map<?, ?> byInterval)) {
            yaml.problems.add(where + ": must be a mapping of month / year to a list of {meter, priceId} or "
                    + "{meter, amount, currency}");
            return;
        }
        for (Map.Entry<?, ?> entry : byInterval.entrySet()) {
            String path = where + "." + entry.getKey();
            BillingInterval interval = BillingInterval.parse(String.valueOf(entry.getKey()))
                    .filter(i -> i == BillingInterval.MONTH || i == BillingInterval.YEAR)
                    .orElse(null);
            if (interval == null) {
                yaml.problems.add(path + ": unknown interval (month or year)");
                continue;
            }
            if (!prices.intervals.getOrDefault(tier, Set.of()).contains(interval)) {
                yaml.problems.add(path + ": tier " + tier + " has no " + interval.stripeName() + "ly price for "
                        + "these to go with (set tiers." + tier + ".prices." + interval.stripeName() + ")");
                continue;
            }
            if (!(entry.getValue() instanceof List<?> list)) {
                yaml.problems.add(path + ": must be a list of {meter, priceId} or {meter, amount, currency}");
                continue;
            }
            Set<String> metersSeen = new HashSet<>();
            int i = 0;
            for (Object element : list) {
                MeteredPrice price = entry(tier, element, path + "[" + i++ + "]", interval, metersSeen);
                if (price != null) {
                    builder.meteredPrice(tier, interval, price);
                }
            }
        }
    }

    private MeteredPrice entry(
            String tier, Object element, String where, BillingInterval interval, Set<String> metersSeen) {
        if (!(element instanceof Map<?, ?> entry)) {
            yaml.problems.add(where + ": must be a mapping with meter and priceId, or meter, amount and currency");
            return null;
        }
        yaml.unknownKeys(entry, ENTRY_KEYS, where);
        String meter = yaml.text(entry.get("meter"), where + ".meter", true);
        boolean byId = entry.containsKey("priceId");
        boolean byAmount = entry.containsKey("amount") || entry.containsKey("currency");
        if (byId && byAmount) {
            yaml.problems.add(where + ": give priceId or amount + currency, not both");
            return null;
        }
        String priceId = byAmount ? null : yaml.text(entry.get("priceId"), where + ".priceId", true);
        boolean ok = meter != null && (byAmount || priceId != null);
        if (meter != null) {
            String place = meters.places.get(meter);
            if (place == null) {
                yaml.problems.add(where + ".meter: meter '" + meter + "' is not defined under meters"
                        + (meters.places.isEmpty()
                                ? " (there is no meters list)"
                                : " (defined: " + String.join(", ", new TreeSet<>(meters.places.keySet())) + ")"));
                ok = false;
            } else if (!meters.reporting.containsKey(meter)) {
                yaml.problems.add(where + ".meter: meter '" + meter + "' has no stripeEventName, so Stripe never "
                        + "hears of its usage and would bill nothing (set " + place + ".stripeEventName)");
                ok = false;
            } else if (!metersSeen.add(meter)) {
                yaml.problems.add(where + ".meter: meter '" + meter + "' already has a metered price for this "
                        + "interval (Stripe would bill its usage twice)");
                ok = false;
            }
        }
        if (byAmount) {
            // The amount is read even when the meter is wrong, so that all of the entry's problems show at once.
            Map<Object, Object> amount = new HashMap<>();
            amount.put("amount", entry.get("amount"));
            amount.put("currency", entry.get("currency"));
            if (ok) {
                // Its own lookup key per tier, meter and interval: never shared, so none of the id checks apply.
                priceId = prices.managed(
                        amount,
                        where,
                        PlanFile.meteredLookupKey(tier, meter, interval),
                        PlanFile.tierProductId(tier),
                        PlanFile.tierProductName(tier),
                        interval.stripeName(),
                        meters.reporting.get(meter));
            } else {
                prices.checkAmount(amount, where);
            }
            ok &= priceId != null;
        } else if (priceId != null) {
            ok &= checkPrice(priceId, where + ".priceId", interval, meter);
        }
        return ok ? new MeteredPrice(meter, priceId) : null;
    }

    private boolean checkPrice(String priceId, String where, BillingInterval interval, String meter) {
        if (!PricesYaml.PRICE_ID.matcher(priceId).matches()) {
            yaml.problems.add(where + ": '" + priceId + "' is not a Stripe price id (price_...)");
            return false;
        }
        String owner = prices.owner(priceId);
        if (owner != null) {
            yaml.problems.add(where + ": " + priceId + " is already used by " + owner + " (a metered price bills "
                    + "usage on top of a plan's price, so it cannot be a plan's or an item's price)");
            return false;
        }
        Use first = uses.putIfAbsent(priceId, new Use(where, interval, meter));
        if (first == null) {
            return true;
        }
        if (first.interval() != interval) {
            yaml.problems.add(where + ": " + priceId + " is listed under "
                    + first.interval().stripeName() + " at "
                    + first.where() + " (a Stripe price bills at one interval: give each interval its own metered "
                    + "price)");
            return false;
        }
        if (meter != null && first.meter() != null && !first.meter().equals(meter)) {
            yaml.problems.add(where + ": " + priceId + " is on meter '" + first.meter() + "' at " + first.where()
                    + " (a Stripe price belongs to one meter)");
            return false;
        }
        return true;
    }
}
