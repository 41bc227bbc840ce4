package dev.billing.emulator.resource;

import dev.billing.emulator.service.MeterUsage;
import dev.billing.emulator.service.Products;
import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.state.Ids;
import dev.billing.emulator.state.Lists;
import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.Json;
import dev.billing.emulator.wire.Params;
import dev.billing.emulator.wire.Routes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Products, prices, coupons, promotion codes and billing meters. Creating a product or a price is
 * {@link Products}', which seed files and inline {@code price_data} share.
 */
public final class Catalog {
    private final EmulatorState s;
    private final Products products;

    public Catalog(EmulatorState state, Products products) {
        this.s = state;
        this.products = products;
    }

    public void register(Routes r) {
        r.add(
                "POST",
                "/v1/products",
                c -> s.render(
                        products.createProduct(c.params(), true), c.params().expand()));
        r.add("GET", "/v1/products", c -> listProducts(c.params()));
        r.add(
                "GET",
                "/v1/products/{id}",
                c -> s.render(
                        s.store.require("product", c.var("id"), "id"),
                        c.params().expand()));
        r.add("POST", "/v1/products/{id}", c -> updateProduct(c.var("id"), c.params()));
        r.add("DELETE", "/v1/products/{id}", c -> deleteProduct(c.var("id")));

        r.add(
                "POST",
                "/v1/prices",
                c -> s.render(products.createPrice(c.params(), true), c.params().expand()));
        r.add("GET", "/v1/prices", c -> listPrices(c.params()));
        r.add(
                "GET",
                "/v1/prices/{id}",
                c -> s.render(
                        s.store.require("price", c.var("id"), "id"), c.params().expand()));
        r.add("POST", "/v1/prices/{id}", c -> updatePrice(c.var("id"), c.params()));

        r.add("POST", "/v1/coupons", c -> s.render(createCoupon(c.params(), true)));
        r.add(
                "GET",
                "/v1/coupons",
                c -> Lists.page(s, "/v1/coupons", s.store.newestFirst("coupon", o -> true), c.params()));
        r.add("GET", "/v1/coupons/{id}", c -> s.render(s.store.require("coupon", c.var("id"), "id")));
        r.add("DELETE", "/v1/coupons/{id}", c -> {
            Map<String, Object> coupon = s.store.require("coupon", c.var("id"), "id");
            coupon.put("_deleted", true);
            s.emit("coupon.deleted", Json.deepCopy(coupon));
            return Json.obj("id", coupon.get("id"), "object", "coupon", "deleted", true);
        });

        r.add("POST", "/v1/promotion_codes", c -> s.render(createPromotionCode(c.params(), true)));
        r.add("GET", "/v1/promotion_codes", c -> listPromotionCodes(c.params()));
        r.add(
                "GET",
                "/v1/promotion_codes/{id}",
                c -> s.render(
                        s.store.require("promotion_code", c.var("id"), "id"),
                        c.params().expand()));

        r.add("POST", "/v1/billing/meters", c -> s.render(createMeter(c.params(), true)));
        r.add("GET", "/v1/billing/meters", c -> listMeters(c.params()));
        r.add("GET", "/v1/billing/meters/{id}", c -> s.render(s.store.require("billing.meter", c.var("id"), "id")));
        r.add("POST", "/v1/billing/meters/{id}", c -> updateMeter(c.var("id"), c.params()));
        r.add("GET", "/v1/billing/meters/{id}/event_summaries", this::meterEventSummaries);
    }

    // ---------------------------------------------------------------- products

    private Map<String, Object> listProducts(Params p) {
        Boolean active = p.bool("active");
        List<String> ids = p.strList("ids");
        return Lists.page(
                s,
                "/v1/products",
                s.store.newestFirst(
                        "product",
                        o -> (active == null || active.equals(o.get("active")))
                                && (ids.isEmpty() || ids.contains((String) o.get("id")))),
                p);
    }

