package dev.billing.emulator.service;

import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.state.Ids;
import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A customer and the cards it pays with: the customer object, attaching payment methods, confirming
 * setup intents. The customers API uses them, and so do checkout (which creates customers and saves
 * cards) and invoice payment (which attaches the card it is paid with).
 */
public final class CustomerAccounts {
    private final EmulatorState s;

    public CustomerAccounts(EmulatorState state) {
        this.s = state;
    }

    /** A new customer object, not stored yet: the API, seed files and checkout all start from it. */
    public Map<String, Object> newCustomer(String email, String name) {
        Map<String, Object> customer = new LinkedHashMap<>();
        customer.put("id", Ids.next("cus"));
        customer.put("object", "customer");
        customer.put("address", null);
        customer.put("balance", 0L);
        customer.put("created", s.now());
        customer.put("currency", null);
        customer.put("default_source", null);
        customer.put("delinquent", false);
        customer.put("description", null);
        customer.put("discount", null);
        customer.put("email", email);
        customer.put("invoice_prefix", Ids.random(8).toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "X"));
        customer.put(
                "invoice_settings",
                Json.obj(
                        "custom_fields",
                        null,
                        "default_payment_method",
                        null,
                        "footer",
                        null,
                        "rendering_options",
                        null));
        customer.put("livemode", false);
        customer.put("metadata", new LinkedHashMap<String, Object>());
        customer.put("name", name);
        customer.put("next_invoice_sequence", 1L);
        customer.put("phone", null);
        customer.put("preferred_locales", new ArrayList<>());
        customer.put("shipping", null);
        customer.put("tax_exempt", "none");
        customer.put("test_clock", null);
        return customer;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> invoiceSettings(Map<String, Object> customer) {
        return (Map<String, Object>) customer.get("invoice_settings");
    }

    /** Attaches a payment method (or a magic {@code pm_card_*} id, creating it) to a customer. */
    public Map<String, Object> attach(String pmId, String customerId, String param) {
        return attach(pmId, customerId, param, true);
    }

    /** Like {@link #attach(String, String, String)}; no event when the customer is being created. */
    public Map<String, Object> attach(String pmId, String customerId, String param, boolean emit) {
        Map<String, Object> customer = s.store.require("customer", customerId, "customer");
        Cards.Spec magic = Cards.fromMagicPaymentMethod(pmId);
        Map<String, Object> pm;
        if (magic != null && s.store.get(pmId) == null) {
            pm = Cards.paymentMethod(s, magic, null);
        } else {
            pm = s.store.require("payment_method", pmId, param);
        }
        Object owner = pm.get("customer");
        if (owner != null && !owner.equals(customerId)) {
            throw ApiError.invalid("The payment method you provided has already been attached to a customer.", param);
        }
        if (owner == null) {
            pm.put("customer", customer.get("id"));
            if (emit) {
                s.emit("payment_method.attached", pm);
            }
        }
        return pm;
    }

    /**
     * Confirms a setup intent: creates (or takes) a card payment method, attaches it to the intent's
     * customer and marks the intent succeeded.
     */
    public Map<String, Object> confirmSetupIntent(String id, String paymentMethodId, String cardNumber) {
        Map<String, Object> si = s.store.require("setup_intent", id, "intent");
        if ("succeeded".equals(si.get("status"))) {
            throw ApiError.invalid(
                    "setup_intent_unexpected_state",
                    "You cannot confirm this SetupIntent because it has already succeeded.",
                    null);
        }
        Map<String, Object> pm;
        if (paymentMethodId != null && Cards.fromMagicPaymentMethod(paymentMethodId) == null) {
            pm = s.store.require("payment_method", paymentMethodId, "payment_method");
        } else {
            Cards.Spec spec = cardNumber != null
                    ? Cards.fromNumber(cardNumber)
                    : paymentMethodId != null ? Cards.fromMagicPaymentMethod(paymentMethodId) : Cards.VISA;
            pm = Cards.paymentMethod(s, spec, null);
        }
        String customerId = (String) si.get("customer");
        if (customerId != null) {
            attach((String) pm.get("id"), customerId, "payment_method");
        }
        Map<String, Object> before = Json.deepCopy(si);
        si.put("payment_method", pm.get("id"));
        si.put("status", "succeeded");
        si.put("latest_attempt", Ids.next("setatt"));
        s.emit("setup_intent.succeeded", si, EmulatorState.diff(before, si));
        pendingSetupDone(id, (String) pm.get("id"));
        return si;
    }

    /** A subscription waiting on this setup intent (a trial's) no longer does, and may keep its card as default. */
    private void pendingSetupDone(String setupIntentId, String paymentMethodId) {
        for (Map<String, Object> sub : s.store.all("subscription")) {
            if (setupIntentId.equals(sub.get("pending_setup_intent"))) {
                Map<String, Object> before = Json.deepCopy(sub);
                sub.put("pending_setup_intent", null);
                if (SubscriptionShape.savesDefaultPaymentMethod(sub)) {
                    sub.put("default_payment_method", paymentMethodId);
                }
                s.emitUpdated("customer.subscription.updated", before, sub);
            }
        }
    }

    /**
     * A setup intent awaiting a payment method, stored, with its {@code setup_intent.created} event: the API's, and
     * the {@code pending_setup_intent} of a {@code default_incomplete} subscription whose first invoice is 0.
     */
    public Map<String, Object> newSetupIntent(
            String customerId, String description, Map<String, Object> metadata, List<String> types, String usage) {
        Map<String, Object> si = new LinkedHashMap<>();
        String id = Ids.next("seti");
        si.put("id", id);
        si.put("object", "setup_intent");
        si.put("application", null);
        si.put("automatic_payment_methods", null);
        si.put("cancellation_reason", null);
        si.put("client_secret", Ids.secret(id));
        si.put("created", s.now());
        si.put("customer", customerId);
        si.put("description", description);
        si.put("excluded_payment_method_types", null);
        si.put("flow_directions", null);
        si.put("last_setup_error", null);
        si.put("latest_attempt", null);
        si.put("livemode", false);
        si.put("mandate", null);
        si.put("metadata", metadata == null ? new LinkedHashMap<String, Object>() : metadata);
        si.put("next_action", null);
        si.put("on_behalf_of", null);
        si.put("payment_method", null);
        si.put("payment_method_configuration_details", null);
        si.put(
                "payment_method_options",
                Json.obj(
                        "card",
                        Json.obj("mandate_options", null, "network", null, "request_three_d_secure", "automatic")));
        si.put(
                "payment_method_types",
                types == null || types.isEmpty() ? new ArrayList<>(List.of("card")) : new ArrayList<>(types));
        si.put("single_use_mandate", null);
        si.put("status", "requires_payment_method");
        si.put("usage", usage);
        s.store.put(si);
        s.emit("setup_intent.created", si);
        return si;
    }
}
