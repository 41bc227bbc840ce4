package dev.billing.stripe;

import static dev.billing.stripe.StripeCatalogSync.key;
import static dev.billing.stripe.StripeCatalogSync.money;

import com.stripe.StripeClient;
import com.stripe.model.Price;
import com.stripe.model.Product;
import com.stripe.model.billing.Meter;
import com.stripe.param.PriceCreateParams;
import com.stripe.param.PriceListParams;
import com.stripe.param.PriceUpdateParams;
import com.stripe.param.ProductCreateParams;
import com.stripe.param.ProductListParams;
import com.stripe.param.ProductUpdateParams;
import com.stripe.param.billing.MeterCreateParams;
import com.stripe.param.billing.MeterListParams;
import com.stripe.param.billing.MeterUpdateParams;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The catalog part of a sync, read from Stripe when built: products (by id), meters (by event name), prices (by
 * lookup key), and the active prices of each product the sync owns, so that a price no lookup key keeps any more
 * (replaced, or interrupted before it was archived) is archived. Products the sync created (they carry
 * {@code metadata[managed_by]=billing}) that the spec no longer lists are archived with their prices.
 */
final class StripeCatalogDiff {
    /** The metadata every product and price the sync creates carries: the only products it ever archives. */
    static final String MARKER_KEY = "managed_by";

    static final String MARKER_VALUE = "billing";

    private final StripeClient client;
    private final StripeCalls calls;
    private final StripeCatalogSpec spec;
    /** This run's id, for the keys of steps that only set a state ({@link StripeCatalogSync#key}). */
    private final String run;
    /**
     * Event name -> the id of the active meter holding it: read before the prices are planned, and completed by the
     * meter creations as they run, since a metered price is made on a meter created earlier in the same run.
     */
    private final Map<String, String> meterIds = new HashMap<>();

    StripeCatalogDiff(StripeClient client, StripeCalls calls, StripeCatalogSpec spec, String run) {
        this.client = client;
        this.calls = calls;
        this.spec = spec;
        this.run = run;
    }

    /** The steps that make Stripe's catalog match, in the order they must run. */
    List<StripeCatalogSync.Step> steps() {
        List<StripeCatalogSync.Step> steps = new ArrayList<>();
        products(steps);
        meters(steps);
        prices(steps);
        removedProducts(steps);
        return steps;
    }

    private void products(List<StripeCatalogSync.Step> steps) {
        for (StripeCatalogSpec.Product want : spec.products()) {
            Optional<Product> have = calls.find(
                    "retrieve product", want.id(), () -> client.v1().products().retrieve(want.id()));
            String subject = "product " + want.id();
            if (have.isEmpty()) {
                steps.add(new StripeCatalogSync.Step(
                        new StripeCatalogSync.Change(StripeCatalogSync.Kind.CREATE, subject, "\"" + want.name() + "\""),
                        () -> calls.call(
                                "create product",
                                () -> client.v1()
                                        .products()
                                        .create(
                                                ProductCreateParams.builder()
                                                        .setId(want.id())
                                                        .setName(want.name())
                                                        .putMetadata(MARKER_KEY, MARKER_VALUE)
                                                        .build(),
                                                StripeCalls.keyed(key("product", want.id(), want.name()))))));
                continue;
            }
            Product product = have.get();
            List<String> what = new ArrayList<>();
            ProductUpdateParams.Builder update = ProductUpdateParams.builder();
            if (!want.name().equals(product.getName())) {
                what.add("name \"" + product.getName() + "\" -> \"" + want.name() + "\"");
                update.setName(want.name());
            }
            if (!Boolean.TRUE.equals(product.getActive())) {
                what.add("reactivate");
                update.setActive(true);
            }
            if (!what.isEmpty()) {
                steps.add(new StripeCatalogSync.Step(
                        new StripeCatalogSync.Change(StripeCatalogSync.Kind.UPDATE, subject, String.join(", ", what)),
                        () -> calls.call(
                                "update product",
                                () -> client.v1()
                                        .products()
                                        .update(
                                                want.id(),
                                                update.build(),
                                                StripeCalls.keyed(
                                                        key("product-update", want.id(), want.name(), run))))));
            }
        }
    }