    private Map<String, Object> updateProduct(String id, Params p) {
        Map<String, Object> product = s.store.require("product", id, "id");
        Map<String, Object> before = Json.deepCopy(product);
        if (p.has("name")) {
            product.put("name", p.requireStr("name"));
        }
        for (String key : List.of("description", "statement_descriptor", "tax_code", "unit_label", "url")) {
            if (p.has(key)) {
                product.put(key, p.strOrNull(key));
            }
        }
        if (p.has("active")) {
            product.put("active", p.bool("active", true));
        }
        if (p.has("default_price")) {
            String priceId = p.strOrNull("default_price");
            if (priceId != null) {
                Map<String, Object> price = s.store.require("price", priceId, "default_price");
                if (!id.equals(price.get("product"))) {
                    throw ApiError.invalid("The price must belong to this product.", "default_price");
                }
            }
            product.put("default_price", priceId);
        }
        p.applyMetadata(product, "metadata");
        if (!EmulatorState.diff(before, product).isEmpty()) {
            product.put("updated", s.now());
        }
        s.emitUpdated("product.updated", before, product);
        return s.render(product, p.expand());
    }

    private Map<String, Object> deleteProduct(String id) {
        Map<String, Object> product = s.store.require("product", id, "id");
        boolean hasPrices = s.store.all("price").stream().anyMatch(pr -> id.equals(pr.get("product")));
        if (hasPrices) {
            throw ApiError.invalid(
                    "This product cannot be deleted because it has one or more user-created prices.", "id");
        }
        Map<String, Object> snapshot = Json.deepCopy(product);
        s.store.remove(id);
        s.emit("product.deleted", snapshot);
        return Json.obj("id", id, "object", "product", "deleted", true);
    }

    // ---------------------------------------------------------------- prices

    @SuppressWarnings("unchecked")
    private Map<String, Object> listPrices(Params p) {
        Boolean active = p.bool("active");
        String product = p.strOrNull("product");
        String type = p.oneOf("type", null, "one_time", "recurring");
        String currency = p.strOrNull("currency");
        List<String> lookupKeys = p.strList("lookup_keys");
        Params rec = p.sub("recurring");
        String interval = rec == null ? null : rec.strOrNull("interval");
        String usageType = rec == null ? null : rec.strOrNull("usage_type");
        String meter = rec == null ? null : rec.strOrNull("meter");
        return Lists.page(
                s,
                "/v1/prices",
                s.store.newestFirst("price", o -> {
                    Map<String, Object> r = (Map<String, Object>) o.get("recurring");
                    return (active == null || active.equals(o.get("active")))
                            && (product == null || product.equals(o.get("product")))
                            && (type == null || type.equals(o.get("type")))
                            && (currency == null || currency.equalsIgnoreCase((String) o.get("currency")))
                            && (lookupKeys.isEmpty() || lookupKeys.contains((String) o.get("lookup_key")))
                            && (interval == null || (r != null && interval.equals(r.get("interval"))))
                            && (usageType == null || (r != null && usageType.equals(r.get("usage_type"))))
                            && (meter == null || (r != null && meter.equals(r.get("meter"))));
                }),
                p);
    }

    private Map<String, Object> updatePrice(String id, Params p) {
        Map<String, Object> price = s.store.require("price", id, "id");
        Map<String, Object> before = Json.deepCopy(price);
        if (p.has("active")) {
            price.put("active", p.bool("active", true));
        }
        if (p.has("nickname")) {
            price.put("nickname", p.strOrNull("nickname"));
        }
        if (p.has("lookup_key")) {
            String lookupKey = p.strOrNull("lookup_key");
            if (lookupKey != null) {
                Map<String, Object> holder = products.priceByLookupKey(lookupKey);
                if (holder != null && holder != price) {
                    if (p.bool("transfer_lookup_key", false)) {
                        Map<String, Object> holderBefore = Json.deepCopy(holder);
                        holder.put("lookup_key", null);
                        s.emitUpdated("price.updated", holderBefore, holder);
                    } else {
                        throw ApiError.invalid(
                                "A price (`" + holder.get("id") + "`) already uses that lookup key.", "lookup_key");
                    }
                }
            }
            price.put("lookup_key", lookupKey);
        }
        p.applyMetadata(price, "metadata");
        s.emitUpdated("price.updated", before, price);
        return s.render(price, p.expand());
    }

    // ---------------------------------------------------------------- coupons & promotion codes

