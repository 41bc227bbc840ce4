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

/** Events ({@code /v1/events}) and webhook endpoints ({@code /v1/webhook_endpoints}). */
public final class Misc {
    private final EmulatorState s;

    public Misc(EmulatorState state) {
        this.s = state;
    }

    public void register(Routes r) {
        r.add("GET", "/v1/account", c -> account());
        r.add("GET", "/v1/accounts/{id}", c -> {
            if (!"acct_emulator".equals(c.var("id"))) {
                throw ApiError.noSuch("account", c.var("id"), "account");
            }
            return account();
        });
        r.add("GET", "/v1/balance", c -> balance());
        r.add("GET", "/v1/events", c -> listEvents(c.params()));
        r.add("GET", "/v1/events/{id}", c -> s.render(s.store.require("event", c.var("id"), "id")));

        r.add("POST", "/v1/webhook_endpoints", c -> {
            Map<String, Object> endpoint = createEndpoint(
                    c.params().requireStr("url"), null, c.params().strList("enabled_events"), c.params());
            Map<String, Object> out = s.render(endpoint);
            out.put("secret", endpoint.get("_secret"));
            return out;
        });
        r.add(
                "GET",
                "/v1/webhook_endpoints",
                c -> Lists.page(
                        s, "/v1/webhook_endpoints", s.store.newestFirst("webhook_endpoint", o -> true), c.params()));
        r.add(
                "GET",
                "/v1/webhook_endpoints/{id}",
                c -> s.render(s.store.require("webhook_endpoint", c.var("id"), "webhook_endpoint")));
        r.add("POST", "/v1/webhook_endpoints/{id}", c -> {
            Map<String, Object> endpoint = s.store.require("webhook_endpoint", c.var("id"), "webhook_endpoint");
            Params p = c.params();
            if (p.has("url")) {
                endpoint.put("url", validUrl(p.requireStr("url")));
            }
            if (p.has("enabled_events")) {
                endpoint.put("enabled_events", enabledEvents(p.strList("enabled_events")));
            }
            if (p.has("disabled")) {
                endpoint.put("status", p.bool("disabled", false) ? "disabled" : "enabled");
            }
            if (p.has("description")) {
                endpoint.put("description", p.strOrNull("description"));
            }
            p.applyMetadata(endpoint, "metadata");
            return s.render(endpoint);
        });
        r.add("DELETE", "/v1/webhook_endpoints/{id}", c -> {
            s.store.require("webhook_endpoint", c.var("id"), "webhook_endpoint");
            s.store.remove(c.var("id"));
            return Json.obj("id", c.var("id"), "object", "webhook_endpoint", "deleted", true);
        });
    }

    /** The emulated platform account (a cheap call clients use as a health check). */
    private Map<String, Object> account() {
        Map<String, Object> account = new LinkedHashMap<>();
        account.put("id", "acct_emulator");
        account.put("object", "account");
        account.put("business_profile", Json.obj("name", "Stripe Emulator", "url", null));
        account.put("business_type", "company");
        account.put("capabilities", Json.obj("card_payments", "active", "transfers", "active"));
        account.put("charges_enabled", true);
        account.put("country", "US");
        account.put("created", 0L);
        account.put("default_currency", "usd");
        account.put("details_submitted", true);
        account.put("email", "emulator@example.com");
        account.put("payouts_enabled", true);
        account.put("type", "standard");
        return account;
    }

    /** Available balance: succeeded charges minus refunds, per currency. */
    private Map<String, Object> balance() {
        Map<String, Long> byCurrency = new java.util.TreeMap<>();
        for (Map<String, Object> charge : s.store.all("charge")) {
            if ("succeeded".equals(charge.get("status"))) {
                byCurrency.merge(
                        (String) charge.get("currency"),
                        (Long) charge.get("amount") - (Long) charge.get("amount_refunded"),
                        Long::sum);
            }
        }
        if (byCurrency.isEmpty()) {
            byCurrency.put("usd", 0L);
        }
        List<Object> available = new ArrayList<>();
        List<Object> pending = new ArrayList<>();
        byCurrency.forEach((currency, amount) -> {
            available.add(Json.obj("amount", amount, "currency", currency, "source_types", Json.obj("card", amount)));
            pending.add(Json.obj("amount", 0L, "currency", currency, "source_types", Json.obj("card", 0L)));
        });
        return Json.obj("object", "balance", "available", available, "livemode", false, "pending", pending);
    }

    /** Creates an endpoint; {@code secret} null means "generate a whsec_ secret". */
    public Map<String, Object> createEndpoint(String url, String secret, List<String> events, Params p) {
        Map<String, Object> endpoint = new LinkedHashMap<>();
        endpoint.put("id", Ids.next("we"));
        endpoint.put("object", "webhook_endpoint");
        endpoint.put("api_version", p == null ? null : p.strOrNull("api_version"));
        endpoint.put("application", null);
        endpoint.put("created", s.now());
        endpoint.put("description", p == null ? null : p.strOrNull("description"));
        endpoint.put("enabled_events", enabledEvents(events));
        endpoint.put("livemode", false);
        endpoint.put("metadata", p == null ? new LinkedHashMap<String, Object>() : Params.metadataFrom(p, "metadata"));
        endpoint.put("status", "enabled");
        endpoint.put("url", validUrl(url));
        endpoint.put("_secret", secret != null ? secret : "whsec_" + Ids.random(32));
        s.store.put(endpoint);
        return endpoint;
    }

    private static List<String> enabledEvents(List<String> events) {
        if (events == null || events.isEmpty()) {
            throw ApiError.missingParam("enabled_events");
        }
        return new ArrayList<>(events);
    }

    private static String validUrl(String url) {
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw ApiError.invalid("Invalid URL: " + url + ". URLs must begin with http:// or https://.", "url");
        }
        return url;
    }

    private Map<String, Object> listEvents(Params p) {
        String type = p.strOrNull("type");
        List<String> types = p.strList("types");
        Long createdExact = null;
        Long gte = null;
        Long gt = null;
        Long lte = null;
        Long lt = null;
        Params created = p.sub("created");
        if (created != null) {
            gte = created.lng("gte");
            gt = created.lng("gt");
            lte = created.lng("lte");
            lt = created.lng("lt");
        } else {
            createdExact = p.lng("created");
        }
        final Long exact = createdExact;
        final Long fGte = gte;
        final Long fGt = gt;
        final Long fLte = lte;
        final Long fLt = lt;
        return Lists.page(
                s,
                "/v1/events",
                s.store.newestFirst("event", e -> {
                    String t = (String) e.get("type");
                    long c = (Long) e.get("created");
                    return (type == null || typeMatches(type, t))
                            && (types.isEmpty() || types.stream().anyMatch(x -> typeMatches(x, t)))
                            && (exact == null || c == exact)
                            && (fGte == null || c >= fGte)
                            && (fGt == null || c > fGt)
                            && (fLte == null || c <= fLte)
                            && (fLt == null || c < fLt);
                }),
                p);
    }

    private static boolean typeMatches(String pattern, String type) {
        if (pattern.endsWith("*")) {
            return type.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return pattern.equals(type);
    }
}
