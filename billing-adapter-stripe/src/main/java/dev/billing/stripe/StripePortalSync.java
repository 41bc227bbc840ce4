package dev.billing.stripe;

import static dev.billing.stripe.StripeCatalogSync.key;

import com.stripe.StripeClient;
import com.stripe.model.Price;
import com.stripe.model.billingportal.Configuration;
import com.stripe.param.billingportal.ConfigurationCreateParams;
import com.stripe.param.billingportal.ConfigurationListParams;
import com.stripe.param.billingportal.ConfigurationUpdateParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The customer portal part of a sync: the account's default configuration lets customers see invoices, change
 * their payment method and email or address, cancel at the period's end, and switch between the plan's recurring
 * prices (prorated). Only these settings are compared; the rest of the configuration is left as it is.
 */
final class StripePortalSync {
    private static final List<String> CUSTOMER_UPDATES = List.of("email", "address");

    private final StripeClient client;
    private final StripeCalls calls;
    private final StripeCatalogSpec spec;
    private final StripeCatalogSync sync;
    private final String run;

    StripePortalSync(
            StripeClient client, StripeCalls calls, StripeCatalogSpec spec, StripeCatalogSync sync, String run) {
        this.client = client;
        this.calls = calls;
        this.spec = spec;
        this.sync = sync;
        this.run = run;
    }

    List<StripeCatalogSync.Step> steps() {
        if (spec.portal() == null) {
            return List.of();
        }
        Map<String, TreeSet<String>> want = wantedProducts();
        List<Configuration> defaults = calls.call(
                        "list portal configurations",
                        () -> client.v1()
                                .billingPortal()
                                .configurations()
                                .list(ConfigurationListParams.builder()
                                        .setIsDefault(true)
                                        .setLimit(1L)
                                        .build()))
                .getData();
        String summary = want.isEmpty()
                ? "invoices, payment methods, cancel at period end"
                : "invoices, payment methods, cancel at period end, switch between " + describe(want);
        boolean complete = want.values().stream().flatMap(TreeSet::stream).noneMatch(p -> p.startsWith("("));
        if (defaults.isEmpty()) {
            return List.of(new StripeCatalogSync.Step(
                    new StripeCatalogSync.Change(StripeCatalogSync.Kind.CREATE, "portal configuration", summary),
                    () -> {
                        requireComplete(complete);
                        calls.call(
                                "create portal configuration",
                                () -> client.v1()
                                        .billingPortal()
                                        .configurations()
                                        .create(createParams(want), StripeCalls.keyed(key("portal", want.toString()))));
                    }));
        }
        Configuration have = defaults.get(0);
        List<String> differences = differences(have, want);
        if (differences.isEmpty()) {
            return List.of();
        }
        return List.of(new StripeCatalogSync.Step(
                new StripeCatalogSync.Change(
                        StripeCatalogSync.Kind.UPDATE,
                        "portal configuration " + have.getId(),
                        String.join("; ", differences)),
                () -> {
                    requireComplete(complete);
                    calls.call(
                            "update portal configuration",
                            () -> client.v1()
                                    .billingPortal()
                                    .configurations()
                                    .update(
                                            have.getId(),
                                            updateParams(want),
                                            StripeCalls.keyed(
                                                    key("portal-update", have.getId(), want.toString(), run))));
                }));
    }

