package dev.billing.emulator.service;

import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.state.Ids;
import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Charging a card: the payment intent and charge objects of one attempt, and whether it is
 * declined (by {@code failNextPayment(customer)} or by the card). Emits no events, so each caller
 * (invoices, checkout, the payment intents API) can emit them in Stripe's order for its flow.
 */
public final class CardCharges {
    private final EmulatorState s;

    public CardCharges(EmulatorState state) {
        this.s = state;
    }

    /** A payment intent awaiting a payment method (not stored yet). */
    public Map<String, Object> newPaymentIntent(
            String customerId,
            long amount,
            String currency,
            String pmId,
            String description,
            Map<String, Object> metadata) {
        String id = Ids.next("pi");
        Map<String, Object> pi = new LinkedHashMap<>();
        pi.put("id", id);
        pi.put("object", "payment_intent");
        pi.put("amount", amount);
        pi.put("amount_capturable", 0L);
        pi.put("amount_details", Json.obj("tip", new LinkedHashMap<String, Object>()));
        pi.put("amount_received", 0L);
        pi.put("application", null);
        pi.put("application_fee_amount", null);
        pi.put("automatic_payment_methods", null);
        pi.put("canceled_at", null);
        pi.put("cancellation_reason", null);
        pi.put("capture_method", "automatic");
        pi.put("client_secret", Ids.secret(id));
        pi.put("confirmation_method", "automatic");
        pi.put("created", s.now());
        pi.put("currency", currency);
        pi.put("customer", customerId);
        pi.put("customer_account", null);
        pi.put("description", description);
        pi.put("excluded_payment_method_types", null);
        pi.put("last_payment_error", null);
        pi.put("latest_charge", null);
        pi.put("livemode", false);
        pi.put("metadata", metadata == null ? new LinkedHashMap<String, Object>() : metadata);
        pi.put("next_action", null);
        pi.put("on_behalf_of", null);
        pi.put("payment_method", pmId);
        pi.put("payment_method_configuration_details", null);
        pi.put(
                "payment_method_options",
                Json.obj(
                        "card",
                        Json.obj(
                                "installments",
                                null,
                                "mandate_options",
                                null,
                                "network",
                                null,
                                "request_three_d_secure",
                                "automatic")));
        pi.put("payment_method_types", new ArrayList<>(List.of("card")));
        pi.put("processing", null);
        pi.put("receipt_email", null);
        pi.put("review", null);
        pi.put("setup_future_usage", null);
        pi.put("shipping", null);
        pi.put("source", null);
        pi.put("statement_descriptor", null);
        pi.put("statement_descriptor_suffix", null);
        pi.put("status", "requires_payment_method");
        pi.put("transfer_data", null);
        pi.put("transfer_group", null);
        return pi;
    }

    /**
     * Charges {@code amount} to a card: creates a succeeded (or failed) payment intent and charge.
     * Declines come from {@code failNextPayment(customer)} or the card itself. No events.
     */
    public PaymentAttempt charge(
            String customerId,
            String pmId,
            long amount,
            String currency,
            String description,
            Map<String, Object> metadata) {
        return charge(customerId, pmId, amount, currency, description, metadata, true);
    }

    /** Like {@link #charge}; {@code honorFailSwitch=false} leaves {@code failNextPayment} untouched. */
    public PaymentAttempt charge(
            String customerId,
            String pmId,
            long amount,
            String currency,
            String description,
            Map<String, Object> metadata,
            boolean honorFailSwitch) {
        if (amount <= 0) {
            return new PaymentAttempt(true, null, null, null, null, false);
        }
        Map<String, Object> pm = pmId == null ? null : s.store.find("payment_method", pmId);
        if (pm == null) {
            return new PaymentAttempt(
                    false,
                    null,
                    null,
                    null,
                    "This customer has no attached payment source or default payment method.",
                    true);
        }
        Map<String, Object> pi = newPaymentIntent(customerId, amount, currency, pmId, description, metadata);
        s.store.put(pi);
        return attemptOn(pi, pm, honorFailSwitch);
    }

    /** Charges an existing payment intent with {@code pm}, updating the intent's status. */
    public PaymentAttempt attemptOn(Map<String, Object> pi, Map<String, Object> pm) {
        return attemptOn(pi, pm, true);
    }

    private PaymentAttempt attemptOn(Map<String, Object> pi, Map<String, Object> pm, boolean honorFailSwitch) {
        String customerId = (String) pi.get("customer");
        String decline = customerId == null || !honorFailSwitch ? null : s.consumeFailNextPayment(customerId);
        if (decline == null) {
            decline = (String) pm.get("_decline_code");
        }
        boolean ok = decline == null;
        long amount = (Long) pi.get("amount");
        Map<String, Object> charge = newCharge(pi, pm, ok, decline);
        s.store.put(charge);
        pi.put("payment_method", pm.get("id"));
        pi.put("latest_charge", charge.get("id"));
        if (ok) {
            pi.put("status", "succeeded");
            pi.put("amount_received", amount);
            pi.put("last_payment_error", null);
        } else {
            pi.put("status", "requires_payment_method");
            pi.put("last_payment_error", lastPaymentError(charge, pm, decline));
        }
        return new PaymentAttempt(ok, pi, charge, decline, ok ? null : Cards.declineMessage(decline), false);
    }