    private void meters(List<StripeCatalogSync.Step> steps) {
        Map<String, Meter> active = new LinkedHashMap<>();
        String after = null;
        do {
            MeterListParams.Builder params =
                    MeterListParams.builder().setLimit(StripeCalls.MAX_PAGE).setStatus(MeterListParams.Status.ACTIVE);
            if (after != null) {
                params.setStartingAfter(after);
            }
            var page = calls.call(
                    "list meters", () -> client.v1().billing().meters().list(params.build()));
            page.getData().forEach(m -> active.putIfAbsent(m.getEventName(), m));
            after = Boolean.TRUE.equals(page.getHasMore()) && !page.getData().isEmpty()
                    ? page.getData().get(page.getData().size() - 1).getId()
                    : null;
        } while (after != null);
        active.forEach((eventName, meter) -> meterIds.put(eventName, meter.getId()));
        Set<String> listed = new HashSet<>();
        for (StripeCatalogSpec.Meter want : spec.meters()) {
            listed.add(want.eventName());
            Meter have = active.get(want.eventName());
            if (have == null) {
                steps.add(createMeter(want));
            } else if (!want.displayName().equals(have.getDisplayName())) {
                steps.add(new StripeCatalogSync.Step(
                        new StripeCatalogSync.Change(
                                StripeCatalogSync.Kind.UPDATE,
                                "meter " + want.eventName(),
                                "display_name \"" + have.getDisplayName() + "\" -> \"" + want.displayName() + "\""),
                        () -> calls.call(
                                "update meter",
                                () -> client.v1()
                                        .billing()
                                        .meters()
                                        .update(
                                                have.getId(),
                                                MeterUpdateParams.builder()
                                                        .setDisplayName(want.displayName())
                                                        .build(),
                                                StripeCalls.keyed(
                                                        key("meter-update", have.getId(), want.displayName(), run))))));
            }
        }
        // Usage may still be reported to a meter the file dropped (instances not yet restarted, events retried):
        // deactivating it would refuse those events, so it is only pointed out.
        for (Meter have : active.values()) {
            if (!listed.contains(have.getEventName()) && shapedBySync(have)) {
                steps.add(new StripeCatalogSync.Step(
                        new StripeCatalogSync.Change(
                                StripeCatalogSync.Kind.WARN,
                                "meter " + have.getEventName(),
                                have.getId() + " \"" + have.getDisplayName() + "\" is not "
                                        + "in the plan file any more; left active, since usage may still be reported to it "
                                        + "(deactivate it in the Stripe Dashboard once nothing does)"),
                        () -> {}));
            }
        }
    }

    private StripeCatalogSync.Step createMeter(StripeCatalogSpec.Meter want) {
        return new StripeCatalogSync.Step(
                new StripeCatalogSync.Change(
                        StripeCatalogSync.Kind.CREATE,
                        "meter " + want.eventName(),
                        "\"" + want.displayName() + "\", sum of payload[value] per " + "payload[stripe_customer_id]"),
                () -> meterIds.put(
                        want.eventName(),
                        calls.call(
                                        "create meter",
                                        () -> client.v1()
                                                .billing()
                                                .meters()
                                                .create(
                                                        MeterCreateParams.builder()
                                                                .setEventName(want.eventName())
                                                                .setDisplayName(want.displayName())
                                                                .setDefaultAggregation(
                                                                        MeterCreateParams.DefaultAggregation.builder()
                                                                                .setFormula(
                                                                                        MeterCreateParams
                                                                                                .DefaultAggregation
                                                                                                .Formula.SUM)
                                                                                .build())
                                                                .setCustomerMapping(
                                                                        MeterCreateParams.CustomerMapping.builder()
                                                                                .setEventPayloadKey(
                                                                                        "stripe_customer_id")
                                                                                .setType(
                                                                                        MeterCreateParams
                                                                                                .CustomerMapping.Type
                                                                                                .BY_ID)
                                                                                .build())
                                                                .setValueSettings(
                                                                        MeterCreateParams.ValueSettings.builder()
                                                                                .setEventPayloadKey("value")
                                                                                .build())
                                                                .build(),
                                                        StripeCalls.keyed(
                                                                key("meter", want.eventName(), want.displayName()))))
                                .getId()));
    }

