package dev.billing.emulator.resource;

import dev.billing.emulator.service.CardCharges;
import dev.billing.emulator.service.Cards;
import dev.billing.emulator.service.CustomerAccounts;
import dev.billing.emulator.service.Invoicing;
import dev.billing.emulator.service.PaymentAttempt;
import dev.billing.emulator.service.SubscriptionShape;
import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.state.Lists;
import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.Json;
import dev.billing.emulator.wire.Params;
import dev.billing.emulator.wire.Routes;
import java.util.Locale;
import java.util.Map;

/**
 * The payment intents and charges API: create, confirm and cancel payment intents, read charges.
 * Confirming the intent of a {@code default_incomplete} subscription pays its invoice. {@link #confirmAsApp} is
 * what a mobile app's PaymentSheet does with a test card, 3-D Secure included.
 */
public final class Payments {
    private final EmulatorState s;
    private final CardCharges charges;
    private final Invoicing invoicing;
    private final CustomerAccounts accounts;

    public Payments(EmulatorState state, CardCharges charges, Invoicing invoicing, CustomerAccounts accounts) {
        this.s = state;
        this.charges = charges;
        this.invoicing = invoicing;
        this.accounts = accounts;
    }

    public void register(Routes r) {
        r.add("POST", "/v1/payment_intents", c -> create(c.params()));
        r.add("GET", "/v1/payment_intents", c -> {
            String customer = c.params().strOrNull("customer");
            return Lists.page(
                    s,
                    "/v1/payment_intents",
                    s.store.newestFirst("payment_intent", o -> customer == null || customer.equals(o.get("customer"))),
                    c.params());
        });
        r.add(
                "GET",
                "/v1/payment_intents/{id}",
                c -> s.render(
                        s.store.require("payment_intent", c.var("id"), "intent"),
                        c.params().expand()));
        r.add(
                "POST",
                "/v1/payment_intents/{id}/confirm",
                c -> confirm(s.store.require("payment_intent", c.var("id"), "intent"), c.params()));
        r.add(
                "POST",
                "/v1/payment_intents/{id}/cancel",
                c -> cancel(s.store.require("payment_intent", c.var("id"), "intent"), c.params()));

        r.add("GET", "/v1/charges", c -> {
            String customer = c.params().strOrNull("customer");
            String pi = c.params().strOrNull("payment_intent");
            return Lists.page(
                    s,
                    "/v1/charges",
                    s.store.newestFirst(
                            "charge",
                            o -> (customer == null || customer.equals(o.get("customer")))
                                    && (pi == null || pi.equals(o.get("payment_intent")))),
                    c.params());
        });
        r.add(
                "GET",
                "/v1/charges/{id}",
                c -> s.render(
                        s.store.require("charge", c.var("id"), "charge"),
                        c.params().expand()));
    }

    private Map<String, Object> create(Params p) {
        long amount = p.requireLng("amount");
        if (amount < 50) {
            throw ApiError.invalid("amount_too_small", "Amount must be at least $0.50 usd", "amount");
        }
        String currency = p.requireStr("currency").toLowerCase(Locale.ROOT);
        String customerId = p.strOrNull("customer");
        if (customerId != null) {
            s.store.require("customer", customerId, "customer");
        }
        String pmId = p.strOrNull("payment_method");
        Map<String, Object> pi = charges.newPaymentIntent(
                customerId, amount, currency, null, p.strOrNull("description"), Params.metadataFrom(p, "metadata"));
        pi.put("receipt_email", p.strOrNull("receipt_email"));
        pi.put("setup_future_usage", p.strOrNull("setup_future_usage"));
        if (pmId != null) {
            pi.put("payment_method", resolvePaymentMethod(pmId, customerId).get("id"));
            pi.put("status", "requires_confirmation");
        }
        s.store.put(pi);
        s.emit("payment_intent.created", pi);
        if (p.bool("confirm", false)) {
            return confirm(pi, new Params(Map.of()));
        }
        return s.render(pi, p.expand());
    }

    /** A stored payment method the customer may use, or a new one for a magic test id. */
    private Map<String, Object> resolvePaymentMethod(String pmId, String customerId) {
        Cards.Spec magic = Cards.fromMagicPaymentMethod(pmId);
        if (magic != null && s.store.get(pmId) == null) {
            return Cards.paymentMethod(s, magic, null);
        }
        Map<String, Object> pm = s.store.require("payment_method", pmId, "payment_method");
        if (pm.get("customer") != null && !pm.get("customer").equals(customerId)) {
            throw ApiError.invalid("The provided PaymentMethod belongs to another customer.", "payment_method");
        }
        return pm;
    }

    private Map<String, Object> confirm(Map<String, Object> pi, Params p) {
        String status = (String) pi.get("status");
        if (!"requires_payment_method".equals(status) && !"requires_confirmation".equals(status)) {
            throw ApiError.invalid(
                    "payment_intent_unexpected_state",
                    "You cannot confirm this " + "PaymentIntent because it has a status of " + status + ".",
                    null);
        }
        String pmId = p.strOrNull("payment_method");
        Map<String, Object> pm = pmId != null
                ? resolvePaymentMethod(pmId, (String) pi.get("customer"))
                : s.store.find("payment_method", (String) pi.get("payment_method"));
        if (pm == null) {
            throw ApiError.invalid(
                    "payment_intent_unexpected_state",
                    "You cannot confirm this " + "PaymentIntent because it's missing a payment method.",
                    "payment_method");
        }
        PaymentAttempt attempt = settle(pi, pm);
        if (!attempt.succeeded()) {
            throw CardCharges.cardError(attempt).with("payment_intent", s.render(pi));
        }
        return s.render(pi, p.expand());
    }

