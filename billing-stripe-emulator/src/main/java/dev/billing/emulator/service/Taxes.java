package dev.billing.emulator.service;

import dev.billing.emulator.wire.Json;
import dev.billing.emulator.wire.Params;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Stripe Tax, reduced to one configured rate: a Checkout session or subscription with {@code
 * automatic_tax[enabled]} adds {@code round(taxable x rate)} on top of its discounted amount (tax
 * exclusive, as Stripe computes it for prices without {@code tax_behavior=inclusive}).
 */
public final class Taxes {
    private Taxes() {}

    /** The tax on {@code taxable} minor units at {@code ratePercent}, rounded half up. */
    public static long tax(long taxable, double ratePercent) {
        return taxable <= 0 ? 0 : Math.round(taxable * ratePercent / 100.0);
    }

    /** Whether {@code automatic_tax[enabled]=true} was sent. */
    public static boolean requested(Params p) {
        Params automatic = p.sub("automatic_tax");
        return automatic != null && automatic.bool("enabled", false);
    }

    /** Whether a stored session, subscription or invoice has automatic tax on. */
    public static boolean enabled(Map<String, Object> object) {
        return object != null
                && object.get("automatic_tax") instanceof Map<?, ?> automatic
                && Boolean.TRUE.equals(automatic.get("enabled"));
    }

    /** A subscription's {@code automatic_tax}. */
    static Map<String, Object> subscriptionField(boolean enabled) {
        return Json.obj(
                "disabled_reason", null, "enabled", enabled, "liability", enabled ? Json.obj("type", "self") : null);
    }

    /** A Checkout session's {@code automatic_tax}. */
    public static Map<String, Object> sessionField(boolean enabled) {
        return Json.obj(
                "enabled",
                enabled,
                "liability",
                enabled ? Json.obj("type", "self") : null,
                "provider",
                enabled ? "stripe" : null,
                "status",
                enabled ? "complete" : null);
    }

    /**
     * Adds the tax to a drafted invoice whose {@code total} and {@code total_excluding_tax} hold the
     * discounted amount: {@code automatic_tax}, {@code total_taxes} and the new {@code total}.
     */
    static void applyToInvoice(Map<String, Object> inv, double ratePercent) {
        long taxable = (Long) inv.get("total_excluding_tax");
        long tax = tax(taxable, ratePercent);
        inv.put(
                "automatic_tax",
                Json.obj(
                        "disabled_reason",
                        null,
                        "enabled",
                        true,
                        "liability",
                        Json.obj("type", "self"),
                        "provider",
                        "stripe",
                        "status",
                        "complete"));
        List<Object> taxes = new ArrayList<>();
        if (taxable > 0) {
            taxes.add(Json.obj(
                    "amount",
                    tax,
                    "tax_behavior",
                    "exclusive",
                    "tax_rate_details",
                    null,
                    "taxability_reason",
                    "standard_rated",
                    "taxable_amount",
                    taxable,
                    "type",
                    "tax_rate_details"));
        }
        inv.put("total_taxes", taxes);
        inv.put("total", taxable + tax);
    }
}