    private void prices(List<StripeCatalogSync.Step> steps) {
        Map<String, Price> byLookupKey = new HashMap<>();
        List<String> keys =
                spec.prices().stream().map(StripeCatalogSpec.Price::lookupKey).toList();
        for (Price p : listByLookupKeys(keys)) {
            byLookupKey.put(p.getLookupKey(), p);
        }
        Set<String> keep = new HashSet<>();
        for (StripeCatalogSpec.Price want : spec.prices()) {
            Price have = byLookupKey.get(want.lookupKey());
            String subject = "price " + want.lookupKey();
            if (have != null && matches(want, have, want.meter() == null ? null : meterIds.get(want.meter()))) {
                keep.add(have.getId());
                if (!Boolean.TRUE.equals(have.getActive())) {
                    steps.add(new StripeCatalogSync.Step(
                            new StripeCatalogSync.Change(
                                    StripeCatalogSync.Kind.UPDATE, subject, "reactivate " + have.getId()),
                            () -> calls.call(
                                    "update price",
                                    () -> client.v1()
                                            .prices()
                                            .update(
                                                    have.getId(),
                                                    PriceUpdateParams.builder()
                                                            .setActive(true)
                                                            .build(),
                                                    StripeCalls.keyed(key("price-active", have.getId(), run))))));
                }
                continue;
            }
            String replaced = have == null ? "none" : have.getId();
            String detail = describe(want) + " (product " + want.productId() + ")"
                    + (have == null
                            ? ""
                            : ", replacing " + have.getId() + " (" + describe(have)
                                    + "): the lookup key moves to the new price");
            steps.add(new StripeCatalogSync.Step(
                    new StripeCatalogSync.Change(StripeCatalogSync.Kind.CREATE, subject, detail),
                    () -> createPrice(want, replaced, have != null)));
        }
        // Whatever else is active on an owned product is left over from an earlier amount: archive it. A price the
        // catalog names by id (a metered price made by hand on the tier's product) is in use and stays.
        Set<String> owned = new HashSet<>();
        spec.prices().forEach(p -> owned.add(p.productId()));
        Set<String> inUse = Set.copyOf(spec.priceIdsInUse());
        for (String product : owned.stream().sorted().toList()) {
            for (Price price : activePrices(product)) {
                if (!keep.contains(price.getId()) && !inUse.contains(price.getId())) {
                    steps.add(archive(price, product, "not in the plan file any more"));
                }
            }
        }
    }

    private void createPrice(StripeCatalogSpec.Price want, String replaced, boolean transfer) {
        PriceCreateParams.Builder create = PriceCreateParams.builder()
                .setProduct(want.productId())
                .setUnitAmount(want.unitAmount())
                .setCurrency(want.currency())
                .setLookupKey(want.lookupKey())
                .setTransferLookupKey(transfer)
                .putMetadata(MARKER_KEY, MARKER_VALUE);
        List<String> keyParts = new ArrayList<>(List.of(
                "price",
                want.lookupKey(),
                want.productId(),
                Long.toString(want.unitAmount()),
                want.currency(),
                String.valueOf(want.interval()),
                replaced));
        if (want.interval() != null) {
            PriceCreateParams.Recurring.Builder recurring = PriceCreateParams.Recurring.builder()
                    .setInterval(PriceCreateParams.Recurring.Interval.valueOf(
                            want.interval().toUpperCase(java.util.Locale.ROOT)));
            if (want.meter() != null) {
                // Known by now: the meter was active when the run was planned, or its creation ran before.
                String meterId = meterIds.get(want.meter());
                if (meterId == null) {
                    throw new IllegalStateException("no active meter has the event name " + want.meter());
                }
                recurring
                        .setUsageType(PriceCreateParams.Recurring.UsageType.METERED)
                        .setMeter(meterId);
                // A meter made anew (the old one deactivated) is another price, not a replay of the first.
                keyParts.add(meterId);
            }
            create.setRecurring(recurring.build());
        }
        calls.call(
                "create price",
                () -> client.v1()
                        .prices()
                        .create(create.build(), StripeCalls.keyed(key(keyParts.toArray(String[]::new)))));
    }

