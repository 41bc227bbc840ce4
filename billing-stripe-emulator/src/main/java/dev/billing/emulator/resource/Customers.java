package dev.billing.emulator.resource;

import dev.billing.emulator.service.Cards;
import dev.billing.emulator.service.CustomerAccounts;
import dev.billing.emulator.service.SubscriptionLifecycle;
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
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Customers, payment methods, setup intents and billing portal sessions. */
public final class Customers {
    private static final Pattern CLAUSE =
            Pattern.compile("\\s*(-?)(metadata\\[['\"]([^'\"]+)['\"]\\]|[a-z_]+)\\s*([:~])\\s*['\"]([^'\"]*)['\"]\\s*");

    private final EmulatorState s;
    private final CustomerAccounts accounts;
    private final SubscriptionLifecycle lifecycle;

    public Customers(EmulatorState state, CustomerAccounts accounts, SubscriptionLifecycle lifecycle) {
        this.s = state;
        this.accounts = accounts;
        this.lifecycle = lifecycle;
    }

    public void register(Routes r) {
        r.add(
                "POST",
                "/v1/customers",
                c -> s.render(createCustomer(c.params()), c.params().expand()));
        r.add("GET", "/v1/customers", c -> listCustomers(c.params()));
        r.add("GET", "/v1/customers/search", c -> searchCustomers(c.params()));
        r.add("GET", "/v1/customers/{id}", c -> retrieveCustomer(c.var("id"), c.params()));
        r.add("POST", "/v1/customers/{id}", c -> updateCustomer(c.var("id"), c.params()));
        r.add("DELETE", "/v1/customers/{id}", c -> deleteCustomer(c.var("id")));
        r.add("GET", "/v1/customers/{id}/payment_methods", c -> {
            s.store.require("customer", c.var("id"), "customer");
            return listPaymentMethods(c.var("id"), c.params(), "/v1/customers/" + c.var("id") + "/payment_methods");
        });
        r.add("GET", "/v1/customers/{id}/payment_methods/{pm}", c -> {
            Map<String, Object> pm = s.store.require("payment_method", c.var("pm"), "payment_method");
            if (!c.var("id").equals(pm.get("customer"))) {
                throw ApiError.noSuch("PaymentMethod", c.var("pm"), "payment_method");
            }
            return s.render(pm, c.params().expand());
        });

        r.add("POST", "/v1/payment_methods", c -> s.render(createPaymentMethod(c.params())));
        r.add(
                "GET",
                "/v1/payment_methods",
                c -> listPaymentMethods(c.params().strOrNull("customer"), c.params(), "/v1/payment_methods"));
        r.add(
                "GET",
                "/v1/payment_methods/{id}",
                c -> s.render(
                        s.store.require("payment_method", c.var("id"), "payment_method"),
                        c.params().expand()));
        r.add("POST", "/v1/payment_methods/{id}", c -> {
            Map<String, Object> pm = s.store.require("payment_method", c.var("id"), "payment_method");
            Map<String, Object> before = Json.deepCopy(pm);
            c.params().applyMetadata(pm, "metadata");
            s.emitUpdated("payment_method.updated", before, pm);
            return s.render(pm, c.params().expand());
        });
        r.add(
                "POST",
                "/v1/payment_methods/{id}/attach",
                c -> s.render(
                        accounts.attach(c.var("id"), c.params().requireStr("customer"), "customer"),
                        c.params().expand()));
        r.add(
                "POST",
                "/v1/payment_methods/{id}/detach",
                c -> s.render(detach(c.var("id")), c.params().expand()));

        r.add(
                "POST",
                "/v1/setup_intents",
                c -> s.render(createSetupIntent(c.params()), c.params().expand()));
        r.add("GET", "/v1/setup_intents", c -> {
            String customer = c.params().strOrNull("customer");
            return Lists.page(
                    s,
                    "/v1/setup_intents",
                    s.store.newestFirst("setup_intent", o -> customer == null || customer.equals(o.get("customer"))),
                    c.params());
        });
        r.add(
                "GET",
                "/v1/setup_intents/{id}",
                c -> s.render(
                        s.store.require("setup_intent", c.var("id"), "intent"),
                        c.params().expand()));
        r.add(
                "POST",
                "/v1/setup_intents/{id}/confirm",
                c -> s.render(
                        accounts.confirmSetupIntent(c.var("id"), c.params().strOrNull("payment_method"), null),
                        c.params().expand()));

        r.add("POST", "/v1/billing_portal/sessions", c -> s.render(createPortalSession(c.params())));
    }

