package dev.billing.emulator.service;

import dev.billing.emulator.state.EmulatorState;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Typed reads and writes on the subscription, subscription item and price maps. Stateless, so
 * every billing class can share one vocabulary for where a period or a price lives.
 */
public final class SubscriptionShape {
    private SubscriptionShape() {}

    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> itemsOf(Map<String, Object> sub) {
        return (List<Map<String, Object>>) ((Map<String, Object>) sub.get("items")).get("data");
    }

    /** Keeps {@code items.total_count} in step after items were added or removed. */
    @SuppressWarnings("unchecked")
    static void recountItems(Map<String, Object> sub) {
        ((Map<String, Object>) sub.get("items"))
                .put("total_count", (long) itemsOf(sub).size());
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> itemPrice(Map<String, Object> item) {
        return (Map<String, Object>) item.get("price");
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> recurringOf(Map<String, Object> price) {
        return (Map<String, Object>) price.get("recurring");
    }

    static boolean metered(Map<String, Object> price) {
        Map<String, Object> rec = recurringOf(price);
        return rec != null && "metered".equals(rec.get("usage_type"));
    }

    /** An item's quantity; metered items have none and count as 0. */
    static long qty(Map<String, Object> item) {
        Object q = item.get("quantity");
        return q == null ? 0 : (Long) q;
    }

    static boolean sameInterval(Map<String, Object> price, Map<String, Object> item) {
        Map<String, Object> a = recurringOf(price);
        Map<String, Object> b = recurringOf(itemPrice(item));
        return Objects.equals(a.get("interval"), b.get("interval"))
                && Objects.equals(a.get("interval_count"), b.get("interval_count"));
    }

    /** The 2026 API keeps the period on the items; they all share it, so the first one speaks for all. */
    public static long currentPeriodEnd(Map<String, Object> sub) {
        return (Long) itemsOf(sub).get(0).get("current_period_end");
    }

    static long currentPeriodStart(Map<String, Object> sub) {
        return (Long) itemsOf(sub).get(0).get("current_period_start");
    }

    static void setPeriod(Map<String, Object> sub, long start, long end) {
        for (Map<String, Object> item : itemsOf(sub)) {
            item.put("current_period_start", start);
            item.put("current_period_end", end);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cancellationDetails(Map<String, Object> sub) {
        return (Map<String, Object>) sub.get("cancellation_details");
    }

    /** Proration lines waiting for the next invoice ({@code proration_behavior=create_prorations}). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> pendingLines(Map<String, Object> sub) {
        return (List<Map<String, Object>>) sub.get("_pending_lines");
    }

    /**
     * The subscription's default payment method, else the customer's invoice default; a default that is no longer
     * attached to the customer (detached since) is skipped, as Stripe never charges it.
     */
    public static String paymentMethodFor(EmulatorState s, Map<String, Object> sub, Map<String, Object> customer) {
        String fromSubscription = sub == null ? null : (String) sub.get("default_payment_method");
        if (fromSubscription != null && attachedTo(s, fromSubscription, customer)) {
            return fromSubscription;
        }
        String fromCustomer = customer == null
                ? null
                : (String) CustomerAccounts.invoiceSettings(customer).get("default_payment_method");
        return fromCustomer != null && attachedTo(s, fromCustomer, customer) ? fromCustomer : null;
    }

    private static boolean attachedTo(EmulatorState s, String pmId, Map<String, Object> customer) {
        Map<String, Object> pm = s.store.find("payment_method", pmId);
        return pm != null && customer != null && customer.get("id").equals(pm.get("customer"));
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> paymentSettings(Map<String, Object> sub) {
        return (Map<String, Object>) sub.get("payment_settings");
    }

    /**
     * Whether the card that pays the first invoice, or confirms the pending setup intent, becomes the subscription's
     * default ({@code payment_settings.save_default_payment_method=on_subscription}).
     */
    public static boolean savesDefaultPaymentMethod(Map<String, Object> sub) {
        Map<String, Object> settings = paymentSettings(sub);
        return settings != null && "on_subscription".equals(settings.get("save_default_payment_method"));
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> trialEndBehavior(Map<String, Object> sub) {
        return (Map<String, Object>) ((Map<String, Object>) sub.get("trial_settings")).get("end_behavior");
    }

    /**
     * Whether the trial ends by canceling the subscription: {@code trial_settings.end_behavior.missing_payment_method}
     * is {@code cancel} and no card would pay the first invoice.
     */
    public static boolean trialEndsUnpaid(EmulatorState s, Map<String, Object> sub) {
        return "trialing".equals(sub.get("status"))
                && "cancel".equals(trialEndBehavior(sub).get("missing_payment_method"))
                && paymentMethodFor(s, sub, s.store.get((String) sub.get("customer"))) == null;
    }
}