    /**
     * Archives each active product the sync created that the spec no longer lists, after its active prices, so that
     * Checkout cannot sell them. A product holding a price the catalog names by id is in use: a warning instead.
     */
    private void removedProducts(List<StripeCatalogSync.Step> steps) {
        Set<String> inUse = Set.copyOf(spec.priceIdsInUse());
        for (Product product : removed(activeProducts(), spec)) {
            String subject = "product " + product.getId();
            List<Price> prices = activePrices(product.getId());
            List<String> named = prices.stream()
                    .map(Price::getId)
                    .filter(inUse::contains)
                    .sorted()
                    .toList();
            if (!named.isEmpty()) {
                steps.add(new StripeCatalogSync.Step(
                        new StripeCatalogSync.Change(
                                StripeCatalogSync.Kind.WARN,
                                subject,
                                "\"" + product.getName() + "\" is not in the plan file any more, but left active: "
                                        + "the plan file names its price" + (named.size() == 1 ? " " : "s ")
                                        + String.join(", ", named)
                                        + " by id (remove its metadata " + MARKER_KEY + " to take it out of the sync)"),
                        () -> {}));
                continue;
            }
            // The prices first: a run stopped in between leaves the product active, so the next run finds it again.
            for (Price price : prices) {
                steps.add(archive(price, product.getId(), "its product is not in the plan file any more"));
            }
            steps.add(new StripeCatalogSync.Step(
                    new StripeCatalogSync.Change(
                            StripeCatalogSync.Kind.ARCHIVE,
                            subject,
                            "\"" + product.getName() + "\": not in the plan file any more"),
                    () -> calls.call(
                            "archive product",
                            () -> client.v1()
                                    .products()
                                    .update(
                                            product.getId(),
                                            ProductUpdateParams.builder()
                                                    .setActive(false)
                                                    .build(),
                                            StripeCalls.keyed(key("product-archive", product.getId(), run))))));
        }
    }

    /** The active products the sync created that the spec does not list, by id. */
    static List<Product> removed(List<Product> active, StripeCatalogSpec spec) {
        Set<String> listed = new HashSet<>();
        spec.products().forEach(p -> listed.add(p.id()));
        return active.stream()
                .filter(p -> Boolean.TRUE.equals(p.getActive()) && createdBySync(p) && !listed.contains(p.getId()))
                .sorted(Comparator.comparing(Product::getId))
                .toList();
    }

    /**
     * Whether the sync created the product: it carries the marker, which products made by hand or by another
     * product line in the account do not (a product that merely shares the id scheme is not enough).
     */
    static boolean createdBySync(Product product) {
        return product.getMetadata() != null
                && MARKER_VALUE.equals(product.getMetadata().get(MARKER_KEY));
    }

    /**
     * Whether the meter counts what the sync's meters count (meters have no metadata to mark them): only such a
     * meter is pointed out when the spec drops it.
     */
    static boolean shapedBySync(Meter meter) {
        return meter.getCustomerMapping() != null
                && "stripe_customer_id".equals(meter.getCustomerMapping().getEventPayloadKey())
                && meter.getValueSettings() != null
                && "value".equals(meter.getValueSettings().getEventPayloadKey())
                && meter.getDefaultAggregation() != null
                && "sum".equals(meter.getDefaultAggregation().getFormula());
    }

    private StripeCatalogSync.Step archive(Price price, String product, String why) {
        return new StripeCatalogSync.Step(
                new StripeCatalogSync.Change(
                        StripeCatalogSync.Kind.ARCHIVE,
                        "price " + price.getId(),
                        describe(price) + " (product " + product
                                + (price.getLookupKey() == null ? "" : ", lookup key " + price.getLookupKey()) + "): "
                                + why),
                () -> calls.call(
                        "archive price",
                        () -> client.v1()
                                .prices()
                                .update(
                                        price.getId(),
                                        PriceUpdateParams.builder()
                                                .setActive(false)
                                                .build(),
                                        StripeCalls.keyed(key("price-archive", price.getId(), run)))));
    }