    // ---------------------------------------------------------------- customers

    public Map<String, Object> createCustomer(Params p) {
        String paymentMethod = p.strOrNull("payment_method");
        Params invoiceSettings = p.sub("invoice_settings");
        String defaultPm = invoiceSettings == null ? null : invoiceSettings.strOrNull("default_payment_method");
        if (defaultPm != null && !defaultPm.equals(paymentMethod)) {
            throw ApiError.invalid(
                    "resource_missing",
                    "No such PaymentMethod: '" + defaultPm + "'",
                    "invoice_settings[default_payment_method]");
        }
        if (paymentMethod != null && Cards.fromMagicPaymentMethod(paymentMethod) == null) {
            Map<String, Object> pm = s.store.require("payment_method", paymentMethod, "payment_method");
            if (pm.get("customer") != null) {
                throw ApiError.invalid(
                        "The payment method you provided has already been attached to a customer.", "payment_method");
            }
        }
        Map<String, Object> customer = accounts.newCustomer(p.strOrNull("email"), p.strOrNull("name"));
        String fixedId = p.strOrNull("id");
        if (fixedId != null) {
            // Emulator extension (used by seed files): a caller-chosen id.
            if (s.store.get(fixedId) != null) {
                throw ApiError.invalid("resource_already_exists", "Customer already exists.", "id");
            }
            customer.put("id", fixedId);
        }
        customer.put("description", p.strOrNull("description"));
        customer.put("phone", p.strOrNull("phone"));
        if (p.sub("address") != null) {
            customer.put("address", address(p.sub("address")));
        }
        customer.put("metadata", Params.metadataFrom(p, "metadata"));
        if (p.has("preferred_locales")) {
            customer.put("preferred_locales", new ArrayList<>(p.strList("preferred_locales")));
        }
        if (p.has("balance")) {
            customer.put("balance", p.lng("balance", 0));
        }
        s.store.put(customer);
        Map<String, Object> pm = null;
        if (paymentMethod != null) {
            pm = accounts.attach(paymentMethod, (String) customer.get("id"), "payment_method", false);
            if (defaultPm != null) {
                CustomerAccounts.invoiceSettings(customer).put("default_payment_method", pm.get("id"));
            }
        }
        s.emit("customer.created", customer);
        if (pm != null) {
            s.emit("payment_method.attached", pm);
        }
        return customer;
    }

    private static Map<String, Object> address(Params a) {
        Map<String, Object> address = new LinkedHashMap<>();
        for (String k : List.of("city", "country", "line1", "line2", "postal_code", "state")) {
            address.put(k, a.strOrNull(k));
        }
        return address;
    }

    private Map<String, Object> retrieveCustomer(String id, Params p) {
        Map<String, Object> customer = s.store.get(id);
        if (customer == null || !"customer".equals(customer.get("object"))) {
            throw ApiError.noSuch("customer", id, "id");
        }
        return s.render(customer, Boolean.TRUE.equals(customer.get("_deleted")) ? List.of() : p.expand());
    }

    private Map<String, Object> updateCustomer(String id, Params p) {
        Map<String, Object> customer = s.store.require("customer", id, "id");
        Map<String, Object> before = Json.deepCopy(customer);
        for (String key : List.of("email", "name", "phone", "description")) {
            if (p.has(key)) {
                customer.put(key, p.strOrNull(key));
            }
        }
        if (p.has("address")) {
            Params a = p.sub("address");
            customer.put("address", a == null ? null : address(a));
        }
        if (p.has("balance")) {
            customer.put("balance", p.lng("balance", 0));
        }
        if (p.has("preferred_locales")) {
            customer.put("preferred_locales", new ArrayList<>(p.strList("preferred_locales")));
        }
        p.applyMetadata(customer, "metadata");
        Params settings = p.sub("invoice_settings");
        if (settings != null && settings.has("default_payment_method")) {
            String pmId = settings.strOrNull("default_payment_method");
            if (pmId != null) {
                requireOwnPaymentMethod(customer, pmId, "invoice_settings[default_payment_method]");
            }
            CustomerAccounts.invoiceSettings(customer).put("default_payment_method", pmId);
        }
        s.emitUpdated("customer.updated", before, customer);
        return s.render(customer, p.expand());
    }

