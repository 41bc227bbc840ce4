package dev.billing.emulator.service;

import static dev.billing.emulator.service.SubscriptionShape.cancellationDetails;
import static dev.billing.emulator.service.SubscriptionShape.currentPeriodEnd;
import static dev.billing.emulator.service.SubscriptionShape.currentPeriodStart;
import static dev.billing.emulator.service.SubscriptionShape.itemPrice;
import static dev.billing.emulator.service.SubscriptionShape.itemsOf;
import static dev.billing.emulator.service.SubscriptionShape.metered;
import static dev.billing.emulator.service.SubscriptionShape.pendingLines;
import static dev.billing.emulator.service.SubscriptionShape.qty;
import static dev.billing.emulator.service.SubscriptionShape.recountItems;
import static dev.billing.emulator.service.SubscriptionShape.recurringOf;
import static dev.billing.emulator.service.SubscriptionShape.sameInterval;
import static dev.billing.emulator.service.SubscriptionShape.setPeriod;

import dev.billing.emulator.service.SubscriptionItems.ItemSpec;
import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.state.Ids;
import dev.billing.emulator.state.Periods;
import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.Json;
import dev.billing.emulator.wire.Params;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code POST /v1/subscriptions/{id}}: details, cancellation at a time or at period end, item
 * changes with their prorations, a new trial end or {@code trial_end=now}, and the invoice such a
 * change calls for. The steps run in Stripe's order and a failing step leaves the earlier ones
 * applied, as the emulator has always done.
 */
public final class SubscriptionUpdates {
    private final EmulatorState s;
    private final SubscriptionItems items;
    private final InvoiceLines lines;
    private final Invoicing invoicing;
    private final Renewals renewals;
    private final Products products;
    private final Discounts discounts;

    public SubscriptionUpdates(
            EmulatorState state,
            SubscriptionItems items,
            InvoiceLines lines,
            Invoicing invoicing,
            Renewals renewals,
            Products products,
            Discounts discounts) {
        this.s = state;
        this.discounts = discounts;
        this.items = items;
        this.lines = lines;
        this.invoicing = invoicing;
        this.renewals = renewals;
        this.products = products;
    }

    /**
     * The part of the current period an update prorates: from {@code now} to the period end, as a
     * {@code fraction} of the whole period. Proration lines point at {@code invoiceId}, the id the
     * update's own invoice gets if it needs one.
     */
    private record Window(
            String invoiceId, long now, long periodStart, long periodEnd, double fraction, boolean trialing) {}

    /** What the item changes of one update amount to. */
    private static final class ItemChanges {
        final List<Map<String, Object>> prorations = new ArrayList<>();
        boolean intervalChange;
    }

    public Map<String, Object> update(String id, Params p) {
        Map<String, Object> sub = s.store.require("subscription", id, "id");
        String status = (String) sub.get("status");
        requireUpdatable(status, p);
        Map<String, Object> customer = s.store.get((String) sub.get("customer"));
        Map<String, Object> before = Json.deepCopy(sub);
        long now = s.now();
        String proration =
                p.oneOf("proration_behavior", "create_prorations", "create_prorations", "none", "always_invoice");

        applyDetails(sub, p);
        applyDiscounts(sub, p);
        applyCancellation(sub, p, now);
        Window window = window(sub, now, "trialing".equals(status));
        ItemChanges changes = applyItems(sub, id, p.subList("items"), window);
        boolean endTrialNow = applyTrialEnd(sub, p, window, changes);
        Map<String, Object> invoice =
                window.trialing() ? null : invoiceForChanges(sub, customer, proration, changes, window);

        if (invoice != null) {
            sub.put("latest_invoice", invoice.get("id"));
        }
        s.emitUpdated("customer.subscription.updated", before, sub);
        if (invoice != null) {
            invoicing.collect(invoice, sub, customer, true);
        }
        if (endTrialNow) {
            endTrialNow(sub, now);
        }
        return s.render(sub, p.expand());
    }

    private static void requireUpdatable(String status, Params p) {
        if ("canceled".equals(status) || "incomplete_expired".equals(status)) {
            boolean onlyMeta = p.keys().stream()
                    .allMatch(k -> k.equals("metadata") || k.equals("cancellation_details") || k.equals("expand"));
            if (!onlyMeta) {
                throw ApiError.invalid(
                        "A canceled subscription can only update its cancellation_details " + "and metadata.", null);
            }
        }
    }

