package dev.billing.emulator.service;

import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.state.Ids;
import dev.billing.emulator.state.Periods;
import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.Json;
import dev.billing.emulator.wire.Params;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Discount objects (a coupon, maybe through a promotion code, applied to a subscription), the
 * promotion codes that lead to them, and what they take off an invoice: {@code once} on the first
 * non-zero invoice, {@code repeating} for N months, {@code forever}.
 */
public final class Discounts {
    private final EmulatorState s;

    public Discounts(EmulatorState state) {
        this.s = state;
    }

    /** The discounts an invoice received: ids, {@code {amount, discount}} entries, and their sum. */
    record Applied(List<Object> ids, List<Object> amounts, long total) {}

    /** Discount ids from {@code discounts[n][coupon|promotion_code]} (created on the fly). */
    public List<String> discountIds(List<Params> discounts, String customerId) {
        List<String> ids = new ArrayList<>();
        for (Params d : discounts) {
            String couponId = d.strOrNull("coupon");
            String promo = d.strOrNull("promotion_code");
            String promoId = null;
            if (promo != null) {
                Map<String, Object> pc = promotionCode(promo, d.name("promotion_code"));
                promoId = (String) pc.get("id");
                @SuppressWarnings("unchecked")
                Map<String, Object> promotion = (Map<String, Object>) pc.get("promotion");
                couponId = (String) promotion.get("coupon");
            }
            if (couponId == null) {
                throw ApiError.missingParam(d.name("coupon"));
            }
            Map<String, Object> coupon = s.store.require("coupon", couponId, d.name("coupon"));
            ids.add((String) newDiscount(coupon, promoId, customerId).get("id"));
        }
        return ids;
    }

    /**
     * The active promotion code with this id or code (its coupon is {@code promotion.coupon}); an
     * unknown, inactive, expired or used-up code is the API error Stripe answers.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> promotionCode(String idOrCode, String param) {
        Map<String, Object> pc = s.store.find("promotion_code", idOrCode);
        if (pc == null) {
            pc = s.store.all("promotion_code").stream()
                    .filter(o -> idOrCode.equalsIgnoreCase((String) o.get("code")))
                    .findFirst()
                    .orElse(null);
        }
        if (pc == null) {
            throw ApiError.noSuch("promotion code", idOrCode, param);
        }
        if (!Boolean.TRUE.equals(pc.get("active"))) {
            throw ApiError.invalid("This promotion code is inactive.", param);
        }
        Object expiresAt = pc.get("expires_at");
        if (expiresAt != null && s.now() >= (Long) expiresAt) {
            throw ApiError.invalid("This promotion code has expired.", param);
        }
        Object max = pc.get("max_redemptions");
        if (max != null && (Long) pc.get("times_redeemed") >= (Long) max) {
            throw ApiError.invalid("This promotion code has been used up.", param);
        }
        Objects.requireNonNull(((Map<String, Object>) pc.get("promotion")).get("coupon"));
        return pc;
    }

    /** Stores a discount for {@code coupon} and counts the redemption. */
    public Map<String, Object> newDiscount(Map<String, Object> coupon, String promoId, String customerId) {
        long now = s.now();
        Map<String, Object> discount = new LinkedHashMap<>();
        discount.put("id", Ids.next("di"));
        discount.put("object", "discount");
        discount.put("checkout_session", null);
        discount.put("customer", customerId);
        discount.put("customer_account", null);
        Long end = null;
        if ("repeating".equals(coupon.get("duration"))) {
            end = Periods.plus(now, "month", (Long) coupon.get("duration_in_months"), 1);
        }
        discount.put("end", end);
        discount.put("invoice", null);
        discount.put("invoice_item", null);
        discount.put("promotion_code", promoId);
        discount.put("source", Json.obj("coupon", coupon.get("id"), "type", "coupon"));
        discount.put("start", now);
        discount.put("subscription", null);
        discount.put("subscription_item", null);
        discount.put("_once", "once".equals(coupon.get("duration")));
        coupon.put("times_redeemed", ((Long) coupon.get("times_redeemed")) + 1);
        Map<String, Object> pc = promoId == null ? null : s.store.get(promoId);
        if (pc != null) {
            pc.put("times_redeemed", ((Long) pc.get("times_redeemed")) + 1);
        }
        s.store.put(discount);
        return discount;
    }

    /**
     * Applies the subscription's active discounts, in order, to the {@code discountable} amount of a
     * new invoice; a {@code once} discount that took something off is used up.
     */
    Applied apply(Map<String, Object> sub, long discountable, long now) {
        return apply(sub, discountable, now, true);
    }

    /**
     * The same for an invoice that is only shown ({@code invoice.upcoming}): a {@code once} discount
     * takes its amount off without being used up.
     */
    Applied preview(Map<String, Object> sub, long discountable, long at) {
        return apply(sub, discountable, at, false);
    }

    @SuppressWarnings("unchecked")
    private Applied apply(Map<String, Object> sub, long discountable, long now, boolean useUp) {
        List<Object> ids = new ArrayList<>();
        List<Object> amounts = new ArrayList<>();
        long total = 0;
        if (sub == null) {
            return new Applied(ids, amounts, total);
        }
        for (Object did : (List<Object>) sub.get("discounts")) {
            Map<String, Object> discount = s.store.get((String) did);
            if (discount == null || !active(discount, now)) {
                continue;
            }
            Map<String, Object> coupon =
                    s.store.get((String) ((Map<String, Object>) discount.get("source")).get("coupon"));
            long amount = couponAmount(coupon, Math.max(0, discountable - total));
            if (amount > 0) {
                total += amount;
                ids.add(did);
                amounts.add(Json.obj("amount", amount, "discount", did));
                if (useUp && Boolean.TRUE.equals(discount.get("_once"))) {
                    discount.put("_used", true);
                }
            }
        }
        return new Applied(ids, amounts, total);
    }

    /** A subscription stops listing discounts that are used up ({@code once}) or have ended. */
    void forgetUsed(Map<String, Object> sub, long now) {
        @SuppressWarnings("unchecked")
        List<Object> ids = (List<Object>) sub.get("discounts");
        for (Iterator<Object> it = ids.iterator(); it.hasNext(); ) {
            Map<String, Object> d = s.store.get((String) it.next());
            if (d != null && !active(d, now)) {
                it.remove();
            }
        }
    }

    private static boolean active(Map<String, Object> discount, long now) {
        Object end = discount.get("end");
        return !Boolean.TRUE.equals(discount.get("_used")) && (end == null || now < (Long) end);
    }

    private static long couponAmount(Map<String, Object> coupon, long base) {
        if (coupon == null || base <= 0) {
            return 0;
        }
        Object pct = coupon.get("percent_off");
        if (pct != null) {
            return Math.round(base * ((Number) pct).doubleValue() / 100.0);
        }
        Object off = coupon.get("amount_off");
        return off == null ? 0 : Math.min(base, (Long) off);
    }
}