    private void requireOwnPaymentMethod(Map<String, Object> customer, String pmId, String param) {
        Map<String, Object> pm = s.store.find("payment_method", pmId);
        if (pm == null || !customer.get("id").equals(pm.get("customer"))) {
            throw ApiError.invalid(
                    "resource_missing",
                    "No such PaymentMethod: '" + pmId + "'; It's possible this PaymentMethod exists on one of "
                            + "your connected accounts, in which case you should retry this request on that account.",
                    param);
        }
    }

    private Map<String, Object> deleteCustomer(String id) {
        Map<String, Object> customer = s.store.require("customer", id, "id");
        for (Map<String, Object> sub : s.store.all("subscription")) {
            if (id.equals(sub.get("customer"))
                    && !"canceled".equals(sub.get("status"))
                    && !"incomplete_expired".equals(sub.get("status"))) {
                lifecycle.cancelNow(sub, "cancellation_requested");
            }
        }
        Map<String, Object> snapshot = Json.deepCopy(customer);
        customer.put("_deleted", true);
        s.emit("customer.deleted", snapshot);
        return Json.obj("id", id, "object", "customer", "deleted", true);
    }

    private Map<String, Object> listCustomers(Params p) {
        String email = p.strOrNull("email");
        return Lists.page(
                s,
                "/v1/customers",
                s.store.newestFirst("customer", o -> email == null || email.equals(o.get("email"))),
                p);
    }

    /** Supports Stripe's search grammar for {@code field:'v'}, {@code field~'v'}, metadata, AND/OR. */
    private Map<String, Object> searchCustomers(Params p) {
        String query = p.requireStr("query");
        Predicate<Map<String, Object>> predicate = parseQuery(query);
        List<Map<String, Object>> matches = s.store.newestFirst("customer", predicate);
        return Lists.searchPage(s, "/v1/customers/search", matches, p);
    }

    @SuppressWarnings("unchecked")
    public static Predicate<Map<String, Object>> parseQuery(String query) {
        String[] orParts = query.split("(?i)\\s+OR\\s+");
        boolean usesAnd = query.matches("(?is).*\\s+AND\\s+.*");
        if (orParts.length > 1 && usesAnd) {
            throw ApiError.invalid("Search queries cannot mix AND and OR.", "query");
        }
        List<Predicate<Map<String, Object>>> clauses = new ArrayList<>();
        String[] parts = orParts.length > 1 ? orParts : query.split("(?i)\\s+AND\\s+");
        for (String part : parts) {
            Matcher m = CLAUSE.matcher(part);
            if (!m.matches()) {
                throw ApiError.invalid("Invalid search query: could not parse `" + part.trim() + "`.", "query");
            }
            boolean negate = "-".equals(m.group(1));
            String field = m.group(2);
            String metaKey = m.group(3);
            boolean substring = "~".equals(m.group(4));
            String value = m.group(5);
            if (metaKey == null && !List.of("email", "name", "phone", "created").contains(field)) {
                throw ApiError.invalid("Field `" + field + "` is an unsupported search field for customers.", "query");
            }
            Predicate<Map<String, Object>> clause = o -> {
                Object actual = metaKey != null
                        ? ((Map<String, Object>) o.getOrDefault("metadata", Map.of())).get(metaKey)
                        : o.get(field);
                if (actual == null) {
                    return false;
                }
                String a = actual.toString();
                return substring
                        ? a.toLowerCase(Locale.ROOT).contains(value.toLowerCase(Locale.ROOT))
                        : metaKey != null ? a.equals(value) : a.equalsIgnoreCase(value);
            };
            clauses.add(negate ? clause.negate() : clause);
        }
        boolean or = orParts.length > 1;
        return o -> or
                ? clauses.stream().anyMatch(c -> c.test(o))
                : clauses.stream().allMatch(c -> c.test(o));
    }

