package dev.billing.emulator.resource;

import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.state.Ids;
import dev.billing.emulator.state.Lists;
import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.Json;
import dev.billing.emulator.wire.Params;
import dev.billing.emulator.wire.Routes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Customer portal configurations ({@code /v1/billing_portal/configurations}). The first one created is the
 * default (Stripe creates the default when the portal is first set up); an update replaces each feature hash it
 * names, the others stay.
 */
public final class PortalConfigurations {
    private final EmulatorState s;

    public PortalConfigurations(EmulatorState state) {
        this.s = state;
    }

    public void register(Routes r) {
        r.add("POST", "/v1/billing_portal/configurations", c -> s.render(create(c.params())));
        r.add("GET", "/v1/billing_portal/configurations", c -> {
            Boolean active = c.params().bool("active");
            Boolean isDefault = c.params().bool("is_default");
            return Lists.page(
                    s,
                    "/v1/billing_portal/configurations",
                    s.store.newestFirst(
                            "billing_portal.configuration",
                            o -> (active == null || active.equals(o.get("active")))
                                    && (isDefault == null || isDefault.equals(o.get("is_default")))),
                    c.params());
        });
        r.add(
                "GET",
                "/v1/billing_portal/configurations/{id}",
                c -> s.render(s.store.require("billing_portal.configuration", c.var("id"), "configuration")));
        r.add("POST", "/v1/billing_portal/configurations/{id}", c -> update(c.var("id"), c.params()));
    }

    private Map<String, Object> create(Params p) {
        Params features = p.sub("features");
        if (features == null) {
            throw ApiError.missingParam("features");
        }
        boolean first = s.store.all("billing_portal.configuration").isEmpty();
        long now = s.now();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("id", Ids.next("bpc"));
        config.put("object", "billing_portal.configuration");
        config.put("active", p.bool("active", true));
        config.put("application", null);
        config.put("business_profile", businessProfile(p.sub("business_profile"), null));
        config.put("created", now);
        config.put("default_return_url", p.strOrNull("default_return_url"));
        config.put("features", defaultFeatures());
        applyFeatures(config, features);
        config.put("is_default", first);
        config.put("livemode", false);
        config.put("login_page", Json.obj("enabled", false, "url", null));
        config.put("metadata", Params.metadataFrom(p, "metadata"));
        config.put("name", p.strOrNull("name"));
        config.put("updated", now);
        s.store.put(config);
        s.emit("billing_portal.configuration.created", config);
        return config;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> update(String id, Params p) {
        Map<String, Object> config = s.store.require("billing_portal.configuration", id, "configuration");
        Map<String, Object> before = Json.deepCopy(config);
        if (p.has("active")) {
            config.put("active", p.bool("active", true));
        }
        if (p.has("default_return_url")) {
            config.put("default_return_url", p.strOrNull("default_return_url"));
        }
        if (p.has("name")) {
            config.put("name", p.strOrNull("name"));
        }
        Params profile = p.sub("business_profile");
        if (profile != null) {
            config.put(
                    "business_profile", businessProfile(profile, (Map<String, Object>) config.get("business_profile")));
        }
        Params features = p.sub("features");
        if (features != null) {
            applyFeatures(config, features);
        }
        p.applyMetadata(config, "metadata");
        if (!EmulatorState.diff(before, config).isEmpty()) {
            config.put("updated", s.now());
        }
        s.emitUpdated("billing_portal.configuration.updated", before, config);
        return s.render(config);
    }

    private static Map<String, Object> businessProfile(Params p, Map<String, Object> old) {
        Map<String, Object> profile = old != null
                ? old
                : Json.obj("headline", null, "privacy_policy_url", null, "terms_of_service_url", null);
        if (p != null) {
            for (String key : List.of("headline", "privacy_policy_url", "terms_of_service_url")) {
                if (p.has(key)) {
                    profile.put(key, p.strOrNull(key));
                }
            }
        }
        return profile;
    }

    private static Map<String, Object> defaultFeatures() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("customer_update", Json.obj("allowed_updates", new ArrayList<>(), "enabled", false));
        f.put("invoice_history", Json.obj("enabled", false));
        f.put("payment_method_update", Json.obj("enabled", false, "payment_method_configuration", null));
        f.put(
                "subscription_cancel",
                Json.obj(
                        "cancellation_reason",
                        Json.obj("enabled", false, "options", new ArrayList<>()),
                        "enabled",
                        false,
                        "mode",
                        "at_period_end",
                        "proration_behavior",
                        "none"));
        f.put(
                "subscription_update",
                Json.obj(
                        "billing_cycle_anchor",
                        null,
                        "default_allowed_updates",
                        new ArrayList<>(),
                        "enabled",
                        false,
                        "products",
                        new ArrayList<>(),
                        "proration_behavior",
                        "none",
                        "schedule_at_period_end",
                        Json.obj("conditions", new ArrayList<>()),
                        "trial_update_behavior",
                        "end_trial"));
        return f;
    }

