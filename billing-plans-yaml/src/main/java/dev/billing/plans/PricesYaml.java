package dev.billing.plans;

import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.catalog.PlanCatalog;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The prices of a plan file: a Stripe price id per tier interval and item (from the file or its variables), or an
 * {@code amount} + {@code currency} that {@code billing-server stripe apply} creates in Stripe under a stable lookup
 * key ({@link PlanFile.ManagedPrice}). A priced-by-amount entry becomes an id through the resolver; without one
 * (checking a file, planning a sync) it gets a placeholder id, so that the rest of the catalog is still validated.
 */
final class PricesYaml {
    static final Pattern PRICE_ID = Pattern.compile("[A-Za-z0-9_]{1,255}");
    private static final Pattern CURRENCY = Pattern.compile("[a-z]{3}");
    private static final Set<String> INTERVAL_KEYS = Set.of("month", "year");
    private static final Set<String> AMOUNT_KEYS = Set.of("amount", "currency");
    /** Stripe's largest {@code unit_amount} (8 digits). */
    static final int MAX_AMOUNT = 99_999_999;

    private final PlanCatalogYaml yaml;
    /** Lookup key -> price id; null: placeholder ids. */
    private final Function<String, Optional<String>> resolver;
    /** Price id -> the path that first used it (plans and items share one namespace). */
    private final Map<String, String> priceOwners = new HashMap<>();

    final List<PlanFile.ManagedPrice> managed = new ArrayList<>();
    /** Tier -> the intervals it has a price for. */
    final Map<String, Set<BillingInterval>> intervals = new HashMap<>();

    PricesYaml(PlanCatalogYaml yaml, Function<String, Optional<String>> resolver) {
        this.yaml = yaml;
        this.resolver = resolver;
    }

    void tierPrices(String tier, Object value, String where, boolean required, PlanCatalog.Builder builder) {
        Map<?, ?> prices = Map.of();
        if (value != null) {
            if (!(value instanceof Map<?, ?> m)) {
                yaml.problems.add(
                        where + ": must be a mapping of month / year to a Stripe price id or " + "{amount, currency}");
                return;
            }
            prices = m;
        }
        for (Object key : prices.keySet()) {
            if (!INTERVAL_KEYS.contains(String.valueOf(key))) {
                yaml.problems.add(where + "." + key + ": unknown interval (month or year)");
            }
        }
        int found = 0;
        boolean broken = false;
        for (BillingInterval interval : List.of(BillingInterval.MONTH, BillingInterval.YEAR)) {
            String path = where + "." + interval.stripeName();
            String priceId;
            String shownAs = path;
            int before = yaml.problems.size();
            if (prices.get(interval.stripeName()) instanceof Map<?, ?> amount) {
                priceId = managed(
                        amount,
                        path,
                        PlanFile.tierLookupKey(tier, interval),
                        PlanFile.tierProductId(tier),
                        PlanFile.tierProductName(tier),
                        interval.stripeName(),
                        null);
            } else if (prices.containsKey(interval.stripeName())) {
                priceId = yaml.text(prices.get(interval.stripeName()), path, true);
            } else {
                String variable = priceVariable(tier, interval);
                priceId = optionalVariable(variable);
                shownAs = variable + " (for " + path + ")";
            }
            broken |= yaml.problems.size() > before;
            if (priceId == null) {
                continue;
            }
            found++;
            if (checkId(priceId, path, shownAs)) {
                builder.plan(tier, interval, priceId);
                intervals
                        .computeIfAbsent(tier, t -> EnumSet.noneOf(BillingInterval.class))
                        .add(interval);
            }
        }
        if (found == 0 && !broken && required) {
            yaml.problems.add(where + ": a paid tier needs a Stripe price for month or year: set " + where
                    + ".month / .year (a price id or {amount, currency}), or "
                    + priceVariable(tier, BillingInterval.MONTH) + " / " + priceVariable(tier, BillingInterval.YEAR));
        }
    }