    /**
     * {@code discounts} replaces the subscription's list: {@code discount} keeps one of its own,
     * {@code coupon} or {@code promotion_code} adds a new one; an empty value removes them all.
     */
    @SuppressWarnings("unchecked")
    private void applyDiscounts(Map<String, Object> sub, Params p) {
        if (!p.has("discounts")) {
            return;
        }
        List<Object> current = (List<Object>) sub.get("discounts");
        List<Params> kept = new ArrayList<>();
        List<Params> added = new ArrayList<>();
        for (Params d : p.subList("discounts")) {
            String existing = d.strOrNull("discount");
            if (existing == null) {
                added.add(d);
            } else if (!current.contains(existing)) {
                throw ApiError.invalid(
                        "The discount " + existing + " does not belong to this subscription.", d.name("discount"));
            } else {
                kept.add(d);
            }
        }
        List<Object> ids = new ArrayList<>();
        kept.forEach(d -> ids.add(d.strOrNull("discount")));
        for (String discountId : discounts.discountIds(added, (String) sub.get("customer"))) {
            s.store.get(discountId).put("subscription", sub.get("id"));
            ids.add(discountId);
        }
        sub.put("discounts", ids);
    }

    /** {@code metadata}, {@code description}, {@code default_payment_method}, {@code cancellation_details}. */
    private void applyDetails(Map<String, Object> sub, Params p) {
        p.applyMetadata(sub, "metadata");
        if (p.has("description")) {
            sub.put("description", p.strOrNull("description"));
        }
        if (p.has("default_payment_method")) {
            String pmId = p.strOrNull("default_payment_method");
            if (pmId != null) {
                Map<String, Object> pm = s.store.require("payment_method", pmId, "default_payment_method");
                if (!Objects.equals(sub.get("customer"), pm.get("customer"))) {
                    throw ApiError.invalid(
                            "The PaymentMethod must be attached to the customer.", "default_payment_method");
                }
            }
            sub.put("default_payment_method", pmId);
        }
        Params details = p.sub("cancellation_details");
        if (details != null) {
            Map<String, Object> cd = cancellationDetails(sub);
            if (details.has("comment")) {
                cd.put("comment", details.strOrNull("comment"));
            }
            if (details.has("feedback")) {
                cd.put("feedback", details.strOrNull("feedback"));
            }
        }
    }

    /** {@code cancel_at_period_end} and {@code cancel_at}; the clock carries the cancellation out. */
    private void applyCancellation(Map<String, Object> sub, Params p, long now) {
        if (p.has("cancel_at_period_end")) {
            boolean atPeriodEnd = p.bool("cancel_at_period_end", false);
            sub.put("cancel_at_period_end", atPeriodEnd);
            sub.put("cancel_at", atPeriodEnd ? currentPeriodEnd(sub) : null);
            sub.put("canceled_at", atPeriodEnd ? now : null);
            cancellationDetails(sub).put("reason", atPeriodEnd ? "cancellation_requested" : null);
        }
        if (p.has("cancel_at")) {
            Long cancelAt = p.lng("cancel_at");
            if (cancelAt != null && cancelAt <= now) {
                throw ApiError.invalid("Invalid timestamp: must be in the future.", "cancel_at");
            }
            sub.put("cancel_at", cancelAt);
            sub.put("cancel_at_period_end", cancelAt != null && cancelAt == currentPeriodEnd(sub));
            sub.put("canceled_at", cancelAt == null ? null : now);
            cancellationDetails(sub).put("reason", cancelAt == null ? null : "cancellation_requested");
        }
    }

    private static Window window(Map<String, Object> sub, long now, boolean trialing) {
        long periodStart = currentPeriodStart(sub);
        long periodEnd = currentPeriodEnd(sub);
        double fraction = periodEnd > periodStart
                ? Math.max(0, Math.min(1, (periodEnd - now) / (double) (periodEnd - periodStart)))
                : 0;
        return new Window(Ids.next("in"), now, periodStart, periodEnd, fraction, trialing);
    }

    // ================================================================ items

    /** Applies {@code items[n][id|price|price_data|quantity|metadata|deleted]} in order. */
    private ItemChanges applyItems(Map<String, Object> sub, String subId, List<Params> itemParams, Window window) {
        ItemChanges changes = new ItemChanges();
        for (Params ip : itemParams) {
            Map<String, Object> item = existingItem(sub, ip);
            if (item != null && ip.bool("deleted", false)) {
                deleteItem(sub, item, ip, window, changes);
                continue;
            }
            Map<String, Object> newPrice = items.requestedPrice(ip);
            if (newPrice != null) {
                SubscriptionItems.requireRecurring(newPrice, ip);
            }
            if (item == null) {
                addItem(sub, subId, ip, newPrice, window, changes);
            } else {
                changeItem(sub, item, ip, newPrice, window, changes);
            }
        }
        if (!itemParams.isEmpty()) {
            recountItems(sub);
        }
        return changes;
    }

