package dev.billing.plans;

import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.catalog.MeterDefinition;
import dev.billing.core.model.catalog.PlanCatalog;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A plan file read and validated, before its prices are known: the prices it gives by id, and the ones it gives by
 * {@code amount} + {@code currency} ({@link #managedPrices()}), which {@code billing-server stripe apply} keeps in
 * Stripe under stable lookup keys and the server resolves to ids at start ({@link #catalog(Function)}).
 *
 * <p>Usage:
 * <pre>{@code
 * PlanFile file = PlanCatalogYaml.read(Path.of("plans.yaml"), variables); // the placeholders' values
 * PlanCatalog plans = file.needsLookup() ? file.catalog(lookupKey -> stripe.priceIdFor(lookupKey)) : file.catalog();
 * }</pre>
 */
public final class PlanFile {
    private final String yaml;
    private final Map<String, String> variables;
    private final String source;
    private final PlanCatalog checked;
    private final List<ManagedPrice> managed;

    PlanFile(
            String yaml,
            Map<String, String> variables,
            String source,
            PlanCatalog checked,
            List<ManagedPrice> managed) {
        this.yaml = yaml;
        this.variables = Map.copyOf(variables);
        this.source = source;
        this.checked = checked;
        this.managed = List.copyOf(managed);
    }

    /**
     * A price the plan file gives by amount: what Stripe must hold under {@code lookupKey}.
     *
     * @param productId the Stripe product it belongs to (one per tier or item, created with this id)
     * @param amount    {@code unit_amount} in the currency's minor unit (cents)
     * @param interval  {@code month} or {@code year}, null for a one-time item
     * @param where     its place in the file ({@code tiers.pro.prices.month}, {@code items[0]},
     *                  {@code tiers.pro.meteredPrices.month[0]})
     * @param meterEventName for a metered price ({@code amount} per unit of usage): the {@code stripeEventName} of
     *                  its meter, whose Stripe meter the price is made on; null for a plan's or an item's price
     */
    public record ManagedPrice(
            String lookupKey,
            String productId,
            String productName,
            long amount,
            String currency,
            String interval,
            String where,
            String meterEventName) {
        public ManagedPrice {
            Objects.requireNonNull(lookupKey, "lookupKey");
            Objects.requireNonNull(productId, "productId");
            Objects.requireNonNull(productName, "productName");
            Objects.requireNonNull(currency, "currency");
            Objects.requireNonNull(where, "where");
            if (meterEventName != null && interval == null) {
                throw new IllegalArgumentException("a metered price needs an interval");
            }
        }

        /** A plan's or an item's price (licensed, or one-time). */
        public ManagedPrice(
                String lookupKey,
                String productId,
                String productName,
                long amount,
                String currency,
                String interval,
                String where) {
            this(lookupKey, productId, productName, amount, currency, interval, where, null);
        }

        /** Whether it bills a meter's usage ({@code recurring.usage_type=metered}). */
        public boolean metered() {
            return meterEventName != null;
        }
    }

    /** Where the file came from, as messages name it. */
    public String source() {
        return source;
    }

    /** The prices given by amount, in file order (tiers, then items, then the tiers' metered prices). */
    public List<ManagedPrice> managedPrices() {
        return managed;
    }

    /** Whether some price is given by amount, so that the catalog needs {@link #catalog(Function)}. */
    public boolean needsLookup() {
        return !managed.isEmpty();
    }

    /** The meters that report to Stripe Billing Meters. */
    public List<MeterDefinition> stripeMeters() {
        return checked.meters().values().stream()
                .filter(MeterDefinition::reportsToStripe)
                .toList();
    }

    /** The tiers' prices given by id (in the file or its variables), in catalog order. */
    public List<String> tierPriceIds() {
        java.util.Set<String> placeholders = new java.util.HashSet<>();
        managed.forEach(m -> placeholders.add(placeholderId(m.lookupKey())));
        return checked.plans().stream()
                .map(p -> p.priceId())
                .filter(id -> !placeholders.contains(id))
                .toList();
    }

    /**
     * Every price the file gives by id (in the file or its variables): the plans', their metered prices' and the
     * items', in catalog order. {@code stripe apply} never archives these, wherever they live.
     */
    public List<String> priceIdsGivenById() {
        java.util.Set<String> placeholders = new java.util.HashSet<>();
        managed.forEach(m -> placeholders.add(placeholderId(m.lookupKey())));
        List<String> ids = new java.util.ArrayList<>();
        checked.plans().forEach(p -> {
            ids.add(p.priceId());
            p.meteredPrices().forEach(m -> ids.add(m.priceId()));
        });
        checked.items().forEach(i -> ids.add(i.priceId()));
        ids.removeIf(placeholders::contains);
        return List.copyOf(ids);
    }

    /**
     * The catalog with every price given by id.
     *
     * @throws IllegalStateException when some price is given by amount ({@link #needsLookup()})
     */
    public PlanCatalog catalog() {
        if (needsLookup()) {
            throw new IllegalStateException(source + " gives prices by amount ("
                    + managed.get(0).where() + "): resolve their lookup keys with catalog(resolver)");
        }
        return checked;
    }

    /**
     * The catalog, each price given by amount replaced by the id of the active Stripe price holding its lookup key.
     *
     * @param priceIdByLookupKey the active price with that lookup key, or empty
     * @throws PlanCatalogYaml.InvalidCatalogException naming every lookup key no active price holds
     */
    public PlanCatalog catalog(Function<String, Optional<String>> priceIdByLookupKey) {
        Objects.requireNonNull(priceIdByLookupKey, "priceIdByLookupKey");
        return PlanCatalogYaml.parse(yaml, variables, source, priceIdByLookupKey).checked;
    }

    /**
     * The catalog validated with a placeholder id for each price given by amount: for counting and checking, never
     * for selling.
     */
    public PlanCatalog checkedCatalog() {
        return checked;
    }

    static String tierLookupKey(String tier, BillingInterval interval) {
        return "billing:tier:" + tier + ":" + interval.stripeName();
    }

    /**
     * At most 16 + 32 (tier) + 64 (meter) + 7 = 119 characters, within Stripe's 200 for a lookup key, as the names'
     * patterns bound them; {@code ':'} is in neither name, so no two entries share a key.
     */
    static String meteredLookupKey(String tier, String meter, BillingInterval interval) {
        return "billing:metered:" + tier + ":" + meter + ":" + interval.stripeName();
    }

    static String itemLookupKey(String item) {
        return "billing:item:" + item;
    }

    static String tierProductId(String tier) {
        return "billing_tier_" + tier;
    }

    static String itemProductId(String item) {
        return "billing_item_" + item;
    }

    /** The Stripe product's name for a tier: its name with a capital ({@code pro} -> {@code Pro}). */
    static String tierProductName(String tier) {
        return tier.substring(0, 1).toUpperCase(Locale.ROOT) + tier.substring(1);
    }

    /**
     * A price id standing for the lookup key while it is unresolved. Every character but a letter or digit is
     * escaped ({@code _3a} for {@code ':'}), so that two keys never share one ({@code a.b} and {@code a_b} are both
     * meter names) and the core does not see one price used twice.
     */
    static String placeholderId(String lookupKey) {
        StringBuilder id = new StringBuilder("price_lookup_");
        for (char c : lookupKey.toCharArray()) {
            if (c < 128 && Character.isLetterOrDigit(c)) {
                id.append(c);
            } else {
                id.append('_').append(String.format(Locale.ROOT, "%02x", (int) c));
            }
        }
        return id.toString();
    }
}
