package dev.billing.emulator.service;

import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.state.Ids;
import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.Json;
import dev.billing.emulator.wire.Params;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Products and prices as stored objects: created through the API, by seed files, and for the inline
 * {@code price_data} of subscription items, so creating them is shared; and the product name that
 * descriptions and pages show.
 */
public final class Products {
    private final EmulatorState s;

    public Products(EmulatorState state) {
        this.s = state;
    }

    /** Creates a product (and its {@code default_price_data}); {@code emit} is false for seeds. */
    public Map<String, Object> createProduct(Params p, boolean emit) {
        String id = p.strOrNull("id");
        if (id != null && s.store.get(id) != null) {
            throw ApiError.invalid("resource_already_exists", "Product already exists.", "id");
        }
        String name = p.requireStr("name");
        long now = s.now();
        Map<String, Object> product = new LinkedHashMap<>();
        product.put("id", id != null ? id : Ids.next("prod"));
        product.put("object", "product");
        product.put("active", p.bool("active", true));
        product.put("created", now);
        product.put("default_price", null);
        product.put("description", p.strOrNull("description"));
        product.put("images", new ArrayList<>(p.strList("images")));
        product.put("livemode", false);
        product.put("marketing_features", new ArrayList<>());
        product.put("metadata", Params.metadataFrom(p, "metadata"));
        product.put("name", name);
        product.put("package_dimensions", null);
        product.put("shippable", null);
        product.put("statement_descriptor", p.strOrNull("statement_descriptor"));
        product.put("tax_code", p.strOrNull("tax_code"));
        product.put("type", "service");
        product.put("unit_label", p.strOrNull("unit_label"));
        product.put("updated", now);
        product.put("url", p.strOrNull("url"));
        s.store.put(product);
        if (emit) {
            s.emit("product.created", product);
        }
        Params defaultPrice = p.sub("default_price_data");
        if (defaultPrice != null) {
            Map<String, Object> priceParams = new LinkedHashMap<>(defaultPrice.raw());
            priceParams.put("product", product.get("id"));
            Map<String, Object> price = createPrice(new Params(priceParams), emit);
            Map<String, Object> before = Json.deepCopy(product);
            product.put("default_price", price.get("id"));
            if (emit) {
                s.emitUpdated("product.updated", before, product);
            }
        }
        return product;
    }

    /** Creates a price (and its {@code product_data}); {@code emit} is false for seeds and inline prices. */
    public Map<String, Object> createPrice(Params p, boolean emit) {
        String id = p.strOrNull("id");
        if (id != null && s.store.get(id) != null) {
            throw ApiError.invalid("resource_already_exists", "Price already exists.", "id");
        }
        String productId = p.strOrNull("product");
        Params productData = p.sub("product_data");
        if (productId == null && productData == null) {
            throw ApiError.missingParam("product");
        }
        String currency = p.requireStr("currency").toLowerCase(java.util.Locale.ROOT);
        Long unitAmount = p.lng("unit_amount");
        if (unitAmount == null && p.strOrNull("unit_amount_decimal") != null) {
            unitAmount = Math.round(Double.parseDouble(p.strOrNull("unit_amount_decimal")));
        }
        if (unitAmount == null) {
            throw ApiError.missingParam("unit_amount");
        }
        if (unitAmount < 0) {
            throw ApiError.invalid("This value must be greater than or equal to 0.", "unit_amount");
        }
        Map<String, Object> recurring = null;
        Params rec = p.sub("recurring");
        if (rec != null) {
            recurring = recurring(rec);
        }
        String lookupKey = p.strOrNull("lookup_key");
        if (lookupKey != null) {
            Map<String, Object> holder = priceByLookupKey(lookupKey);
            if (holder != null) {
                if (p.bool("transfer_lookup_key", false)) {
                    holder.put("lookup_key", null);
                } else {
                    throw ApiError.invalid(
                            "A price (`" + holder.get("id") + "`) already uses that lookup key.", "lookup_key");
                }
            }
        }
        if (productId != null) {
            s.store.require("product", productId, "product");
        } else {
            Map<String, Object> productParams = new LinkedHashMap<>(productData.raw());
            productId = (String) createProduct(new Params(productParams), emit).get("id");
        }
        Map<String, Object> price = new LinkedHashMap<>();
        price.put("id", id != null ? id : Ids.next("price"));
        price.put("object", "price");
        price.put("active", p.bool("active", true));
        price.put("billing_scheme", "per_unit");
        price.put("created", s.now());
        price.put("currency", currency);
        price.put("custom_unit_amount", null);
        price.put("livemode", false);
        price.put("lookup_key", lookupKey);
        price.put("metadata", Params.metadataFrom(p, "metadata"));
        price.put("nickname", p.strOrNull("nickname"));
        price.put("product", productId);
        price.put("recurring", recurring);
        price.put("tax_behavior", p.oneOf("tax_behavior", "unspecified", "inclusive", "exclusive", "unspecified"));
        price.put("tiers_mode", null);
        price.put("transform_quantity", null);
        price.put("type", recurring == null ? "one_time" : "recurring");
        price.put("unit_amount", unitAmount);
        price.put("unit_amount_decimal", Long.toString(unitAmount));
        s.store.put(price);
        if (emit) {
            s.emit("price.created", price);
        }
        return price;
    }

    private Map<String, Object> recurring(Params rec) {
        String interval = rec.oneOf("interval", null, "day", "week", "month", "year");
        if (interval == null) {
            throw ApiError.missingParam(rec.name("interval"));
        }
        long count = rec.lng("interval_count", 1);
        if (count < 1) {
            throw ApiError.invalid("Invalid interval_count", rec.name("interval_count"));
        }
        String usageType = rec.oneOf("usage_type", "licensed", "licensed", "metered");
        String meter = rec.strOrNull("meter");
        if ("metered".equals(usageType) && meter == null) {
            throw ApiError.invalid("Metered prices must be backed by a meter.", rec.name("meter"));
        }
        if (meter != null) {
            s.store.require("billing.meter", meter, rec.name("meter"));
        }
        Map<String, Object> recurring = new LinkedHashMap<>();
        recurring.put("interval", interval);
        recurring.put("interval_count", count);
        recurring.put("meter", meter);
        recurring.put("trial_period_days", rec.lng("trial_period_days"));
        recurring.put("usage_type", usageType);
        return recurring;
    }

    public Map<String, Object> priceByLookupKey(String lookupKey) {
        for (Map<String, Object> price : s.store.all("price")) {
            if (lookupKey.equals(price.get("lookup_key"))) {
                return price;
            }
        }
        return null;
    }

    /** The name of a price's product for descriptions and pages; the product id when it is gone. */
    public String productName(Map<String, Object> price) {
        Map<String, Object> product = s.store.get((String) price.get("product"));
        return product == null ? String.valueOf(price.get("product")) : (String) product.get("name");
    }
}
