package dev.billing.emulator.service;

import static dev.billing.emulator.service.SubscriptionShape.paymentMethodFor;

import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.state.Ids;
import dev.billing.emulator.wire.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Invoices from draft to paid: drafting (totals, discounts, customer credit, tax), finalizing,
 * collecting and paying, with Stripe's events in Stripe's order; and what a payment outcome does to
 * the invoice's subscription ({@code past_due}, back to {@code active}). Subscriptions, renewals,
 * updates, payment intents and the invoices API all go through it.
 */
public final class Invoicing {
    private final EmulatorState s;
    private final Discounts discounts;
    private final CardCharges charges;

    public Invoicing(EmulatorState state, Discounts discounts, CardCharges charges) {
        this.s = state;
        this.discounts = discounts;
        this.charges = charges;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> statusTransitions(Map<String, Object> inv) {
        return (Map<String, Object>) inv.get("status_transitions");
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> linesOf(Map<String, Object> inv) {
        return (Map<String, Object>) inv.get("lines");
    }

    // ================================================================ drafting

    /** A draft invoice (not stored or emitted yet); totals and discounts computed. */
    Map<String, Object> newInvoice(
            String id,
            Map<String, Object> customer,
            Map<String, Object> sub,
            String billingReason,
            List<Map<String, Object>> lines,
            long periodStart,
            long periodEnd) {
        long now = s.now();
        Map<String, Object> inv = draft(id, customer, sub, billingReason, lines, periodStart, periodEnd, now);
        totals(inv, customer, sub, lines, discounts.apply(sub, discountable(lines), now));
        if (sub != null) {
            discounts.forgetUsed(sub, now);
        }
        return inv;
    }

    /**
     * The invoice a renewal at {@code at} will draft, as Stripe's {@code invoice.upcoming} shows it:
     * it has no id (it does not exist yet), its billing reason is {@code upcoming}, its payment is
     * attempted at {@code at}; nothing is stored and no discount is used up.
     */
    Map<String, Object> upcoming(
            Map<String, Object> customer,
            Map<String, Object> sub,
            List<Map<String, Object>> lines,
            long periodStart,
            long periodEnd,
            long at) {
        Map<String, Object> inv = draft(null, customer, sub, "upcoming", lines, periodStart, periodEnd, at);
        totals(inv, customer, sub, lines, discounts.preview(sub, discountable(lines), at));
        inv.remove("id");
        inv.put("next_payment_attempt", at);
        linesOf(inv).put("url", "/v1/invoices/upcoming/lines?subscription=" + sub.get("id"));
        return inv;
    }

    private static long discountable(List<Map<String, Object>> lines) {
        return lines.stream()
                .filter(l -> Boolean.TRUE.equals(l.get("discountable")))
                .mapToLong(l -> (Long) l.get("amount"))
                .sum();
    }

    /** Subtotal, discounts, tax, total and what is due (after the customer's credit). */
    private void totals(
            Map<String, Object> inv,
            Map<String, Object> customer,
            Map<String, Object> sub,
            List<Map<String, Object>> lines,
            Discounts.Applied applied) {
        long subtotal = lines.stream().mapToLong(l -> (Long) l.get("amount")).sum();
        long total = subtotal - applied.total();
        inv.put("discounts", applied.ids());
        inv.put("subtotal", subtotal);
        inv.put("subtotal_excluding_tax", subtotal);
        inv.put("total", total);
        inv.put("total_discount_amounts", applied.amounts());
        inv.put("total_excluding_tax", total);
        if (Taxes.enabled(sub)) {
            Taxes.applyToInvoice(inv, s.taxRatePercent());
        }
        long due = amountDueIfFinalized(inv, customer);
        inv.put("amount_due", due);
        inv.put("amount_remaining", due);
    }

    /** The invoice object with every amount at zero; {@link #newInvoice} fills the totals in. */
    private Map<String, Object> draft(
            String id,
            Map<String, Object> customer,
            Map<String, Object> sub,
            String billingReason,
            List<Map<String, Object>> lines,
            long periodStart,
            long periodEnd,
            long now) {
        String currency = lines.isEmpty()
                ? (sub != null ? (String) sub.get("currency") : "usd")
                : (String) lines.get(0).get("currency");
        Map<String, Object> inv = new LinkedHashMap<>();
        inv.put("id", id);
        inv.put("object", "invoice");
        inv.put("account_country", "US");
        inv.put("account_name", "Stripe Emulator");
        inv.put("account_tax_ids", null);
        inv.put("amount_due", 0L);
        inv.put("amount_overpaid", 0L);
        inv.put("amount_paid", 0L);
        inv.put("amount_paid_off_stripe", 0L);
        inv.put("amount_remaining", 0L);
        inv.put("amount_shipping", 0L);
        inv.put("application", null);
        inv.put("attempt_count", 0L);
        inv.put("attempted", false);
        inv.put("auto_advance", true);
        inv.put(
                "automatic_tax",
                Json.obj(
                        "disabled_reason",
                        null,
                        "enabled",
                        false,
                        "liability",
                        null,
                        "provider",
                        null,
                        "status",
                        null));
        inv.put("automatically_finalizes_at", null);
        inv.put("billing_reason", billingReason);
        inv.put("collection_method", sub != null ? sub.get("collection_method") : "charge_automatically");
        inv.put("confirmation_secret", null);
        inv.put("created", now);
        inv.put("currency", currency);
        inv.put("custom_fields", null);
        putCustomerFields(inv, customer);
        inv.put("default_payment_method", null);
        inv.put("default_source", null);
        inv.put("default_tax_rates", new ArrayList<>());
        inv.put("description", null);
        inv.put("discounts", new ArrayList<>());
        inv.put(
                "due_date",
                sub != null && "send_invoice".equals(sub.get("collection_method"))
                        ? now + (Long) sub.get("days_until_due") * 86400
                        : null);
        inv.put("effective_at", null);
        inv.put("ending_balance", null);
        inv.put("footer", null);
        inv.put("from_invoice", null);
        inv.put("hosted_invoice_url", null);
        inv.put("invoice_pdf", null);
        inv.put("issuer", Json.obj("type", "self"));
        inv.put("last_finalization_error", null);
        inv.put("latest_revision", null);
        inv.put("lines", lineList(id, lines));
        inv.put("livemode", false);
        inv.put("metadata", new LinkedHashMap<String, Object>());
        inv.put("next_payment_attempt", null);
        inv.put("number", null);
        inv.put("on_behalf_of", null);
        inv.put("parent", sub == null ? null : subscriptionParent(sub));
        inv.put(
                "payment_settings",
                Json.obj("default_mandate", null, "payment_method_options", null, "payment_method_types", null));
        inv.put("period_end", periodEnd);
        inv.put("period_start", periodStart);
        inv.put("post_payment_credit_notes_amount", 0L);
        inv.put("pre_payment_credit_notes_amount", 0L);
        inv.put("receipt_number", null);
        inv.put("rendering", null);
        inv.put("shipping_cost", null);
        inv.put("shipping_details", null);
        inv.put("starting_balance", 0L);
        inv.put("statement_descriptor", null);
        inv.put("status", "draft");
        inv.put(
                "status_transitions",
                Json.obj("finalized_at", null, "marked_uncollectible_at", null, "paid_at", null, "voided_at", null));
        inv.put("subtotal", 0L);
        inv.put("subtotal_excluding_tax", 0L);
        inv.put("test_clock", null);
        inv.put("total", 0L);
        inv.put("total_discount_amounts", new ArrayList<>());
        inv.put("total_excluding_tax", 0L);
        inv.put("total_pretax_credit_amounts", new ArrayList<>());
        inv.put("total_taxes", new ArrayList<>());
        inv.put("webhooks_delivered_at", null);
        inv.put("_subscription", sub == null ? null : sub.get("id"));
        return inv;
    }

    /** The customer as the invoice records it when drafted. */
    private static void putCustomerFields(Map<String, Object> inv, Map<String, Object> customer) {
        inv.put("customer", customer.get("id"));
        inv.put("customer_account", null);
        inv.put("customer_address", Json.deepCopy(customer.get("address")));
        inv.put("customer_email", customer.get("email"));
        inv.put("customer_name", customer.get("name"));
        inv.put("customer_phone", customer.get("phone"));
        inv.put("customer_shipping", null);
        inv.put("customer_tax_exempt", "none");
        inv.put("customer_tax_ids", new ArrayList<>());
    }

    private static Map<String, Object> lineList(String id, List<Map<String, Object>> lines) {
        Map<String, Object> lineList = new LinkedHashMap<>();
        lineList.put("object", "list");
        lineList.put("data", new ArrayList<>(lines));
        lineList.put("has_more", false);
        lineList.put("total_count", (long) lines.size());
        lineList.put("url", "/v1/invoices/" + id + "/lines");
        return lineList;
    }

    private static Map<String, Object> subscriptionParent(Map<String, Object> sub) {
        Map<String, Object> parent = new LinkedHashMap<>();
        parent.put("quote_details", null);
        parent.put(
                "subscription_details",
                Json.obj("metadata", Json.deepCopy(sub.get("metadata")), "subscription", sub.get("id")));
        parent.put("type", "subscription_details");
        return parent;
    }

    /** {@code max(0, total + customer balance)}: negative balances are credit. */
    static long amountDueIfFinalized(Map<String, Object> inv, Map<String, Object> customer) {
        long total = (Long) inv.get("total");
        long balance = customer.get("balance") == null ? 0 : (Long) customer.get("balance");
        return Math.max(0, total + balance);
    }

    // ================================================================ lifecycle

    /**
     * Draft to open: numbers the invoice, gives it its hosted pages, applies the customer's credit,
     * and fixes the customer's currency the first time the customer is invoiced (Stripe then bills
     * the customer in that currency). One {@code customer.updated} tells a changed currency or balance.
     */
    public void finalizeInvoice(Map<String, Object> inv) {
        Map<String, Object> customer = s.store.get((String) inv.get("customer"));
        long now = s.now();
        long seq = (Long) customer.get("next_invoice_sequence");
        customer.put("next_invoice_sequence", seq + 1);
        Map<String, Object> customerBefore = Json.deepCopy(customer);
        if (customer.get("currency") == null) {
            customer.put("currency", inv.get("currency"));
        }
        applyCustomerBalance(inv, customer);
        s.emitUpdated("customer.updated", customerBefore, customer);
        inv.put("number", customer.get("invoice_prefix") + "-" + String.format("%04d", seq));
        inv.put("status", "open");
        inv.put("effective_at", now);
        statusTransitions(inv).put("finalized_at", now);
        inv.put("hosted_invoice_url", s.hostedBase() + "/invoice/" + inv.get("id"));
        inv.put("invoice_pdf", s.hostedBase() + "/invoice/" + inv.get("id") + "/pdf");
    }

    /** Credit (a negative balance) pays what it can; a negative total becomes new credit. */
    private static void applyCustomerBalance(Map<String, Object> inv, Map<String, Object> customer) {
        long balance = customer.get("balance") == null ? 0 : (Long) customer.get("balance");
        long total = (Long) inv.get("total");
        long applied = total + balance;
        long due = Math.max(0, applied);
        inv.put("starting_balance", balance);
        inv.put("ending_balance", Math.min(0, applied));
        inv.put("amount_due", due);
        inv.put("amount_remaining", due);
        customer.put("balance", Math.min(0, applied));
    }

    /**
     * Walks an invoice through Stripe's lifecycle, emitting events in Stripe's order. A null
     * attempt means "finalize but do not try to collect" (send_invoice, default_incomplete).
     */
    public void lifecycle(Map<String, Object> inv, PaymentAttempt attempt, boolean fromDraft) {
        if (fromDraft) {
            s.store.put(inv);
            s.emit("invoice.created", inv);
            finalizeInvoice(inv);
            s.emit("invoice.finalized", inv);
        }
        long due = (Long) inv.get("amount_due");
        if (attempt == null && due > 0) {
            return;
        }
        if (attempt == null || attempt.succeeded()) {
            Map<String, Object> payment = markPaid(inv, attempt);
            s.emit("invoice.paid", inv);
            s.emit("invoice.payment_succeeded", inv);
            if (payment != null) {
                // API 2025-03-31 on, the invoice no longer names its payment intent: this event does.
                s.emit("invoice_payment.paid", payment);
            }
            if (attempt != null && attempt.charge() != null) {
                s.emit("charge.succeeded", attempt.charge());
                s.emit("payment_intent.succeeded", attempt.paymentIntent());
            }
            return;
        }
        inv.put("attempt_count", (Long) inv.get("attempt_count") + 1);
        inv.put("attempted", true);
        inv.put("next_payment_attempt", null);
        if (attempt.charge() != null) {
            s.emit("charge.failed", attempt.charge());
            s.emit("payment_intent.payment_failed", attempt.paymentIntent());
        }
        s.emit("invoice.payment_failed", inv);
    }

    /** Marks the invoice paid; returns the invoice payment stored for the attempt's payment intent, or null. */
    /** Voids an open invoice ({@code POST /v1/invoices/{id}/void}, or an incomplete subscription expiring). */
    public void voidOpen(Map<String, Object> inv) {
        Map<String, Object> before = Json.deepCopy(inv);
        inv.put("status", "void");
        inv.put("amount_remaining", 0L);
        statusTransitions(inv).put("voided_at", s.now());
        s.emitUpdated("invoice.voided", before, inv);
    }

    public Map<String, Object> markPaid(Map<String, Object> inv, PaymentAttempt attempt) {
        long now = s.now();
        long due = (Long) inv.get("amount_due");
        inv.put("amount_paid", due);
        inv.put("amount_remaining", 0L);
        inv.put("attempted", true);
        if (attempt != null && attempt.charge() != null) {
            inv.put("attempt_count", (Long) inv.get("attempt_count") + 1);
        }
        inv.put("status", "paid");
        statusTransitions(inv).put("paid_at", now);
        if (attempt == null || attempt.paymentIntent() == null) {
            return null;
        }
        Map<String, Object> payment = invoicePayment(inv, attempt.paymentIntent(), due, now);
        s.store.put(payment);
        return payment;
    }

    private static Map<String, Object> invoicePayment(
            Map<String, Object> inv, Map<String, Object> pi, long amount, long now) {
        Map<String, Object> ip = new LinkedHashMap<>();
        ip.put("id", Ids.next("inpay"));
        ip.put("object", "invoice_payment");
        ip.put("amount_paid", amount);
        ip.put("amount_requested", amount);
        ip.put("created", now);
        ip.put("currency", inv.get("currency"));
        ip.put("invoice", inv.get("id"));
        ip.put("is_default", true);
        ip.put("livemode", false);
        ip.put(
                "payment",
                Json.obj(
                        "charge",
                        null,
                        "payment_intent",
                        pi.get("id"),
                        "payment_record",
                        null,
                        "type",
                        "payment_intent"));
        ip.put("status", "paid");
        ip.put("status_transitions", Json.obj("canceled_at", null, "paid_at", now));
        return ip;
    }

    // ================================================================ collecting

    /**
     * Stores, finalizes and (when {@code charge}) collects a subscription's new draft invoice; a
     * failed payment makes the subscription {@code past_due}.
     */
    void collect(Map<String, Object> inv, Map<String, Object> sub, Map<String, Object> customer, boolean charge) {
        PaymentAttempt attempt = charge ? chargeFor(inv, sub, customer) : null;
        lifecycle(inv, attempt, true);
        if (attempt != null && !attempt.succeeded()) {
            markPastDue(sub);
        }
    }

    private PaymentAttempt chargeFor(Map<String, Object> inv, Map<String, Object> sub, Map<String, Object> customer) {
        return charges.charge(
                (String) customer.get("id"),
                paymentMethodFor(s, sub, customer),
                amountDueIfFinalized(inv, customer),
                (String) inv.get("currency"),
                "subscription_create".equals(inv.get("billing_reason"))
                        ? "Subscription creation"
                        : "subscription_update".equals(inv.get("billing_reason"))
                                ? "Subscription update"
                                : "Subscription cycle",
                null);
    }

    /** past_due / incomplete subscriptions become active once their latest invoice is paid. */
    public void recover(Map<String, Object> sub, Map<String, Object> inv) {
        if (sub == null) {
            return;
        }
        String status = (String) sub.get("status");
        if (!List.of("past_due", "incomplete", "unpaid").contains(status)) {
            return;
        }
        boolean otherOpen = s.store.all("invoice").stream()
                .anyMatch(o ->
                        o != inv && sub.get("id").equals(o.get("_subscription")) && "open".equals(o.get("status")));
        if (!otherOpen) {
            Map<String, Object> before = Json.deepCopy(sub);
            sub.put("status", "active");
            s.emitUpdated("customer.subscription.updated", before, sub);
        }
    }

    private void markPastDue(Map<String, Object> sub) {
        String status = (String) sub.get("status");
        if ("active".equals(status) || "trialing".equals(status)) {
            Map<String, Object> before = Json.deepCopy(sub);
            sub.put("status", "past_due");
            s.emitUpdated("customer.subscription.updated", before, sub);
        }
    }
}