    /**
     * Confirms the intent as the app's PaymentSheet would with a test card: a card that asks for 3-D Secure leaves it
     * {@code requires_action}; confirming an intent that requires action stands for the customer's answer to the
     * challenge ({@code authenticated}), which pays it or fails it with {@code payment_intent_authentication_failure}.
     * A decline leaves the intent {@code requires_payment_method} (no error is thrown: the caller reads the status).
     */
    public Map<String, Object> confirmAsApp(String id, String cardNumber, boolean authenticated) {
        Map<String, Object> pi = s.store.require("payment_intent", id, "intent");
        String status = (String) pi.get("status");
        if ("requires_action".equals(status)) {
            Map<String, Object> pm = s.store.require("payment_method", (String) pi.get("payment_method"), "intent");
            if (authenticated) {
                pi.put("next_action", null);
                settle(pi, pm);
            } else {
                Map<String, Object> before = Json.deepCopy(pi);
                pi.put("next_action", null);
                pi.put("status", "requires_payment_method");
                pi.put(
                        "last_payment_error",
                        Json.obj(
                                "code",
                                "payment_intent_authentication_failure",
                                "message",
                                "The provided payment method has failed authentication.",
                                "type",
                                "invalid_request_error",
                                "payment_method",
                                s.render(pm)));
                s.emit("payment_intent.payment_failed", pi, EmulatorState.diff(before, pi));
            }
            return s.render(pi);
        }
        if (!"requires_payment_method".equals(status) && !"requires_confirmation".equals(status)) {
            throw ApiError.invalid(
                    "payment_intent_unexpected_state",
                    "You cannot confirm this PaymentIntent because it has a status of " + status + ".",
                    null);
        }
        String number = cardNumber == null ? "4242424242424242" : cardNumber;
        Map<String, Object> pm = Cards.paymentMethod(s, Cards.fromNumber(number), null);
        String customerId = (String) pi.get("customer");
        if (customerId != null && pi.get("setup_future_usage") != null) {
            accounts.attach((String) pm.get("id"), customerId, "payment_method");
        }
        if (Cards.requiresAuthentication(number)) {
            Map<String, Object> before = Json.deepCopy(pi);
            pi.put("payment_method", pm.get("id"));
            pi.put("status", "requires_action");
            pi.put(
                    "next_action",
                    Json.obj(
                            "type",
                            "use_stripe_sdk",
                            "use_stripe_sdk",
                            Json.obj("type", "three_d_secure_redirect", "stripe_js", s.hostedBase() + "/3ds/" + id)));
            s.emit("payment_intent.requires_action", pi, EmulatorState.diff(before, pi));
            return s.render(pi);
        }
        settle(pi, pm);
        return s.render(pi);
    }

    /** Charges the card and emits what follows: an invoice's lifecycle, or the intent's own events. */
    private PaymentAttempt settle(Map<String, Object> pi, Map<String, Object> pm) {
        Map<String, Object> before = Json.deepCopy(pi);
        PaymentAttempt attempt = charges.attemptOn(pi, pm);
        Object invoiceId = pi.get("_invoice");
        if (invoiceId != null) {
            payInvoice((String) invoiceId, attempt);
        } else if (attempt.succeeded()) {
            s.emit("charge.succeeded", attempt.charge());
            s.emit("payment_intent.succeeded", pi, EmulatorState.diff(before, pi));
        } else {
            s.emit("charge.failed", attempt.charge());
            s.emit("payment_intent.payment_failed", pi, EmulatorState.diff(before, pi));
        }
        return attempt;
    }

    /** The intent belongs to an invoice: the invoice's lifecycle emits the payment events. */
    private void payInvoice(String invoiceId, PaymentAttempt attempt) {
        Map<String, Object> inv = s.store.get(invoiceId);
        Map<String, Object> sub = s.store.get((String) inv.get("_subscription"));
        if (attempt.succeeded() && sub != null && SubscriptionShape.savesDefaultPaymentMethod(sub)) {
            sub.put("default_payment_method", attempt.paymentIntent().get("payment_method"));
        }
        invoicing.lifecycle(inv, attempt, false);
        if (attempt.succeeded()) {
            invoicing.recover(sub, inv);
        }
    }

    private Map<String, Object> cancel(Map<String, Object> pi, Params p) {
        if ("succeeded".equals(pi.get("status")) || "canceled".equals(pi.get("status"))) {
            throw ApiError.invalid(
                    "payment_intent_unexpected_state",
                    "You cannot cancel this " + "PaymentIntent because it has a status of " + pi.get("status") + ".",
                    null);
        }
        Map<String, Object> before = Json.deepCopy(pi);
        pi.put("status", "canceled");
        pi.put("canceled_at", s.now());
        pi.put("cancellation_reason", p.strOrNull("cancellation_reason"));
        s.emit("payment_intent.canceled", pi, EmulatorState.diff(before, pi));
        return s.render(pi, p.expand());
    }
}