    private Map<String, Object> lastPaymentError(Map<String, Object> charge, Map<String, Object> pm, String decline) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("charge", charge.get("id"));
        error.put("code", Cards.errorCode(decline));
        error.put("decline_code", decline);
        error.put(
                "doc_url",
                "https://stripe.com/docs/error-codes/"
                        + Cards.errorCode(decline).replace('_', '-'));
        error.put("message", Cards.declineMessage(decline));
        error.put("payment_method", s.render(pm));
        error.put("type", "card_error");
        return error;
    }

    private Map<String, Object> newCharge(Map<String, Object> pi, Map<String, Object> pm, boolean ok, String decline) {
        String id = Ids.next("ch");
        long amount = (Long) pi.get("amount");
        Map<String, Object> charge = new LinkedHashMap<>();
        charge.put("id", id);
        charge.put("object", "charge");
        charge.put("amount", amount);
        charge.put("amount_captured", ok ? amount : 0L);
        charge.put("amount_refunded", 0L);
        charge.put("application", null);
        charge.put("application_fee", null);
        charge.put("application_fee_amount", null);
        charge.put("balance_transaction", ok ? Ids.next("txn") : null);
        charge.put("billing_details", Json.deepCopy(pm.get("billing_details")));
        charge.put("calculated_statement_descriptor", "STRIPE EMULATOR");
        charge.put("captured", ok);
        charge.put("created", s.now());
        charge.put("currency", pi.get("currency"));
        charge.put("customer", pi.get("customer"));
        charge.put("description", pi.get("description"));
        charge.put("disputed", false);
        charge.put("failure_balance_transaction", null);
        charge.put("failure_code", ok ? null : Cards.errorCode(decline));
        charge.put("failure_message", ok ? null : Cards.declineMessage(decline));
        charge.put("fraud_details", new LinkedHashMap<String, Object>());
        charge.put("livemode", false);
        charge.put("metadata", Json.deepCopy(pi.get("metadata")));
        charge.put("on_behalf_of", null);
        charge.put("outcome", outcome(ok, decline));
        charge.put("paid", ok);
        charge.put("payment_intent", pi.get("id"));
        charge.put("payment_method", pm.get("id"));
        charge.put("payment_method_details", Cards.chargeDetails(pm, amount, ok));
        charge.put("receipt_email", null);
        charge.put("receipt_number", null);
        charge.put("receipt_url", s.hostedBase() + "/receipt/" + id);
        charge.put("refunded", false);
        charge.put("review", null);
        charge.put("shipping", null);
        // The legacy Sources API: a charge made through a payment intent has no source.
        charge.put("source", null);
        charge.put("source_transfer", null);
        charge.put("statement_descriptor", null);
        charge.put("statement_descriptor_suffix", null);
        charge.put("status", ok ? "succeeded" : "failed");
        charge.put("transfer_data", null);
        charge.put("transfer_group", null);
        return charge;
    }

    private static Map<String, Object> outcome(boolean ok, String decline) {
        return ok
                ? Json.obj(
                        "advice_code",
                        null,
                        "network_advice_code",
                        null,
                        "network_decline_code",
                        null,
                        "network_status",
                        "approved_by_network",
                        "reason",
                        null,
                        "risk_level",
                        "normal",
                        "risk_score",
                        20L,
                        "seller_message",
                        "Payment complete.",
                        "type",
                        "authorized")
                : Json.obj(
                        "advice_code",
                        "try_again_later",
                        "network_advice_code",
                        null,
                        "network_decline_code",
                        null,
                        "network_status",
                        "declined_by_network",
                        "reason",
                        decline,
                        "risk_level",
                        "normal",
                        "risk_score",
                        20L,
                        "seller_message",
                        "The bank did not return any further details with this decline.",
                        "type",
                        "issuer_declined");
    }

    /** The API error for a failed attempt: {@code 402 card_error}, or {@code 400} without a payment method. */
    public static ApiError cardError(PaymentAttempt attempt) {
        if (attempt.noPaymentMethod()) {
            return ApiError.invalid(attempt.message(), "payment_method");
        }
        ApiError error =
                ApiError.card(Cards.errorCode(attempt.declineCode()), attempt.declineCode(), attempt.message());
        if (attempt.charge() != null) {
            error.with("charge", attempt.charge().get("id"));
        }
        return error;
    }
}