    /** Applies the named feature hashes: the keys given replace the stored values. */
    @SuppressWarnings("unchecked")
    private void applyFeatures(Map<String, Object> config, Params features) {
        Map<String, Object> f = (Map<String, Object>) config.get("features");
        Params customerUpdate = features.sub("customer_update");
        if (customerUpdate != null) {
            Map<String, Object> cu = (Map<String, Object>) f.get("customer_update");
            setFlag(cu, customerUpdate, "enabled");
            if (customerUpdate.has("allowed_updates")) {
                cu.put("allowed_updates", new ArrayList<>(customerUpdate.strList("allowed_updates")));
            }
        }
        for (String simple : List.of("invoice_history", "payment_method_update")) {
            Params feature = features.sub(simple);
            if (feature != null) {
                setFlag((Map<String, Object>) f.get(simple), feature, "enabled");
            }
        }
        Params cancel = features.sub("subscription_cancel");
        if (cancel != null) {
            Map<String, Object> sc = (Map<String, Object>) f.get("subscription_cancel");
            setFlag(sc, cancel, "enabled");
            if (cancel.has("mode")) {
                sc.put("mode", cancel.oneOf("mode", "at_period_end", "at_period_end", "immediately"));
            }
            if (cancel.has("proration_behavior")) {
                sc.put(
                        "proration_behavior",
                        cancel.oneOf("proration_behavior", "none", "always_invoice", "create_prorations", "none"));
            }
        }
        Params update = features.sub("subscription_update");
        if (update != null) {
            Map<String, Object> su = (Map<String, Object>) f.get("subscription_update");
            setFlag(su, update, "enabled");
            if (update.has("default_allowed_updates")) {
                su.put("default_allowed_updates", new ArrayList<>(update.strList("default_allowed_updates")));
            }
            if (update.has("proration_behavior")) {
                su.put(
                        "proration_behavior",
                        update.oneOf("proration_behavior", "none", "always_invoice", "create_prorations", "none"));
            }
            if (update.has("products")) {
                su.put("products", products(update));
            }
        }
    }

    /** {@code products[n][product]} + {@code products[n][prices][]}: each price must exist and be the product's. */
    private List<Object> products(Params update) {
        List<Object> out = new ArrayList<>();
        List<Params> products = update.subList("products");
        for (int i = 0; i < products.size(); i++) {
            Params product = products.get(i);
            String id = product.requireStr("product");
            s.store.require("product", id, update.name("products") + "[" + i + "][product]");
            List<String> prices = product.strList("prices");
            for (String price : prices) {
                Map<String, Object> found =
                        s.store.require("price", price, update.name("products") + "[" + i + "][prices]");
                if (!id.equals(found.get("product"))) {
                    throw ApiError.invalid(
                            "The price " + price + " does not belong to the product " + id + ".",
                            update.name("products") + "[" + i + "][prices]");
                }
            }
            out.add(Json.obj(
                    "adjustable_quantity",
                    Json.obj("enabled", false, "maximum", null, "minimum", 0L),
                    "prices",
                    new ArrayList<>(prices),
                    "product",
                    id));
        }
        return out;
    }

    private static void setFlag(Map<String, Object> target, Params p, String key) {
        if (p.has(key)) {
            target.put(key, p.bool(key, false));
        }
    }
}
