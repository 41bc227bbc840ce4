package dev.billing.emulator.resource;

import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.state.Ids;
import dev.billing.emulator.state.Lists;
import dev.billing.emulator.state.Periods;
import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.Json;
import dev.billing.emulator.wire.Params;
import dev.billing.emulator.wire.Routes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Refunds of succeeded charges, whole or partial, by charge or by payment intent; a charge's
 * refunds are also listed under the charge ({@code /v1/charges/{id}/refunds}, and its includable
 * {@code refunds} field).
 */
public final class Refunds {
    private final EmulatorState s;

    public Refunds(EmulatorState state) {
        this.s = state;
    }

    public void register(Routes r) {
        r.add(
                "POST",
                "/v1/refunds",
                c -> s.render(create(c.params()), c.params().expand()));
        r.add("GET", "/v1/refunds", c -> {
            String charge = c.params().strOrNull("charge");
            String pi = c.params().strOrNull("payment_intent");
            return Lists.page(
                    s,
                    "/v1/refunds",
                    s.store.newestFirst(
                            "refund",
                            o -> (charge == null || charge.equals(o.get("charge")))
                                    && (pi == null || pi.equals(o.get("payment_intent")))),
                    c.params());
        });
        r.add(
                "GET",
                "/v1/refunds/{id}",
                c -> s.render(
                        s.store.require("refund", c.var("id"), "refund"),
                        c.params().expand()));
        r.add("GET", "/v1/charges/{id}/refunds", c -> {
            String charge =
                    (String) s.store.require("charge", c.var("id"), "charge").get("id");
            return Lists.page(s, listUrl(charge), refundsOf(s, charge), c.params());
        });
        r.add("GET", "/v1/charges/{id}/refunds/{refund}", c -> {
            s.store.require("charge", c.var("id"), "charge");
            Map<String, Object> refund = s.store.require("refund", c.var("refund"), "refund");
            if (!c.var("id").equals(refund.get("charge"))) {
                throw ApiError.noSuch("refund", c.var("refund"), "refund");
            }
            return s.render(refund, c.params().expand());
        });
    }

    private static String listUrl(String chargeId) {
        return "/v1/charges/" + chargeId + "/refunds";
    }

    private static List<Map<String, Object>> refundsOf(EmulatorState s, String chargeId) {
        return s.store.newestFirst("refund", o -> chargeId.equals(o.get("charge")));
    }

    /** Refunds {@code amount} (default: what is left), emitting {@code refund.created}, {@code charge.refunded}. */
    private Map<String, Object> create(Params p) {
        Map<String, Object> charge = refundableCharge(p);
        long captured = (Long) charge.get("amount");
        long refunded = (Long) charge.get("amount_refunded");
        if (refunded >= captured) {
            throw ApiError.invalid(
                    "charge_already_refunded", "Charge " + charge.get("id") + " has already been refunded.", "charge");
        }
        long amount = p.lng("amount", captured - refunded);
        if (amount <= 0) {
            throw ApiError.invalid("Invalid positive integer", "amount");
        }
        if (amount > captured - refunded) {
            throw ApiError.invalid(
                    "amount_too_large",
                    "Refund amount ("
                            + Periods.money(amount, (String) charge.get("currency"))
                            + ") is greater than unrefunded amount on charge ("
                            + Periods.money(captured - refunded, (String) charge.get("currency")) + ")",
                    "amount");
        }
        Map<String, Object> refund = newRefund(charge, amount, p);
        s.store.put(refund);
        Map<String, Object> before = Json.deepCopy(charge);
        charge.put("amount_refunded", refunded + amount);
        charge.put("refunded", refunded + amount >= captured);
        s.emit("refund.created", refund);
        s.emit("charge.refunded", charge, EmulatorState.diff(before, charge));
        return refund;
    }

    /** The succeeded charge named by {@code charge}, or the latest charge of {@code payment_intent}. */
    private Map<String, Object> refundableCharge(Params p) {
        String chargeId = p.strOrNull("charge");
        String piId = p.strOrNull("payment_intent");
        if (chargeId == null && piId == null) {
            throw ApiError.invalid(
                    "One of the following params should be provided for this request: " + "payment_intent or charge.",
                    "charge");
        }
        Map<String, Object> charge;
        if (chargeId != null) {
            charge = s.store.require("charge", chargeId, "charge");
        } else {
            Map<String, Object> pi = s.store.require("payment_intent", piId, "payment_intent");
            charge = s.store.find("charge", (String) pi.get("latest_charge"));
            if (charge == null || !"succeeded".equals(pi.get("status"))) {
                throw ApiError.invalid(
                        "This PaymentIntent does not have a successful charge to refund.", "payment_intent");
            }
        }
        if (!"succeeded".equals(charge.get("status"))) {
            throw ApiError.invalid(
                    "charge_not_refundable",
                    "This charge cannot be refunded because it " + "has not succeeded.",
                    "charge");
        }
        return charge;
    }

    private Map<String, Object> newRefund(Map<String, Object> charge, long amount, Params p) {
        Map<String, Object> refund = new LinkedHashMap<>();
        refund.put("id", Ids.next("re"));
        refund.put("object", "refund");
        refund.put("amount", amount);
        refund.put("balance_transaction", Ids.next("txn"));
        refund.put("charge", charge.get("id"));
        refund.put("created", s.now());
        refund.put("currency", charge.get("currency"));
        refund.put("customer", charge.get("customer"));
        refund.put("customer_account", null);
        refund.put(
                "destination_details",
                Json.obj(
                        "card",
                        Json.obj(
                                "reference",
                                null,
                                "reference_status",
                                "pending",
                                "reference_type",
                                "acquirer_reference_number",
                                "type",
                                "refund"),
                        "type",
                        "card"));
        refund.put("metadata", Params.metadataFrom(p, "metadata"));
        refund.put("payment_intent", charge.get("payment_intent"));
        refund.put("payment_method", charge.get("payment_method"));
        refund.put("reason", p.oneOf("reason", null, "duplicate", "fraudulent", "requested_by_customer"));
        refund.put("receipt_number", null);
        refund.put("source_transfer_reversal", null);
        refund.put("status", "succeeded");
        refund.put("transfer_reversal", null);
        return refund;
    }
}