    // ---------------------------------------------------------------- payment methods

    private Map<String, Object> createPaymentMethod(Params p) {
        String type = p.requireStr("type");
        if (!"card".equals(type)) {
            throw ApiError.invalid("The emulator only supports card payment methods.", "type");
        }
        Params card = p.sub("card");
        if (card == null) {
            throw ApiError.missingParam("card");
        }
        Cards.Spec spec = card.strOrNull("token") != null
                ? Cards.fromToken(card.strOrNull("token"))
                : Cards.fromNumber(card.requireStr("number"));
        Map<String, Object> pm = Cards.paymentMethod(s, spec, null);
        if (card.lng("exp_month") != null) {
            cardOf(pm).put("exp_month", card.lng("exp_month"));
        }
        if (card.lng("exp_year") != null) {
            cardOf(pm).put("exp_year", card.lng("exp_year"));
        }
        p.applyMetadata(pm, "metadata");
        return pm;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cardOf(Map<String, Object> pm) {
        return (Map<String, Object>) pm.get("card");
    }

    private Map<String, Object> detach(String pmId) {
        Map<String, Object> pm = s.store.require("payment_method", pmId, "payment_method");
        Object customerId = pm.get("customer");
        if (customerId == null) {
            throw ApiError.invalid(
                    "The payment method you provided is not attached to a customer so " + "detachment is impossible.",
                    "payment_method");
        }
        Map<String, Object> before = Json.deepCopy(pm);
        pm.put("customer", null);
        Map<String, Object> customer = s.store.find("customer", (String) customerId);
        if (customer != null
                && pmId.equals(CustomerAccounts.invoiceSettings(customer).get("default_payment_method"))) {
            Map<String, Object> customerBefore = Json.deepCopy(customer);
            CustomerAccounts.invoiceSettings(customer).put("default_payment_method", null);
            s.emitUpdated("customer.updated", customerBefore, customer);
        }
        s.emit("payment_method.detached", pm, EmulatorState.diff(before, pm));
        return pm;
    }

    private Map<String, Object> listPaymentMethods(String customerId, Params p, String url) {
        String type = p.strOrNull("type");
        return Lists.page(
                s,
                url,
                s.store.newestFirst(
                        "payment_method",
                        o -> (customerId == null || customerId.equals(o.get("customer")))
                                && (type == null || type.equals(o.get("type")))),
                p);
    }

    // ---------------------------------------------------------------- setup intents

    private Map<String, Object> createSetupIntent(Params p) {
        String customerId = p.strOrNull("customer");
        if (customerId != null) {
            s.store.require("customer", customerId, "customer");
        }
        List<String> types = p.strList("payment_method_types");
        Map<String, Object> si = accounts.newSetupIntent(
                customerId,
                p.strOrNull("description"),
                Params.metadataFrom(p, "metadata"),
                types,
                p.oneOf("usage", "off_session", "off_session", "on_session"));
        String id = (String) si.get("id");
        if (p.bool("confirm", false)) {
            accounts.confirmSetupIntent(id, p.strOrNull("payment_method"), null);
        }
        return si;
    }

    // ---------------------------------------------------------------- billing portal

    private Map<String, Object> createPortalSession(Params p) {
        String customerId = p.requireStr("customer");
        s.store.require("customer", customerId, "customer");
        String id = Ids.next("bps");
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("id", id);
        session.put("object", "billing_portal.session");
        session.put(
                "configuration",
                p.strOrNull("configuration") != null ? p.strOrNull("configuration") : "bpc_emulator_default");
        session.put("created", s.now());
        session.put("customer", customerId);
        session.put("customer_account", null);
        session.put("flow", null);
        session.put("livemode", false);
        session.put("locale", p.strOrNull("locale"));
        session.put("on_behalf_of", null);
        session.put("return_url", p.strOrNull("return_url"));
        session.put("url", s.hostedBase() + "/portal/" + id);
        s.store.put(session);
        return session;
    }
}
