package dev.billing.emulator.service;

import static dev.billing.emulator.service.SubscriptionShape.itemPrice;
import static dev.billing.emulator.service.SubscriptionShape.itemsOf;
import static dev.billing.emulator.service.SubscriptionShape.metered;
import static dev.billing.emulator.service.SubscriptionShape.pendingLines;
import static dev.billing.emulator.service.SubscriptionShape.qty;
import static dev.billing.emulator.service.SubscriptionShape.recurringOf;

import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.state.Ids;
import dev.billing.emulator.state.Periods;
import dev.billing.emulator.wire.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Invoice line items: the 2026 shape of one line, and the lines a subscription bills for a first
 * invoice, a new period, the usage of a past period, or pending prorations.
 */
public final class InvoiceLines {
    private final EmulatorState s;
    private final Products products;

    public InvoiceLines(EmulatorState state, Products products) {
        this.s = state;
        this.products = products;
    }

    /**
     * One line. With a subscription {@code item} it is a subscription item line, without one an
     * invoice item line (one-time prices bought with a subscription).
     */
    Map<String, Object> line(
            String invoiceId,
            String subId,
            Map<String, Object> item,
            Map<String, Object> price,
            long qty,
            long amount,
            long start,
            long end,
            String description,
            boolean proration) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("id", Ids.next("il"));
        line.put("object", "line_item");
        line.put("amount", amount);
        line.put("currency", price.get("currency"));
        line.put("description", description);
        line.put("discount_amounts", new ArrayList<>());
        line.put("discountable", !proration);
        line.put("discounts", new ArrayList<>());
        line.put("invoice", invoiceId);
        line.put("livemode", false);
        line.put("metadata", new LinkedHashMap<String, Object>());
        line.put("parent", parent(subId, item, proration));
        line.put("period", Json.obj("end", end, "start", start));
        line.put("pretax_credit_amounts", new ArrayList<>());
        line.put(
                "pricing",
                Json.obj(
                        "price_details",
                        Json.obj("price", price.get("id"), "product", price.get("product")),
                        "type",
                        "price_details",
                        "unit_amount_decimal",
                        price.get("unit_amount_decimal")));
        line.put("quantity", qty);
        line.put("quantity_decimal", Long.toString(qty));
        line.put("subscription", subId);
        line.put("subtotal", amount);
        line.put("taxes", new ArrayList<>());
        return line;
    }

    private static Map<String, Object> parent(String subId, Map<String, Object> item, boolean proration) {
        Map<String, Object> parent = new LinkedHashMap<>();
        if (item != null) {
            parent.put("invoice_item_details", null);
            parent.put(
                    "subscription_item_details",
                    Json.obj(
                            "invoice_item",
                            null,
                            "proration",
                            proration,
                            "proration_details",
                            Json.obj("credited_items", null),
                            "subscription",
                            subId,
                            "subscription_item",
                            item.get("id")));
            parent.put("type", "subscription_item_details");
        } else {
            parent.put(
                    "invoice_item_details",
                    Json.obj(
                            "invoice_item",
                            Ids.next("ii"),
                            "proration",
                            false,
                            "proration_details",
                            Json.obj("credited_items", null),
                            "subscription",
                            subId));
            parent.put("subscription_item_details", null);
            parent.put("type", "invoice_item_details");
        }
        return parent;
    }

    /**
     * The lines of a subscription's first invoice: each licensed item for the first period ($0
     * during a trial), then the one-time prices bought with it. Metered items bill later, in arrears.
     */
    List<Map<String, Object>> firstLines(
            String invoiceId,
            String subId,
            List<Map<String, Object>> items,
            List<SubscriptionItems.ItemSpec> oneTimeItems,
            boolean trial,
            String interval,
            long now,
            long periodEnd) {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (Map<String, Object> item : items) {
            Map<String, Object> price = itemPrice(item);
            if (metered(price)) {
                continue;
            }
            long qty = (Long) item.get("quantity");
            long amount = trial ? 0 : (Long) price.get("unit_amount") * qty;
            String desc = trial
                    ? "Trial period for " + products.productName(price)
                    : licensedDescription(qty, price, interval);
            lines.add(line(invoiceId, subId, item, price, qty, amount, now, periodEnd, desc, false));
        }
        for (SubscriptionItems.ItemSpec spec : oneTimeItems) {
            long qty = spec.quantity() == null ? 1 : spec.quantity();
            lines.add(line(
                    invoiceId,
                    subId,
                    null,
                    spec.price(),
                    qty,
                    (Long) spec.price().get("unit_amount") * qty,
                    now,
                    now,
                    products.productName(spec.price()),
                    false));
        }
        return lines;
    }

    /** Licensed lines for a new period. */
    List<Map<String, Object>> cycleLines(String invoiceId, Map<String, Object> sub, long start, long end) {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (Map<String, Object> item : itemsOf(sub)) {
            Map<String, Object> price = itemPrice(item);
            if (metered(price)) {
                continue;
            }
            long qty = qty(item);
            lines.add(line(
                    invoiceId,
                    (String) sub.get("id"),
                    item,
                    price,
                    qty,
                    (Long) price.get("unit_amount") * qty,
                    start,
                    end,
                    licensedDescription(qty, price, (String) recurringOf(price).get("interval")),
                    false));
        }
        return lines;
    }

    /** Metered lines billing the usage the meters recorded for the customer in {@code start..end}. */
    List<Map<String, Object>> usageLines(String invoiceId, Map<String, Object> sub, long start, long end) {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (Map<String, Object> item : itemsOf(sub)) {
            Map<String, Object> price = itemPrice(item);
            if (!metered(price)) {
                continue;
            }
            Map<String, Object> meter = s.store.get((String) recurringOf(price).get("meter"));
            long usage = meter == null
                    ? 0
                    : Math.round(MeterUsage.aggregate(s, meter, (String) sub.get("customer"), start, end));
            lines.add(line(
                    invoiceId,
                    (String) sub.get("id"),
                    item,
                    price,
                    usage,
                    usage * (Long) price.get("unit_amount"),
                    start,
                    end,
                    usage + " × " + products.productName(price) + " (at "
                            + Periods.money((Long) price.get("unit_amount"), (String) price.get("currency"))
                            + " / unit)",
                    false));
        }
        return lines;
    }

    /** Takes the pending proration lines, re-pointed at {@code invoiceId}. */
    List<Map<String, Object>> takePending(Map<String, Object> sub, String invoiceId) {
        List<Map<String, Object>> pending = pendingLines(sub);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> l : pending) {
            l.put("invoice", invoiceId);
            out.add(l);
        }
        pending.clear();
        return out;
    }

    private String licensedDescription(long qty, Map<String, Object> price, String interval) {
        return qty + " × " + products.productName(price) + " (at "
                + Periods.money((Long) price.get("unit_amount"), (String) price.get("currency"))
                + " / " + interval + ")";
    }
}