    /** The item named by {@code id}, or null when the entry adds an item. */
    private static Map<String, Object> existingItem(Map<String, Object> sub, Params ip) {
        String itemId = ip.strOrNull("id");
        if (itemId == null) {
            return null;
        }
        Map<String, Object> item = null;
        for (Map<String, Object> candidate : itemsOf(sub)) {
            if (itemId.equals(candidate.get("id"))) {
                item = candidate;
            }
        }
        if (item == null) {
            throw ApiError.noSuch("subscription item", itemId, ip.name("id"));
        }
        return item;
    }

    private void deleteItem(
            Map<String, Object> sub, Map<String, Object> item, Params ip, Window window, ItemChanges changes) {
        if (itemsOf(sub).size() == 1) {
            throw ApiError.invalid(
                    "A subscription must have at least one active plan. To cancel a "
                            + "subscription, send a DELETE request to /v1/subscriptions/{id}.",
                    ip.name("deleted"));
        }
        changes.prorations.addAll(prorate(window, sub, item, itemPrice(item), qty(item), null, 0));
        itemsOf(sub).remove(item);
        s.store.remove((String) item.get("id"));
    }

    private void addItem(
            Map<String, Object> sub,
            String subId,
            Params ip,
            Map<String, Object> newPrice,
            Window window,
            ItemChanges changes) {
        if (newPrice == null) {
            throw ApiError.missingParam(ip.name("price"));
        }
        Long quantity = metered(newPrice) ? null : ip.lng("quantity", 1);
        Map<String, Object> added = items.newItem(
                subId,
                new ItemSpec(newPrice, quantity, Params.metadataFrom(ip, "metadata")),
                window.periodStart(),
                window.periodEnd());
        itemsOf(sub).add(added);
        s.store.put(added);
        changes.intervalChange |= !sameInterval(newPrice, itemsOf(sub).get(0));
        changes.prorations.addAll(prorate(window, sub, added, null, 0, newPrice, quantity == null ? 0 : quantity));
    }

    /** A new price and/or quantity (and metadata) on an existing item. */
    private void changeItem(
            Map<String, Object> sub,
            Map<String, Object> item,
            Params ip,
            Map<String, Object> newPrice,
            Window window,
            ItemChanges changes) {
        Map<String, Object> oldPrice = itemPrice(item);
        long oldQty = qty(item);
        Map<String, Object> targetPrice = newPrice != null ? newPrice : oldPrice;
        long newQty = metered(targetPrice) ? 0 : ip.lng("quantity", metered(oldPrice) ? 1 : oldQty);
        if (newQty < 0) {
            throw ApiError.invalid("Invalid quantity: must be at least 0", ip.name("quantity"));
        }
        if (newPrice != null) {
            changes.intervalChange |= !sameInterval(newPrice, item);
            item.put("price", Json.deepCopy(newPrice));
            item.put("plan", SubscriptionItems.plan(newPrice));
        }
        item.put("quantity", metered(targetPrice) ? null : newQty);
        ip.applyMetadata(item, "metadata");
        boolean changed =
                newPrice != null && !Objects.equals(newPrice.get("id"), oldPrice.get("id")) || newQty != oldQty;
        if (changed) {
            changes.prorations.addAll(prorate(window, sub, item, oldPrice, oldQty, targetPrice, newQty));
        }
    }

