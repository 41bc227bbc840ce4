package dev.billing.emulator.service;

import static dev.billing.emulator.service.SubscriptionShape.cancellationDetails;
import static dev.billing.emulator.service.SubscriptionShape.itemsOf;
import static dev.billing.emulator.service.SubscriptionShape.paymentMethodFor;
import static dev.billing.emulator.service.SubscriptionShape.recountItems;
import static dev.billing.emulator.service.SubscriptionShape.recurringOf;

import dev.billing.emulator.service.SubscriptionItems.ItemSpec;
import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.state.Ids;
import dev.billing.emulator.state.Periods;
import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A subscription's start and end: creating it with its first invoice and payment (from the API or a
 * completed checkout), and canceling it now (the API, a deleted customer, or the clock at
 * {@code cancel_at}).
 */
public final class SubscriptionLifecycle {
    private final EmulatorState s;
    private final SubscriptionItems items;
    private final InvoiceLines lines;
    private final Invoicing invoicing;
    private final CardCharges charges;
    private final CustomerAccounts accounts;

    public SubscriptionLifecycle(
            EmulatorState state,
            SubscriptionItems items,
            InvoiceLines lines,
            Invoicing invoicing,
            CardCharges charges,
            CustomerAccounts accounts) {
        this.s = state;
        this.items = items;
        this.lines = lines;
        this.invoicing = invoicing;
        this.charges = charges;
        this.accounts = accounts;
    }

    /**
     * Creates a subscription with its first invoice and payment, emitting
     * {@code customer.subscription.created}, {@code invoice.created}, {@code invoice.finalized},
     * {@code invoice.paid}, {@code invoice.payment_succeeded}, {@code invoice_payment.paid},
     * {@code charge.succeeded},
     * {@code payment_intent.succeeded} (or the failure equivalents). With {@code automaticTax} its
     * invoices add tax at the configured rate.
     */
    public Map<String, Object> createSubscription(
            Map<String, Object> customer,
            List<ItemSpec> specs,
            List<ItemSpec> oneTimeItems,
            Long trialEnd,
            Map<String, Object> metadata,
            String defaultPm,
            List<String> discountIds,
            String paymentBehavior,
            String collectionMethod,
            Long daysUntilDue,
            String description,
            boolean automaticTax) {
        requireCompatiblePrices(specs);
        Map<String, Object> firstRecurring = recurringOf(specs.get(0).price());
        long now = s.now();
        String subId = Ids.next("sub");
        boolean trial = trialEnd != null;
        String interval = (String) firstRecurring.get("interval");
        long count = (Long) firstRecurring.get("interval_count");
        long anchor = trial ? trialEnd : now;
        long periodEnd = trial ? trialEnd : Periods.plus(anchor, interval, count, 1);

        Map<String, Object> sub = newSubscription(
                subId,
                customer,
                specs,
                trialEnd,
                anchor,
                metadata,
                defaultPm,
                discountIds,
                collectionMethod,
                daysUntilDue,
                description,
                now);
        sub.put("automatic_tax", Taxes.subscriptionField(automaticTax));
        List<Map<String, Object>> itemData = itemsOf(sub);
        for (ItemSpec spec : specs) {
            itemData.add(items.newItem(subId, spec, now, periodEnd));
        }
        recountItems(sub);
        for (String discountId : discountIds) {
            Map<String, Object> discount = s.store.get(discountId);
            discount.put("subscription", subId);
        }

        String invoiceId = Ids.next("in");
        List<Map<String, Object>> firstLines =
                lines.firstLines(invoiceId, subId, itemData, oneTimeItems, trial, interval, now, periodEnd);
        Map<String, Object> invoice =
                invoicing.newInvoice(invoiceId, customer, sub, "subscription_create", firstLines, now, now);
        sub.put("latest_invoice", invoiceId);
        s.store.put(sub);
        for (Map<String, Object> item : itemData) {
            s.store.put(item);
        }
        collectFirstInvoice(sub, invoice, customer, trial, paymentBehavior, collectionMethod);
        return sub;
    }

    /** Stripe requires one interval and one currency across a subscription's prices. */
    private static void requireCompatiblePrices(List<ItemSpec> specs) {
        Map<String, Object> firstRecurring = recurringOf(specs.get(0).price());
        for (ItemSpec spec : specs) {
            Map<String, Object> rec = recurringOf(spec.price());
            if (!Objects.equals(rec.get("interval"), firstRecurring.get("interval"))
                    || !Objects.equals(rec.get("interval_count"), firstRecurring.get("interval_count"))) {
                throw ApiError.invalid(
                        "The price specified has an interval that does not match the other "
                                + "prices on this subscription. All prices on a subscription must have the same "
                                + "`recurring.interval` and `recurring.interval_count`.",
                        "items");
            }
            if (!Objects.equals(
                    spec.price().get("currency"), specs.get(0).price().get("currency"))) {
                throw ApiError.invalid("All prices on a subscription must have the same currency.", "items");
            }
        }
    }

