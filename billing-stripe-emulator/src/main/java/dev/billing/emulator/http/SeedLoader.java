package dev.billing.emulator.http;

import dev.billing.emulator.resource.Catalog;
import dev.billing.emulator.resource.Customers;
import dev.billing.emulator.resource.Misc;
import dev.billing.emulator.service.Products;
import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.Json;
import dev.billing.emulator.wire.Params;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Loads seed data (YAML or JSON): {@code meters}, {@code products} (with nested {@code prices}),
 * {@code prices}, {@code coupons}, {@code promotion_codes}, {@code customers},
 * {@code webhook_endpoints}. Values use Stripe's parameter names; seeding emits no events.
 */
final class SeedLoader {
    private final EmulatorState s;
    private final Products products;
    private final Catalog catalog;
    private final Customers customers;
    private final Misc misc;

    /** Seeds go through the resources' own creation code, so a seed object is what the API would create. */
    SeedLoader(EmulatorState state, ApiResources resources) {
        this.s = state;
        this.products = resources.products();
        this.catalog = resources.catalog();
        this.customers = resources.customers();
        this.misc = resources.misc();
    }

    /** Reads {@code classpath:<resource>} or a file path. */
    static String read(String location) {
        try {
            if (location.startsWith("classpath:")) {
                String resource = location.substring("classpath:".length());
                resource = resource.startsWith("/") ? resource.substring(1) : resource;
                ClassLoader loader = Thread.currentThread().getContextClassLoader();
                InputStream in = loader == null ? null : loader.getResourceAsStream(resource);
                if (in == null) {
                    in = SeedLoader.class.getClassLoader().getResourceAsStream(resource);
                }
                if (in == null) {
                    throw new IllegalArgumentException("seed resource not found: " + resource);
                }
                try (InputStream stream = in) {
                    return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            return Files.readString(Path.of(location), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read seed " + location, e);
        }
    }

    /** Parses YAML or JSON text into the seed document. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String text) {
        String trimmed = text.strip();
        if (trimmed.startsWith("{")) {
            return Json.parseObject(trimmed);
        }
        Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        if (doc == null) {
            return Map.of();
        }
        if (!(doc instanceof Map)) {
            throw new IllegalArgumentException("a seed document must be a mapping");
        }
        return (Map<String, Object>) doc;
    }

    /** Applies a parsed seed document; returns counts of what was created. */
    @SuppressWarnings("unchecked")
    Map<String, Object> apply(Map<String, Object> doc) {
        Map<String, Object> counts = new LinkedHashMap<>();
        s.muted(() -> {
            try {
                for (Map<String, Object> m : listOf(doc, "meters")) {
                    catalog.createMeter(params(m), false);
                    bump(counts, "meters");
                }
                for (Map<String, Object> product : listOf(doc, "products")) {
                    Map<String, Object> productFields = new LinkedHashMap<>(product);
                    List<Map<String, Object>> prices = listOf(productFields, "prices");
                    Object defaultPrice = productFields.remove("default_price");
                    productFields.remove("prices");
                    Map<String, Object> created = products.createProduct(params(productFields), false);
                    bump(counts, "products");
                    String firstPrice = null;
                    for (Map<String, Object> price : prices) {
                        Map<String, Object> priceFields = new LinkedHashMap<>(price);
                        priceFields.put("product", created.get("id"));
                        Map<String, Object> p = products.createPrice(params(priceFields), false);
                        firstPrice = firstPrice == null ? (String) p.get("id") : firstPrice;
                        bump(counts, "prices");
                    }
                    Object chosen = defaultPrice != null ? defaultPrice : firstPrice;
                    if (chosen != null) {
                        created.put("default_price", chosen.toString());
                    }
                }
                for (Map<String, Object> price : listOf(doc, "prices")) {
                    products.createPrice(params(price), false);
                    bump(counts, "prices");
                }
                for (Map<String, Object> coupon : listOf(doc, "coupons")) {
                    catalog.createCoupon(params(coupon), false);
                    bump(counts, "coupons");
                }
                for (Map<String, Object> pc : listOf(doc, "promotion_codes")) {
                    catalog.createPromotionCode(params(pc), false);
                    bump(counts, "promotion_codes");
                }
                for (Map<String, Object> customer : listOf(doc, "customers")) {
                    Map<String, Object> fields = new LinkedHashMap<>(customer);
                    Object pm = fields.get("payment_method");
                    if (pm != null) {
                        Map<String, Object> settings = new LinkedHashMap<>();
                        Object existing = fields.get("invoice_settings");
                        if (existing instanceof Map<?, ?> m) {
                            settings.putAll((Map<String, Object>) m);
                        }
                        settings.putIfAbsent("default_payment_method", pm);
                        fields.put("invoice_settings", settings);
                    }
                    customers.createCustomer(params(fields));
                    bump(counts, "customers");
                }
                for (Map<String, Object> endpoint : listOf(doc, "webhook_endpoints")) {
                    Params p = params(endpoint);
                    List<String> events = p.strList("enabled_events");
                    misc.createEndpoint(
                            p.requireStr("url"), p.strOrNull("secret"), events.isEmpty() ? List.of("*") : events, p);
                    bump(counts, "webhook_endpoints");
                }
            } catch (ApiError e) {
                throw new IllegalArgumentException(
                        "invalid seed: " + e.getMessage() + (e.param == null ? "" : " (" + e.param + ")"), e);
            }
        });
        return counts;
    }

    private static void bump(Map<String, Object> counts, String key) {
        counts.merge(key, 1L, (a, b) -> (Long) a + (Long) b);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> listOf(Map<String, Object> doc, String key) {
        Object v = doc.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException("seed: `" + key + "` must be a list");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Map)) {
                throw new IllegalArgumentException("seed: every entry of `" + key + "` must be a mapping");
            }
            out.add((Map<String, Object>) item);
        }
        return out;
    }

    /** Converts typed YAML/JSON values into the string tree the API handlers take. */
    @SuppressWarnings("unchecked")
    static Params params(Map<String, Object> fields) {
        return new Params((Map<String, Object>) toTree(fields));
    }

    private static Object toTree(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                if (v != null) {
                    out.put(String.valueOf(k), toTree(v));
                }
            });
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(toTree(v)));
            return out;
        }
        if (value instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(value);
    }
}