    /**
     * Proration lines for the rest of the period: a credit for the unused time on the old price and
     * quantity, a debit for the remaining time on the new ones. None during a trial.
     */
    private List<Map<String, Object>> prorate(
            Window window,
            Map<String, Object> sub,
            Map<String, Object> item,
            Map<String, Object> oldPrice,
            long oldQty,
            Map<String, Object> newPrice,
            long newQty) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (window.trialing() || window.fraction() <= 0) {
            return out;
        }
        String subId = (String) sub.get("id");
        long now = window.now();
        if (oldPrice != null && !metered(oldPrice) && oldQty > 0) {
            long credit = Math.round((Long) oldPrice.get("unit_amount") * oldQty * window.fraction());
            if (credit > 0) {
                out.add(lines.line(
                        window.invoiceId(),
                        subId,
                        item,
                        oldPrice,
                        oldQty,
                        -credit,
                        now,
                        window.periodEnd(),
                        "Unused time on " + (oldQty > 1 ? oldQty + " × " : "") + products.productName(oldPrice)
                                + " after " + Periods.day(now),
                        true));
            }
        }
        if (newPrice != null && !metered(newPrice) && newQty > 0) {
            long debit = Math.round((Long) newPrice.get("unit_amount") * newQty * window.fraction());
            if (debit > 0) {
                out.add(lines.line(
                        window.invoiceId(),
                        subId,
                        item,
                        newPrice,
                        newQty,
                        debit,
                        now,
                        window.periodEnd(),
                        "Remaining time on " + (newQty > 1 ? newQty + " × " : "") + products.productName(newPrice)
                                + " after " + Periods.day(now),
                        true));
            }
        }
        return out;
    }

    // ================================================================ trial end

    /**
     * {@code trial_end}: a future time starts or moves a trial (dropping this update's prorations);
     * {@code now} on a trialing subscription asks to end the trial once the update is applied.
     */
    private boolean applyTrialEnd(Map<String, Object> sub, Params p, Window window, ItemChanges changes) {
        if (!p.has("trial_end")) {
            return false;
        }
        String te = p.strOrNull("trial_end");
        if ("now".equals(te)) {
            return window.trialing();
        }
        if (te != null) {
            long now = window.now();
            long newTrialEnd = p.lng("trial_end");
            if (newTrialEnd <= now) {
                throw ApiError.invalid("Invalid timestamp: must be in the future.", "trial_end");
            }
            sub.put("trial_end", newTrialEnd);
            if (!window.trialing()) {
                sub.put("trial_start", now);
                sub.put("status", "trialing");
            }
            sub.put("_anchor", newTrialEnd);
            sub.put("_cycle", -1L);
            sub.put("billing_cycle_anchor", newTrialEnd);
            sub.put("_trial_will_end_sent", false);
            setPeriod(sub, window.trialing() ? window.periodStart() : now, newTrialEnd);
            changes.prorations.clear();
        }
        return false;
    }

    /** Ends the trial at {@code now}: the notice Stripe sends, then the period end (first invoice). */
    private void endTrialNow(Map<String, Object> sub, long now) {
        s.emit("customer.subscription.trial_will_end", sub);
        sub.put("_trial_will_end_sent", true);
        sub.put("trial_end", now);
        setPeriod(sub, currentPeriodStart(sub), now);
        sub.put("_anchor", now);
        sub.put("billing_cycle_anchor", now);
        renewals.endPeriod(sub);
    }

    // ================================================================ invoicing the change

    /**
     * The invoice the change calls for, not stored yet, or null: a new interval resets the billing
     * cycle and invoices at once; otherwise prorations are invoiced now ({@code always_invoice}),
     * kept for the next invoice ({@code create_prorations}) or dropped ({@code none}).
     */
    private Map<String, Object> invoiceForChanges(
            Map<String, Object> sub,
            Map<String, Object> customer,
            String proration,
            ItemChanges changes,
            Window window) {
        if (changes.intervalChange) {
            return restartCycle(sub, customer, proration, changes, window);
        }
        if (changes.prorations.isEmpty()) {
            return null;
        }
        if ("always_invoice".equals(proration)) {
            List<Map<String, Object>> invoiceLines = new ArrayList<>(changes.prorations);
            invoiceLines.addAll(lines.takePending(sub, window.invoiceId()));
            return invoicing.newInvoice(
                    window.invoiceId(), customer, sub, "subscription_update", invoiceLines, window.now(), window.now());
        }
        if ("create_prorations".equals(proration)) {
            pendingLines(sub).addAll(changes.prorations);
        }
        return null;
    }

    /**
     * Stripe resets the billing cycle and invoices immediately when the interval changes: the new
     * period starts now, credited with the unused time of the old prices.
     */
    private Map<String, Object> restartCycle(
            Map<String, Object> sub,
            Map<String, Object> customer,
            String proration,
            ItemChanges changes,
            Window window) {
        long now = window.now();
        sub.put("_anchor", now);
        sub.put("_cycle", 0L);
        sub.put("billing_cycle_anchor", now);
        Map<String, Object> rec = recurringOf(itemPrice(itemsOf(sub).get(0)));
        long newEnd = Periods.plus(now, (String) rec.get("interval"), (Long) rec.get("interval_count"), 1);
        setPeriod(sub, now, newEnd);
        List<Map<String, Object>> invoiceLines = new ArrayList<>();
        if (!"none".equals(proration)) {
            for (Map<String, Object> l : changes.prorations) {
                if (((Long) l.get("amount")) < 0) {
                    invoiceLines.add(l);
                }
            }
        }
        invoiceLines.addAll(lines.cycleLines(window.invoiceId(), sub, now, newEnd));
        return invoicing.newInvoice(window.invoiceId(), customer, sub, "subscription_update", invoiceLines, now, now);
    }
}