    /** The subscription object without items (an empty item list) and not stored yet. */
    private static Map<String, Object> newSubscription(
            String subId,
            Map<String, Object> customer,
            List<ItemSpec> specs,
            Long trialEnd,
            long anchor,
            Map<String, Object> metadata,
            String defaultPm,
            List<String> discountIds,
            String collectionMethod,
            Long daysUntilDue,
            String description,
            long now) {
        boolean trial = trialEnd != null;
        Map<String, Object> sub = new LinkedHashMap<>();
        sub.put("id", subId);
        sub.put("object", "subscription");
        sub.put("application", null);
        sub.put("application_fee_percent", null);
        sub.put("automatic_tax", Json.obj("disabled_reason", null, "enabled", false, "liability", null));
        sub.put("billing_cycle_anchor", anchor);
        sub.put("billing_cycle_anchor_config", null);
        sub.put("billing_mode", Json.obj("flexible", null, "type", "classic", "updated_at", null));
        sub.put("billing_thresholds", null);
        sub.put("cancel_at", null);
        sub.put("cancel_at_period_end", false);
        sub.put("canceled_at", null);
        sub.put("cancellation_details", Json.obj("comment", null, "feedback", null, "reason", null));
        sub.put("collection_method", collectionMethod);
        sub.put("created", now);
        sub.put("currency", specs.get(0).price().get("currency"));
        sub.put("customer", customer.get("id"));
        sub.put("customer_account", null);
        sub.put(
                "days_until_due",
                "send_invoice".equals(collectionMethod) ? (daysUntilDue == null ? 30L : daysUntilDue) : null);
        sub.put("default_payment_method", defaultPm);
        sub.put("default_source", null);
        sub.put("default_tax_rates", new ArrayList<>());
        sub.put("description", description);
        sub.put("discounts", new ArrayList<>(discountIds));
        sub.put("ended_at", null);
        sub.put(
                "invoice_settings",
                Json.obj(
                        "account_tax_ids",
                        null,
                        "custom_fields",
                        null,
                        "description",
                        null,
                        "footer",
                        null,
                        "issuer",
                        Json.obj("type", "self")));
        sub.put("items", emptyItemList(subId));
        sub.put("latest_invoice", null);
        sub.put("livemode", false);
        sub.put("metadata", metadata == null ? new LinkedHashMap<String, Object>() : metadata);
        sub.put("next_pending_invoice_item_invoice", null);
        sub.put("on_behalf_of", null);
        sub.put("pause_collection", null);
        sub.put(
                "payment_settings",
                Json.obj(
                        "payment_method_options",
                        null,
                        "payment_method_types",
                        null,
                        "save_default_payment_method",
                        "off"));
        sub.put("pending_invoice_item_interval", null);
        sub.put("pending_setup_intent", null);
        sub.put("pending_update", null);
        sub.put("schedule", null);
        sub.put("start_date", now);
        sub.put("status", trial ? "trialing" : "incomplete");
        sub.put("test_clock", null);
        sub.put("transfer_data", null);
        sub.put("trial_end", trialEnd);
        sub.put("trial_settings", Json.obj("end_behavior", Json.obj("missing_payment_method", "create_invoice")));
        sub.put("trial_start", trial ? now : null);
        // Internal fields (not rendered): the billing cycle anchor and how many periods it is past,
        // from which every renewal computes its period instead of adding to the previous one.
        sub.put("_anchor", anchor);
        sub.put("_cycle", trial ? -1L : 0L);
        sub.put("_pending_lines", new ArrayList<Map<String, Object>>());
        sub.put("_trial_will_end_sent", false);
        return sub;
    }

    private static Map<String, Object> emptyItemList(String subId) {
        Map<String, Object> itemList = new LinkedHashMap<>();
        itemList.put("object", "list");
        itemList.put("data", new ArrayList<Map<String, Object>>());
        itemList.put("has_more", false);
        itemList.put("total_count", 0L);
        itemList.put("url", "/v1/subscription_items?subscription=" + subId);
        return itemList;
    }