    public Map<String, Object> createCoupon(Params p, boolean emit) {
        String id = p.strOrNull("id");
        if (id != null && s.store.get(id) != null) {
            throw ApiError.invalid("resource_already_exists", "Coupon already exists.", "id");
        }
        Double percentOff = p.dbl("percent_off");
        Long amountOff = p.lng("amount_off");
        if (percentOff == null && amountOff == null) {
            throw ApiError.invalid("You must pass either `percent_off` or `amount_off`.", "percent_off");
        }
        if (percentOff != null && (percentOff <= 0 || percentOff > 100)) {
            throw ApiError.invalid("Invalid percent_off: must be between 0 and 100.", "percent_off");
        }
        String currency = p.strOrNull("currency");
        if (amountOff != null && currency == null) {
            throw ApiError.missingParam("currency");
        }
        String duration = p.oneOf("duration", "once", "once", "repeating", "forever");
        Long months = p.lng("duration_in_months");
        if ("repeating".equals(duration) && months == null) {
            throw ApiError.missingParam("duration_in_months");
        }
        Map<String, Object> coupon = new LinkedHashMap<>();
        coupon.put("id", id != null ? id : Ids.random(8).toUpperCase(java.util.Locale.ROOT));
        coupon.put("object", "coupon");
        coupon.put("amount_off", amountOff);
        coupon.put("created", s.now());
        coupon.put("currency", currency);
        coupon.put("duration", duration);
        coupon.put("duration_in_months", "repeating".equals(duration) ? months : null);
        coupon.put("livemode", false);
        coupon.put("max_redemptions", p.lng("max_redemptions"));
        coupon.put("metadata", Params.metadataFrom(p, "metadata"));
        coupon.put("name", p.strOrNull("name"));
        coupon.put("percent_off", percentOff);
        coupon.put("redeem_by", p.lng("redeem_by"));
        coupon.put("times_redeemed", 0L);
        coupon.put("valid", true);
        s.store.put(coupon);
        if (emit) {
            s.emit("coupon.created", coupon);
        }
        return coupon;
    }