    /** Product -> the prices customers may switch to; a price not yet created shows as "(new ...)". */
    private Map<String, TreeSet<String>> wantedProducts() {
        Map<String, TreeSet<String>> want = new TreeMap<>();
        for (String id : spec.portal().priceIds()) {
            Price price =
                    calls.call("retrieve price", () -> client.v1().prices().retrieve(id));
            want.computeIfAbsent(price.getProduct(), p -> new TreeSet<>()).add(id);
        }
        List<Price> found = sync.pricesByLookupKey(spec.portal().lookupKeys(), true);
        for (String lookupKey : spec.portal().lookupKeys()) {
            StripeCatalogSpec.Price wanted = spec.prices().stream()
                    .filter(p -> p.lookupKey().equals(lookupKey))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(
                            "the portal names lookup key " + lookupKey + ", which is not among the prices"));
            String id = found.stream()
                    .filter(p -> lookupKey.equals(p.getLookupKey()) && StripeCatalogDiff.matches(wanted, p))
                    .map(Price::getId)
                    .findFirst()
                    .orElse("(new " + lookupKey + ")");
            want.computeIfAbsent(wanted.productId(), p -> new TreeSet<>()).add(id);
        }
        return want;
    }

    private static void requireComplete(boolean complete) {
        if (!complete) {
            throw new IllegalStateException("the portal configuration names a price that does not exist yet");
        }
    }

    private static List<String> differences(Configuration have, Map<String, TreeSet<String>> want) {
        List<String> out = new ArrayList<>();
        Configuration.Features f = have.getFeatures();
        if (f == null) {
            return List.of("features missing");
        }
        if (!flag(f.getInvoiceHistory() == null ? null : f.getInvoiceHistory().getEnabled())) {
            out.add("enable invoice history");
        }
        if (!flag(
                f.getPaymentMethodUpdate() == null
                        ? null
                        : f.getPaymentMethodUpdate().getEnabled())) {
            out.add("enable payment method updates");
        }
        Configuration.Features.CustomerUpdate cu = f.getCustomerUpdate();
        if (cu == null
                || !flag(cu.getEnabled())
                || cu.getAllowedUpdates() == null
                || !new TreeSet<>(cu.getAllowedUpdates()).equals(new TreeSet<>(CUSTOMER_UPDATES))) {
            out.add("customers may update " + String.join(" and ", CUSTOMER_UPDATES));
        }
        Configuration.Features.SubscriptionCancel cancel = f.getSubscriptionCancel();
        if (cancel == null || !flag(cancel.getEnabled()) || !"at_period_end".equals(cancel.getMode())) {
            out.add("cancel at period end");
        }
        Configuration.Features.SubscriptionUpdate update = f.getSubscriptionUpdate();
        Map<String, TreeSet<String>> have2 = new TreeMap<>();
        if (update != null && update.getProducts() != null) {
            for (var p : update.getProducts()) {
                have2.put(p.getProduct(), new TreeSet<>(p.getPrices() == null ? List.of() : p.getPrices()));
            }
        }
        boolean updateOn = update != null && flag(update.getEnabled());
        if (want.isEmpty()
                ? updateOn
                : !updateOn
                        || !have2.equals(want)
                        || !Objects.equals(update.getDefaultAllowedUpdates(), List.of("price"))
                        || !"create_prorations".equals(update.getProrationBehavior())) {
            out.add(
                    want.isEmpty()
                            ? "no plan switching"
                            : "switch between " + describe(want)
                                    + (have2.isEmpty() ? "" : " (was " + describe(have2) + ")"));
        }
        return out;
    }

    private static boolean flag(Boolean b) {
        return Boolean.TRUE.equals(b);
    }

    private static String describe(Map<String, TreeSet<String>> products) {
        List<String> parts = new ArrayList<>();
        products.forEach((product, prices) -> parts.add(product + " " + prices));
        return String.join(", ", parts);
    }

    private static ConfigurationCreateParams createParams(Map<String, TreeSet<String>> want) {
        var features = ConfigurationCreateParams.Features.builder()
                .setInvoiceHistory(ConfigurationCreateParams.Features.InvoiceHistory.builder()
                        .setEnabled(true)
                        .build())
                .setPaymentMethodUpdate(ConfigurationCreateParams.Features.PaymentMethodUpdate.builder()
                        .setEnabled(true)
                        .build())
                .setCustomerUpdate(ConfigurationCreateParams.Features.CustomerUpdate.builder()
                        .setEnabled(true)
                        .addAllowedUpdate(ConfigurationCreateParams.Features.CustomerUpdate.AllowedUpdate.EMAIL)
                        .addAllowedUpdate(ConfigurationCreateParams.Features.CustomerUpdate.AllowedUpdate.ADDRESS)
                        .build())
                .setSubscriptionCancel(ConfigurationCreateParams.Features.SubscriptionCancel.builder()
                        .setEnabled(true)
                        .setMode(ConfigurationCreateParams.Features.SubscriptionCancel.Mode.AT_PERIOD_END)
                        .build());
        var update =
                ConfigurationCreateParams.Features.SubscriptionUpdate.builder().setEnabled(!want.isEmpty());
        if (!want.isEmpty()) {
            update.addDefaultAllowedUpdate(
                            ConfigurationCreateParams.Features.SubscriptionUpdate.DefaultAllowedUpdate.PRICE)
                    .setProrationBehavior(
                            ConfigurationCreateParams.Features.SubscriptionUpdate.ProrationBehavior.CREATE_PRORATIONS);
            want.forEach((product, prices) ->
                    update.addProduct(ConfigurationCreateParams.Features.SubscriptionUpdate.Product.builder()
                            .setProduct(product)
                            .addAllPrice(List.copyOf(prices))
                            .build()));
        }
        return ConfigurationCreateParams.builder()
                .setFeatures(features.setSubscriptionUpdate(update.build()).build())
                .putMetadata("managed_by", "billing")
                .build();
    }

    private static ConfigurationUpdateParams updateParams(Map<String, TreeSet<String>> want) {
        var features = ConfigurationUpdateParams.Features.builder()
                .setInvoiceHistory(ConfigurationUpdateParams.Features.InvoiceHistory.builder()
                        .setEnabled(true)
                        .build())
                .setPaymentMethodUpdate(ConfigurationUpdateParams.Features.PaymentMethodUpdate.builder()
                        .setEnabled(true)
                        .build())
                .setCustomerUpdate(ConfigurationUpdateParams.Features.CustomerUpdate.builder()
                        .setEnabled(true)
                        .addAllowedUpdate(ConfigurationUpdateParams.Features.CustomerUpdate.AllowedUpdate.EMAIL)
                        .addAllowedUpdate(ConfigurationUpdateParams.Features.CustomerUpdate.AllowedUpdate.ADDRESS)
                        .build())
                .setSubscriptionCancel(ConfigurationUpdateParams.Features.SubscriptionCancel.builder()
                        .setEnabled(true)
                        .setMode(ConfigurationUpdateParams.Features.SubscriptionCancel.Mode.AT_PERIOD_END)
                        .build());
        var update =
                ConfigurationUpdateParams.Features.SubscriptionUpdate.builder().setEnabled(!want.isEmpty());
        if (!want.isEmpty()) {
            update.addDefaultAllowedUpdate(
                            ConfigurationUpdateParams.Features.SubscriptionUpdate.DefaultAllowedUpdate.PRICE)
                    .setProrationBehavior(
                            ConfigurationUpdateParams.Features.SubscriptionUpdate.ProrationBehavior.CREATE_PRORATIONS);
            want.forEach((product, prices) ->
                    update.addProduct(ConfigurationUpdateParams.Features.SubscriptionUpdate.Product.builder()
                            .setProduct(product)
                            .addAllPrice(List.copyOf(prices))
                            .build()));
        }
        return ConfigurationUpdateParams.builder()
                .setFeatures(features.setSubscriptionUpdate(update.build()).build())
                .build();
    }
}
