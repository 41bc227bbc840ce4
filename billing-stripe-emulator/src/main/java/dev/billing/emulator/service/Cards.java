package dev.billing.emulator.service;

import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.state.Ids;
import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.Json;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Stripe's test cards: numbers, tokens and magic payment method ids, and how they behave. */
public final class Cards {
    /**
     * A test card.
     *
     * @param brand visa, mastercard, amex
     * @param last4 last four digits
     * @param declineCode decline code every charge on this card fails with, or null
     */
    public record Spec(String brand, String last4, String declineCode) {}

    public static final Spec VISA = new Spec("visa", "4242", null);

    private Cards() {}

    /** Stripe's test cards that always ask for 3-D Secure: the payment waits for the customer's authentication. */
    public static boolean requiresAuthentication(String number) {
        String digits = number == null ? "" : number.replaceAll("[^0-9]", "");
        return digits.equals("4000002500003155") || digits.equals("4000002760003184");
    }

    public static Spec fromNumber(String number) {
        String digits = number == null ? "" : number.replaceAll("[^0-9]", "");
        if (digits.length() < 12) {
            throw ApiError.card("incorrect_number", null, "Your card number is incorrect.")
                    .with("param", "card[number]");
        }
        String last4 = digits.substring(digits.length() - 4);
        String decline = switch (digits) {
            case "4000000000000002", "4000000000000341" -> "generic_decline";
            case "4000000000009995" -> "insufficient_funds";
            case "4000000000009987" -> "lost_card";
            case "4000000000000069" -> "expired_card";
            default -> null;
        };
        return new Spec(brandOf(digits), last4, decline);
    }

    private static String brandOf(String digits) {
        if (digits.startsWith("4")) {
            return "visa";
        }
        if (digits.startsWith("5") || digits.startsWith("2")) {
            return "mastercard";
        }
        if (digits.startsWith("34") || digits.startsWith("37")) {
            return "amex";
        }
        return "unknown";
    }

    /** {@code tok_visa}, {@code tok_chargeDeclined}, ... */
    public static Spec fromToken(String token) {
        return switch (token) {
            case "tok_visa" -> VISA;
            case "tok_mastercard" -> new Spec("mastercard", "4444", null);
            case "tok_amex" -> new Spec("amex", "8431", null);
            case "tok_chargeDeclined", "tok_chargeCustomerFail" -> new Spec("visa", "0341", "generic_decline");
            case "tok_chargeDeclinedInsufficientFunds" -> new Spec("visa", "9995", "insufficient_funds");
            default -> throw ApiError.noSuch("token", token, "card[token]");
        };
    }

    /** Magic payment method ids such as {@code pm_card_visa}; null if {@code id} is not one. */
    public static Spec fromMagicPaymentMethod(String id) {
        if (id == null || !id.startsWith("pm_card_")) {
            return null;
        }
        return switch (id) {
            case "pm_card_visa", "pm_card_us" -> VISA;
            case "pm_card_mastercard" -> new Spec("mastercard", "4444", null);
            case "pm_card_amex" -> new Spec("amex", "8431", null);
            case "pm_card_chargeDeclined", "pm_card_visa_chargeDeclined", "pm_card_chargeCustomerFail" ->
                new Spec("visa", "0341", "generic_decline");
            case "pm_card_chargeDeclinedInsufficientFunds", "pm_card_visa_chargeDeclinedInsufficientFunds" ->
                new Spec("visa", "9995", "insufficient_funds");
            default -> null;
        };
    }

    public static Map<String, Object> paymentMethod(EmulatorState s, Spec spec, String customerId) {
        int expYear = s.nowInstant().atZone(ZoneOffset.UTC).getYear() + 4;
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("brand", spec.brand());
        card.put(
                "checks",
                Json.obj("address_line1_check", null, "address_postal_code_check", null, "cvc_check", "pass"));
        card.put("country", "US");
        card.put("display_brand", spec.brand());
        card.put("exp_month", 12L);
        card.put("exp_year", (long) expYear);
        card.put("fingerprint", Ids.random(16));
        card.put("funding", "credit");
        card.put("generated_from", null);
        card.put("last4", spec.last4());
        card.put("networks", Json.obj("available", List.of(spec.brand()), "preferred", null));
        card.put("regulated_status", "unregulated");
        card.put("three_d_secure_usage", Json.obj("supported", true));
        card.put("wallet", null);
        Map<String, Object> pm = new LinkedHashMap<>();
        pm.put("id", Ids.next("pm"));
        pm.put("object", "payment_method");
        pm.put("allow_redisplay", "unspecified");
        pm.put(
                "billing_details",
                Json.obj("address", null, "email", null, "name", null, "phone", null, "tax_id", null));
        pm.put("card", card);
        pm.put("created", s.now());
        pm.put("customer", customerId);
        pm.put("customer_account", null);
        pm.put("livemode", false);
        pm.put("metadata", new LinkedHashMap<String, Object>());
        pm.put("type", "card");
        pm.put("_decline_code", spec.declineCode());
        s.store.put(pm);
        return pm;
    }

    /**
     * The {@code payment_method_details} of a charge of {@code amount} made with {@code pm}: a plain
     * card payment, authorized for the whole amount when it succeeded, with no extended, incremental
     * or multi-capture authorization and no installments.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> chargeDetails(Map<String, Object> pm, long amount, boolean ok) {
        Map<String, Object> card = (Map<String, Object>) pm.get("card");
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("amount_authorized", ok ? amount : null);
        details.put("authorization_code", ok ? Ids.random(6).toUpperCase(Locale.ROOT) : null);
        details.put("brand", card.get("brand"));
        details.put("checks", card.get("checks"));
        details.put("country", card.get("country"));
        details.put("exp_month", card.get("exp_month"));
        details.put("exp_year", card.get("exp_year"));
        details.put("extended_authorization", Json.obj("status", "disabled"));
        details.put("fingerprint", card.get("fingerprint"));
        details.put("funding", card.get("funding"));
        details.put("incremental_authorization", Json.obj("status", "unavailable"));
        details.put("installments", null);
        details.put("last4", card.get("last4"));
        details.put("mandate", null);
        details.put("multicapture", Json.obj("status", "unavailable"));
        details.put("network", card.get("brand"));
        details.put("network_token", Json.obj("used", false));
        details.put("network_transaction_id", ok ? Ids.random(15) : null);
        details.put("overcapture", Json.obj("maximum_amount_capturable", amount, "status", "unavailable"));
        details.put("regulated_status", card.get("regulated_status"));
        details.put("three_d_secure", null);
        details.put("transaction_link_id", null);
        details.put("wallet", null);
        return Json.obj("card", details, "type", "card");
    }

    public static String declineMessage(String declineCode) {
        return switch (declineCode == null ? "" : declineCode.toLowerCase(Locale.ROOT)) {
            case "insufficient_funds" -> "Your card has insufficient funds.";
            case "expired_card" -> "Your card has expired.";
            case "lost_card", "stolen_card", "generic_decline" -> "Your card was declined.";
            default -> "Your card was declined.";
        };
    }

    /** Stripe's error code for a decline code. */
    static String errorCode(String declineCode) {
        return "expired_card".equals(declineCode) ? "expired_card" : "card_declined";
    }
}