    /**
     * Charges the first invoice (unless it is sent, or left to confirm with
     * {@code default_incomplete}), sets the status and emits the creation and invoice events.
     */
    private void collectFirstInvoice(
            Map<String, Object> sub,
            Map<String, Object> invoice,
            Map<String, Object> customer,
            boolean trial,
            String paymentBehavior,
            String collectionMethod) {
        boolean sendInvoice = "send_invoice".equals(collectionMethod);
        long due = Invoicing.amountDueIfFinalized(invoice, customer);
        PaymentAttempt attempt;
        if (sendInvoice || ("default_incomplete".equals(paymentBehavior) && due > 0)) {
            attempt = null;
        } else {
            attempt = charges.charge(
                    (String) customer.get("id"),
                    paymentMethodFor(s, sub, customer),
                    due,
                    (String) invoice.get("currency"),
                    "Subscription creation",
                    null);
        }
        if (attempt != null && !attempt.succeeded() && "error_if_incomplete".equals(paymentBehavior)) {
            discardFailedCreation(sub, invoice);
            throw CardCharges.cardError(attempt);
        }
        if (!trial) {
            sub.put("status", sendInvoice || (attempt != null && attempt.succeeded()) ? "active" : "incomplete");
        }
        if ("default_incomplete".equals(paymentBehavior) && due == 0 && !sendInvoice) {
            // Nothing to pay now (a trial): Stripe leaves a setup intent for the app to collect the card with.
            Map<String, Object> si =
                    accounts.newSetupIntent((String) customer.get("id"), null, null, null, "off_session");
            sub.put("pending_setup_intent", si.get("id"));
        }
        s.emit("customer.subscription.created", sub);
        invoicing.lifecycle(invoice, attempt, true);
        if (attempt == null && !sendInvoice) {
            awaitConfirmation(customer, invoice, due);
        }
    }

    /** default_incomplete: a payment intent awaiting confirmation, linked to the invoice. */
    private void awaitConfirmation(Map<String, Object> customer, Map<String, Object> invoice, long due) {
        Map<String, Object> pi = charges.newPaymentIntent(
                (String) customer.get("id"),
                due,
                (String) invoice.get("currency"),
                null,
                "Subscription creation",
                null);
        pi.put("status", "requires_payment_method");
        pi.put("setup_future_usage", "off_session");
        pi.put("_invoice", invoice.get("id"));
        s.store.put(pi);
        // What the app confirms (Stripe's latest_invoice.confirmation_secret, basil and later).
        invoice.put(
                "confirmation_secret", Json.obj("client_secret", pi.get("client_secret"), "type", "payment_intent"));
        s.emit("payment_intent.created", pi);
    }

    /**
     * An {@code incomplete} subscription whose first invoice was not paid within 23 hours ends as
     * {@code incomplete_expired}, as at Stripe: the invoice is voided, its payment intent canceled.
     */
    public void expireIncomplete(Map<String, Object> sub) {
        Map<String, Object> before = Json.deepCopy(sub);
        Object invoiceId = sub.get("latest_invoice");
        Map<String, Object> inv = invoiceId == null ? null : s.store.get((String) invoiceId);
        if (inv != null && "open".equals(inv.get("status"))) {
            invoicing.voidOpen(inv);
            for (Map<String, Object> pi : s.store.all("payment_intent")) {
                if (invoiceId.equals(pi.get("_invoice")) && !"succeeded".equals(pi.get("status"))) {
                    Map<String, Object> piBefore = Json.deepCopy(pi);
                    pi.put("status", "canceled");
                    pi.put("canceled_at", s.now());
                    pi.put("cancellation_reason", "automatic");
                    s.emit("payment_intent.canceled", pi, EmulatorState.diff(piBefore, pi));
                }
            }
        }
        sub.put("status", "incomplete_expired");
        sub.put("ended_at", s.now());
        s.emit("customer.subscription.updated", sub, EmulatorState.diff(before, sub));
    }

    private void discardFailedCreation(Map<String, Object> sub, Map<String, Object> invoice) {
        for (Map<String, Object> item : itemsOf(sub)) {
            s.store.remove((String) item.get("id"));
        }
        s.store.remove((String) sub.get("id"));
        s.store.remove((String) invoice.get("id"));
    }

    /** Cancels immediately, emitting {@code customer.subscription.deleted}. */
    public void cancelNow(Map<String, Object> sub, String reason) {
        long now = s.now();
        sub.put("status", "canceled");
        if (sub.get("canceled_at") == null) {
            sub.put("canceled_at", now);
        }
        sub.put("ended_at", now);
        if (cancellationDetails(sub).get("reason") == null) {
            cancellationDetails(sub).put("reason", reason);
        }
        s.emit("customer.subscription.deleted", sub);
    }
}