    private List<Product> activeProducts() {
        List<Product> out = new ArrayList<>();
        String after = null;
        do {
            ProductListParams.Builder params =
                    ProductListParams.builder().setActive(true).setLimit(StripeCalls.MAX_PAGE);
            if (after != null) {
                params.setStartingAfter(after);
            }
            var page = calls.call("list products", () -> client.v1().products().list(params.build()));
            out.addAll(page.getData());
            after = Boolean.TRUE.equals(page.getHasMore()) && !page.getData().isEmpty()
                    ? page.getData().get(page.getData().size() - 1).getId()
                    : null;
        } while (after != null);
        return out;
    }

    private List<Price> listByLookupKeys(List<String> keys) {
        List<Price> out = new ArrayList<>();
        for (int i = 0; i < keys.size(); i += 10) {
            PriceListParams params = PriceListParams.builder()
                    .setLimit(StripeCalls.MAX_PAGE)
                    .addAllLookupKey(keys.subList(i, Math.min(keys.size(), i + 10)))
                    .build();
            out.addAll(calls.call(
                            "list prices by lookup key",
                            () -> client.v1().prices().list(params))
                    .getData());
        }
        return out;
    }

    private List<Price> activePrices(String product) {
        List<Price> out = new ArrayList<>();
        String after = null;
        do {
            PriceListParams.Builder params = PriceListParams.builder()
                    .setProduct(product)
                    .setActive(true)
                    .setLimit(StripeCalls.MAX_PAGE);
            if (after != null) {
                params.setStartingAfter(after);
            }
            var page = calls.call("list prices", () -> client.v1().prices().list(params.build()));
            out.addAll(page.getData());
            after = Boolean.TRUE.equals(page.getHasMore()) && !page.getData().isEmpty()
                    ? page.getData().get(page.getData().size() - 1).getId()
                    : null;
        } while (after != null);
        return out;
    }

    /** Whether Stripe's price is the licensed or one-time price the spec wants (a metered one never matches). */
    static boolean matches(StripeCatalogSpec.Price want, Price have) {
        return matches(want, have, null);
    }

    /**
     * Whether Stripe's price is the one the spec wants (everything a price cannot change after creation).
     *
     * @param meterId for a metered price, the id of the active meter with its event name (null: none yet)
     */
    static boolean matches(StripeCatalogSpec.Price want, Price have, String meterId) {
        boolean recurring = have.getRecurring() != null;
        boolean metered = recurring && "metered".equals(have.getRecurring().getUsageType());
        return want.productId().equals(have.getProduct())
                && Objects.equals(want.unitAmount(), have.getUnitAmount())
                && want.currency().equalsIgnoreCase(have.getCurrency())
                && (want.interval() == null
                        ? !recurring
                        : recurring
                                && want.interval().equals(have.getRecurring().getInterval())
                                && Long.valueOf(1).equals(have.getRecurring().getIntervalCount())
                                && (want.meter() == null
                                        ? !metered
                                        : metered
                                                && meterId != null
                                                && meterId.equals(
                                                        have.getRecurring().getMeter())));
    }

    private static String describe(StripeCatalogSpec.Price p) {
        return money(p.unitAmount(), p.currency())
                + (p.interval() == null ? " once" : " / " + p.interval())
                + (p.meter() == null ? "" : " per unit of meter " + p.meter());
    }

    private static String describe(Price p) {
        String amount = p.getUnitAmount() == null ? "?" : money(p.getUnitAmount(), p.getCurrency());
        Price.Recurring r = p.getRecurring();
        return amount
                + (r == null ? " once" : " / " + r.getInterval())
                + (r != null && "metered".equals(r.getUsageType()) ? " per unit of meter " + r.getMeter() : "");
    }
}