    public Map<String, Object> createPromotionCode(Params p, boolean emit) {
        Params promotion = p.sub("promotion");
        String couponId = promotion != null ? promotion.strOrNull("coupon") : p.strOrNull("coupon");
        if (couponId == null) {
            throw ApiError.missingParam("promotion[coupon]");
        }
        s.store.require("coupon", couponId, "promotion[coupon]");
        String code = p.strOrNull("code");
        if (code == null) {
            code = Ids.random(8).toUpperCase(java.util.Locale.ROOT);
        }
        final String finalCode = code;
        boolean taken = s.store.all("promotion_code").stream()
                .anyMatch(pc -> Boolean.TRUE.equals(pc.get("active")) && finalCode.equals(pc.get("code")));
        if (taken) {
            throw ApiError.invalid("An active promotion code with `code: " + code + "` already exists.", "code");
        }
        String id = p.strOrNull("id");
        Map<String, Object> pc = new LinkedHashMap<>();
        pc.put("id", id != null ? id : Ids.next("promo"));
        pc.put("object", "promotion_code");
        pc.put("active", p.bool("active", true));
        pc.put("code", code);
        pc.put("created", s.now());
        pc.put("customer", p.strOrNull("customer"));
        pc.put("customer_account", null);
        pc.put("expires_at", p.lng("expires_at"));
        pc.put("livemode", false);
        pc.put("max_redemptions", p.lng("max_redemptions"));
        pc.put("metadata", Params.metadataFrom(p, "metadata"));
        pc.put("promotion", Json.obj("coupon", couponId, "type", "coupon"));
        pc.put(
                "restrictions",
                Json.obj("first_time_transaction", false, "minimum_amount", null, "minimum_amount_currency", null));
        pc.put("times_redeemed", 0L);
        s.store.put(pc);
        if (emit) {
            s.emit("promotion_code.created", pc);
        }
        return pc;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> listPromotionCodes(Params p) {
        String code = p.strOrNull("code");
        Boolean active = p.bool("active");
        String coupon = p.strOrNull("coupon");
        return Lists.page(
                s,
                "/v1/promotion_codes",
                s.store.newestFirst(
                        "promotion_code",
                        o -> (code == null || code.equalsIgnoreCase((String) o.get("code")))
                                && (active == null || active.equals(o.get("active")))
                                && (coupon == null
                                        || coupon.equals(((Map<String, Object>) o.get("promotion")).get("coupon")))),
                p);
    }

    // ---------------------------------------------------------------- meters

    public Map<String, Object> createMeter(Params p, boolean emit) {
        String eventName = p.requireStr("event_name");
        boolean taken = s.store.all("billing.meter").stream()
                .anyMatch(m -> eventName.equals(m.get("event_name")) && "active".equals(m.get("status")));
        if (taken) {
            throw ApiError.invalid("An active meter with event_name `" + eventName + "` already exists.", "event_name");
        }
        String id = p.strOrNull("id");
        Params aggregation = p.sub("default_aggregation");
        Params customerMapping = p.sub("customer_mapping");
        Params valueSettings = p.sub("value_settings");
        long now = s.now();
        Map<String, Object> meter = new LinkedHashMap<>();
        meter.put("id", id != null ? id : Ids.next("mtr"));
        meter.put("object", "billing.meter");
        meter.put("created", now);
        meter.put(
                "customer_mapping",
                Json.obj(
                        "event_payload_key",
                        customerMapping == null
                                ? "stripe_customer_id"
                                : Objects.requireNonNullElse(
                                        customerMapping.strOrNull("event_payload_key"), "stripe_customer_id"),
                        "type",
                        "by_id"));
        meter.put(
                "default_aggregation",
                Json.obj(
                        "formula",
                        aggregation == null ? "sum" : aggregation.oneOf("formula", "sum", "sum", "count", "last")));
        meter.put("display_name", Objects.requireNonNullElse(p.strOrNull("display_name"), eventName));
        meter.put("event_name", eventName);
        meter.put("event_time_window", null);
        meter.put("livemode", false);
        meter.put("status", "active");
        meter.put("status_transitions", Json.obj("deactivated_at", null));
        meter.put("updated", now);
        meter.put(
                "value_settings",
                Json.obj(
                        "event_payload_key",
                        valueSettings == null
                                ? "value"
                                : Objects.requireNonNullElse(valueSettings.strOrNull("event_payload_key"), "value")));
        s.store.put(meter);
        if (emit) {
            s.emit("billing.meter.created", meter);
        }
        return meter;
    }

    private Map<String, Object> listMeters(Params p) {
        String status = p.oneOf("status", null, "active", "inactive");
        return Lists.page(
                s,
                "/v1/billing/meters",
                s.store.newestFirst("billing.meter", o -> status == null || status.equals(o.get("status"))),
                p);
    }

    /** Stripe lets only the display name of a meter change; what it counts is fixed at creation. */
    private Map<String, Object> updateMeter(String id, Params p) {
        Map<String, Object> meter = s.store.require("billing.meter", id, "id");
        Map<String, Object> before = Json.deepCopy(meter);
        if (p.has("display_name")) {
            meter.put("display_name", p.requireStr("display_name"));
        }
        if (!EmulatorState.diff(before, meter).isEmpty()) {
            meter.put("updated", s.now());
        }
        s.emitUpdated("billing.meter.updated", before, meter);
        return s.render(meter, p.expand());
    }

    private Map<String, Object> meterEventSummaries(Routes.Call c) {
        Map<String, Object> meter = s.store.require("billing.meter", c.var("id"), "id");
        Params p = c.params();
        String customer = p.requireStr("customer");
        long start = p.requireLng("start_time");
        long end = p.requireLng("end_time");
        double total = MeterUsage.aggregate(s, meter, customer, start, end);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("id", Ids.next("mtrusg"));
        summary.put("object", "billing.meter_event_summary");
        summary.put("aggregated_value", total);
        summary.put("end_time", end);
        summary.put("livemode", false);
        summary.put("meter", meter.get("id"));
        summary.put("start_time", start);
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("object", "list");
        list.put("data", List.of(summary));
        list.put("has_more", false);
        list.put("url", "/v1/billing/meters/" + meter.get("id") + "/event_summaries");
        return list;
    }
}
