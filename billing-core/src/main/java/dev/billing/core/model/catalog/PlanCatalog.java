package dev.billing.core.model.catalog;

import dev.billing.core.model.Checks;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The plans on sale: tiers, the Stripe price of each (tier, interval) with its metered prices, one-time items,
 * usage meters and the promotion codes it names. Immutable and validated as a whole: exactly one free tier (rank
 * 0, no prices), unique tier names and price ids, quotas only on defined meters (when meters are defined), metered
 * prices only on a plan of the catalog and a meter reported to Stripe, never a plan's or an item's price.
 *
 * <p>Usage: {@code PlanCatalog.builder().freeTier(free).tier(pro).plan("pro", MONTH, "price_123")
 * .meteredPrice("pro", MONTH, new MeteredPrice("api_calls", "price_calls")).build()}
 */
public final class PlanCatalog {
    private final Tier freeTier;
    private final Map<String, Tier> tiers;
    private final List<Plan> plans;
    private final Map<String, Plan> plansByPrice;
    private final List<CatalogItem> items;
    private final Map<String, CatalogItem> itemsByPrice;
    private final Map<String, MeterDefinition> meters;
    private final List<CatalogPromotion> promotions;

    private PlanCatalog(Builder b) {
        List<String> problems = new ArrayList<>();
        if (b.freeTier == null) {
            problems.add("a free tier is required");
        } else if (b.freeTier.rank() != 0) {
            problems.add("the free tier must have rank 0");
        }
        Map<String, Tier> tierMap = new LinkedHashMap<>();
        if (b.freeTier != null) {
            tierMap.put(b.freeTier.name(), b.freeTier);
        }
        for (Tier tier : b.tiers) {
            if (tierMap.putIfAbsent(tier.name(), tier) != null) {
                problems.add("tier '" + tier.name() + "' is defined twice");
            }
            if (tier.rank() == 0) {
                problems.add("tier '" + tier.name() + "' has rank 0, which only the free tier may have");
            }
        }
        Map<String, Plan> byPrice = new HashMap<>();
        Set<String> tierIntervals = new HashSet<>();
        List<Plan> planList = new ArrayList<>();
        for (PlanSpec spec : b.plans) {
            Tier tier = tierMap.get(spec.tier);
            if (tier == null) {
                problems.add("plan price " + spec.priceId + " refers to unknown tier '" + spec.tier + "'");
                continue;
            }
            if (b.freeTier != null && tier.name().equals(b.freeTier.name())) {
                problems.add("the free tier cannot have a price (" + spec.priceId + ")");
                continue;
            }
            Plan plan = new Plan(tier, spec.interval, spec.priceId);
            if (!tierIntervals.add(tier.name() + "/" + spec.interval)) {
                problems.add("tier '" + tier.name() + "' has two " + spec.interval.stripeName() + "ly prices");
            }
            if (byPrice.putIfAbsent(plan.priceId(), plan) != null) {
                problems.add("price " + plan.priceId() + " is used by two plans");
            }
            planList.add(plan);
        }
        Map<String, CatalogItem> itemMap = new LinkedHashMap<>();
        Set<String> itemKeys = new HashSet<>();
        for (CatalogItem item : b.items) {
            if (!itemKeys.add(item.key())) {
                problems.add("item '" + item.key() + "' is defined twice");
            }
            if (byPrice.containsKey(item.priceId()) || itemMap.putIfAbsent(item.priceId(), item) != null) {
                problems.add("price " + item.priceId() + " is used twice");
            }
        }
        Map<String, MeterDefinition> meterMap = new LinkedHashMap<>();
        for (MeterDefinition meter : b.meters) {
            if (meterMap.putIfAbsent(meter.name(), meter) != null) {
                problems.add("meter '" + meter.name() + "' is defined twice");
            }
        }
        if (!meterMap.isEmpty()) {
            for (Tier tier : tierMap.values()) {
                for (String meter : tier.quotas().keySet()) {
                    if (!meterMap.containsKey(meter)) {
                        problems.add("tier '" + tier.name() + "' has a quota for undefined meter '" + meter + "'");
                    }
                }
            }
        }
        planList.replaceAll(plan -> withMetered(plan, b.metered, meterMap, byPrice, itemMap, problems));
        for (MeteredSpec spec : b.metered) {
            if (planList.stream().noneMatch(p -> p.tier().name().equals(spec.tier) && p.interval() == spec.interval)) {
                problems.add("metered price " + spec.price.priceId() + " is for tier '" + spec.tier + "' "
                        + spec.interval.stripeName() + ", which has no plan price");
            }
        }
        Set<String> codes = new HashSet<>();
        for (CatalogPromotion promotion : b.promotions) {
            // Stripe matches a customer-facing code without regard to case.
            if (!codes.add(promotion.code().toUpperCase(Locale.ROOT))) {
                problems.add("promotion code '" + promotion.code() + "' is listed twice");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid plan catalog: " + String.join("; ", problems));
        }
        byPrice.replaceAll((priceId, plan) -> planList.stream()
                .filter(p -> p.priceId().equals(priceId))
                .findFirst()
                .orElseThrow());
        planList.sort(Comparator.comparingInt((Plan p) -> p.tier().rank()).thenComparing(Plan::interval));
        this.freeTier = b.freeTier;
        this.tiers = Map.copyOf(tierMap);
        this.plans = List.copyOf(planList);
        this.plansByPrice = Map.copyOf(byPrice);
        this.items = List.copyOf(itemMap.values());
        this.itemsByPrice = Map.copyOf(itemMap);
        this.meters = Map.copyOf(meterMap);
        this.promotions = List.copyOf(b.promotions);
    }

    /** The plan with its metered prices, each checked against the meters, plans and items. */
    private static Plan withMetered(
            Plan plan,
            List<MeteredSpec> specs,
            Map<String, MeterDefinition> meters,
            Map<String, Plan> plans,
            Map<String, CatalogItem> items,
            List<String> problems) {
        List<MeteredPrice> prices = new ArrayList<>();
        Set<String> metersSeen = new HashSet<>();
        for (MeteredSpec spec : specs) {
            if (!spec.tier.equals(plan.tier().name()) || spec.interval != plan.interval()) {
                continue;
            }
            MeteredPrice price = spec.price;
            MeterDefinition meter = meters.get(price.meter());
            if (meter == null || !meter.reportsToStripe()) {
                problems.add("metered price " + price.priceId() + " is on meter '" + price.meter() + "', which "
                        + (meter == null ? "is not defined" : "has no Stripe event name"));
            } else if (plans.containsKey(price.priceId()) || items.containsKey(price.priceId())) {
                problems.add("metered price " + price.priceId() + " is also a plan's or an item's price");
            } else if (!metersSeen.add(price.meter())) {
                problems.add("plan " + plan.priceId() + " has two metered prices on meter '" + price.meter() + "'");
            } else {
                prices.add(price);
            }
        }
        return new Plan(plan.tier(), plan.interval(), plan.priceId(), prices);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Tier freeTier() {
        return freeTier;
    }

    /** All tiers, free first, by rank. */
    public List<Tier> tiers() {
        return tiers.values().stream()
                .sorted(Comparator.comparingInt(Tier::rank))
                .toList();
    }

    public Optional<Tier> tier(String name) {
        return Optional.ofNullable(name == null ? null : tiers.get(name));
    }

    public List<Plan> plans() {
        return plans;
    }

    public Optional<Plan> plan(String tier, BillingInterval interval) {
        return plans.stream()
                .filter(p -> p.tier().name().equals(tier) && p.interval() == interval)
                .findFirst();
    }

    public Optional<Plan> planForPrice(String priceId) {
        return Optional.ofNullable(priceId == null ? null : plansByPrice.get(priceId));
    }

    public List<CatalogItem> items() {
        return items;
    }

    public Optional<CatalogItem> itemForPrice(String priceId) {
        return Optional.ofNullable(priceId == null ? null : itemsByPrice.get(priceId));
    }

    public Map<String, MeterDefinition> meters() {
        return meters;
    }

    public Optional<MeterDefinition> meter(String name) {
        return Optional.ofNullable(name == null ? null : meters.get(name));
    }

    /** The promotion codes the catalog names, in its order; {@link CatalogPromotion#listed()} ones are public. */
    public List<CatalogPromotion> promotions() {
        return promotions;
    }

    /** True when usage for {@code meter} may be recorded: it is defined, or no meters are defined at all. */
    public boolean knowsMeter(String meter) {
        if (!meters.isEmpty()) {
            return meters.containsKey(meter);
        }
        return tiers.values().stream().anyMatch(t -> t.quotas().containsKey(meter));
    }

    private record PlanSpec(String tier, BillingInterval interval, String priceId) {}

    private record MeteredSpec(String tier, BillingInterval interval, MeteredPrice price) {}

    /** Collects tiers, plans, items, meters and promotion codes; {@link #build()} validates the whole. */
    public static final class Builder {
        private Tier freeTier;
        private final List<Tier> tiers = new ArrayList<>();
        private final List<PlanSpec> plans = new ArrayList<>();
        private final List<CatalogItem> items = new ArrayList<>();
        private final List<MeterDefinition> meters = new ArrayList<>();
        private final List<MeteredSpec> metered = new ArrayList<>();
        private final List<CatalogPromotion> promotions = new ArrayList<>();

        private Builder() {}

        public Builder freeTier(Tier tier) {
            this.freeTier = Objects.requireNonNull(tier, "tier");
            return this;
        }

        public Builder tier(Tier tier) {
            tiers.add(Objects.requireNonNull(tier, "tier"));
            return this;
        }

        public Builder plan(String tier, BillingInterval interval, String priceId) {
            plans.add(new PlanSpec(
                    Checks.text(tier, "tier"),
                    Objects.requireNonNull(interval, "interval"),
                    Checks.text(priceId, "priceId")));
            return this;
        }

        /** Adds a metered price to the plan of {@code tier} at {@code interval} (given with {@link #plan}). */
        public Builder meteredPrice(String tier, BillingInterval interval, MeteredPrice price) {
            metered.add(new MeteredSpec(
                    Checks.text(tier, "tier"),
                    Objects.requireNonNull(interval, "interval"),
                    Objects.requireNonNull(price, "price")));
            return this;
        }

        public Builder item(CatalogItem item) {
            items.add(Objects.requireNonNull(item, "item"));
            return this;
        }

        public Builder meter(MeterDefinition meter) {
            meters.add(Objects.requireNonNull(meter, "meter"));
            return this;
        }

        public Builder promotion(CatalogPromotion promotion) {
            promotions.add(Objects.requireNonNull(promotion, "promotion"));
            return this;
        }

        public PlanCatalog build() {
            return new PlanCatalog(this);
        }
    }
}