    /** An item's price id ({@code priceId}, or {@code amount} + {@code currency}); null after a problem. */
    String itemPrice(Map<?, ?> item, String where, String key, String name) {
        boolean byId = item.containsKey("priceId");
        boolean byAmount = item.containsKey("amount") || item.containsKey("currency");
        if (byId && byAmount) {
            yaml.problems.add(where + ": give priceId or amount + currency, not both");
            return null;
        }
        if (!byAmount) {
            String priceId = yaml.text(item.get("priceId"), where + ".priceId", true);
            return priceId != null && checkId(priceId, where + ".priceId", where + ".priceId") ? priceId : null;
        }
        if (key == null || name == null) {
            return null;
        }
        Map<Object, Object> amount = new HashMap<>();
        amount.put("amount", item.get("amount"));
        amount.put("currency", item.get("currency"));
        String priceId =
                managed(amount, where, PlanFile.itemLookupKey(key), PlanFile.itemProductId(key), name, null, null);
        return priceId != null && checkId(priceId, where, where) ? priceId : null;
    }

    /**
     * Records a price the sync manages and returns its id (resolved or a placeholder), or null after a problem.
     *
     * @param meterEventName the Stripe event name of the meter a metered price bills, else null
     */
    String managed(
            Map<?, ?> value,
            String where,
            String lookupKey,
            String productId,
            String productName,
            String interval,
            String meterEventName) {
        Amount amount = checkAmount(value, where);
        if (amount == null) {
            return null;
        }
        managed.add(new PlanFile.ManagedPrice(
                lookupKey,
                productId,
                productName,
                amount.amount(),
                amount.currency(),
                interval,
                where,
                meterEventName));
        if (resolver == null) {
            return PlanFile.placeholderId(lookupKey);
        }
        Optional<String> id = resolver.apply(lookupKey);
        if (id.isEmpty()) {
            yaml.problems.add(where + ": no active Stripe price has the lookup key '" + lookupKey + "' (create it: "
                    + "billing-server stripe apply)");
            return null;
        }
        return id.get();
    }

    private record Amount(int amount, String currency) {}

    /** The {@code amount} (0 to {@link #MAX_AMOUNT}) and {@code currency} (lower-cased), or null after a problem. */
    Amount checkAmount(Map<?, ?> value, String where) {
        yaml.unknownKeys(value, AMOUNT_KEYS, where);
        Integer amount = yaml.wholeNumber(value.get("amount"), where + ".amount", 0, MAX_AMOUNT, true);
        String currency = yaml.text(value.get("currency"), where + ".currency", true);
        if (currency != null) {
            currency = currency.toLowerCase(Locale.ROOT);
            if (!CURRENCY.matcher(currency).matches()) {
                yaml.problems.add(where + ".currency: must be a three-letter ISO currency code (usd, eur...), not '"
                        + currency + "'");
                currency = null;
            }
        }
        return amount == null || currency == null ? null : new Amount(amount, currency);
    }

    /** The path of the plan or item that uses the price, or null. */
    String owner(String priceId) {
        return priceOwners.get(priceId);
    }

    /** Checks a price id's form and that nothing else uses it; true when it may be used. */
    private boolean checkId(String priceId, String path, String shownAs) {
        if (!PRICE_ID.matcher(priceId).matches()) {
            yaml.problems.add(shownAs + ": '" + priceId + "' is not a Stripe price id (price_...)");
            return false;
        }
        String owner = priceOwners.putIfAbsent(priceId, path);
        if (owner != null) {
            yaml.problems.add(shownAs + ": " + priceId + " is already used by " + owner
                    + " (each Stripe price belongs to one plan or item)");
            return false;
        }
        return true;
    }

    static String priceVariable(String tier, BillingInterval interval) {
        return "STRIPE_PRICE_" + tier.toUpperCase(Locale.ROOT).replace('-', '_') + "_"
                + (interval == BillingInterval.MONTH ? "MONTHLY" : "YEARLY");
    }

    private String optionalVariable(String variable) {
        String value = yaml.variables.get(variable);
        return value == null || value.isBlank() ? null : value.strip();
    }
}
