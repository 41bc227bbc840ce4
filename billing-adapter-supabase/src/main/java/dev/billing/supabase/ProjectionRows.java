package dev.billing.supabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.billing.core.error.StoreException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoiceStatus;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionPricing;
import dev.billing.core.model.subscription.SubscriptionStatus;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The projection's rows as PostgREST reads and writes them for {@link SupabaseSubscriptionStore} (and the analytics
 * tally's pricing): subscriptions, invoices, refunds and purchases to and from JSON objects.
 */
final class ProjectionRows {
    private ProjectionRows() {}

    static ObjectNode toRow(Subscription s) {
        ObjectNode row = Rows.object();
        row.put("id", s.id());
        row.put("customer_id", s.customerId().value());
        row.put("status", s.status().stripeName());
        row.put("price_id", s.priceId());
        row.put("quantity", s.quantity());
        Rows.put(row, "current_period_start", s.currentPeriodStart());
        Rows.put(row, "current_period_end", s.currentPeriodEnd());
        row.put("cancel_at_period_end", s.cancelAtPeriodEnd());
        Rows.put(row, "cancel_at", s.cancelAt());
        Rows.put(row, "canceled_at", s.canceledAt());
        Rows.put(row, "ended_at", s.endedAt());
        Rows.put(row, "trial_start", s.trialStart());
        Rows.put(row, "trial_end", s.trialEnd());
        Rows.put(row, "created", s.created());
        ObjectNode metadata = row.putObject("metadata");
        s.metadata().forEach(metadata::put);
        row.put("version", s.version().key());
        Rows.put(row, "past_due_since", s.pastDueSince());
        SubscriptionPricing p = s.pricing();
        if (p != null) {
            row.put("currency", p.currency());
            row.put("unit_amount", p.unitAmount());
            row.put("recurring_interval", p.interval().stripeName());
            row.put("interval_count", p.intervalCount());
            row.put("percent_off", p.percentOff());
            if (p.amountOff() > 0) {
                row.put("amount_off", p.amountOff());
                row.put("amount_off_currency", p.amountOffCurrency());
            }
        }
        return row;
    }

    /** The pricing columns of a row (also of the analytics tally); null when {@code currency} is. */
    static SubscriptionPricing pricing(JsonNode row) {
        String currency = Rows.text(row, "currency");
        if (currency == null) {
            return null;
        }
        JsonNode percent = row.get("percent_off");
        long amountOff = row.hasNonNull("amount_off") ? Rows.longValue(row, "amount_off") : 0;
        return new SubscriptionPricing(
                currency,
                Rows.longValue(row, "unit_amount"),
                BillingInterval.parse(Rows.text(row, "recurring_interval"))
                        .orElseThrow(() ->
                                new StoreException("Supabase holds a subscription with an unknown recurring_interval")),
                Math.toIntExact(Rows.longValue(row, "interval_count")),
                percent == null || percent.isNull() ? null : percent.decimalValue(),
                amountOff,
                amountOff == 0 ? null : Rows.text(row, "amount_off_currency"));
    }

    static Subscription subscription(JsonNode row) {
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode stored = row.get("metadata");
        if (stored != null && stored.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = stored.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                metadata.put(
                        entry.getKey(),
                        entry.getValue().isNull() ? "" : entry.getValue().asText());
            }
        }
        return new Subscription(
                Rows.requiredText(row, "id"),
                CustomerId.of(Rows.requiredText(row, "customer_id")),
                SubscriptionStatus.fromStripe(Rows.text(row, "status")),
                Rows.text(row, "price_id"),
                Rows.longValue(row, "quantity"),
                Rows.instant(row, "current_period_start"),
                Rows.instant(row, "current_period_end"),
                Rows.bool(row, "cancel_at_period_end"),
                Rows.instant(row, "cancel_at"),
                Rows.instant(row, "canceled_at"),
                Rows.instant(row, "ended_at"),
                Rows.instant(row, "trial_start"),
                Rows.instant(row, "trial_end"),
                Rows.requiredInstant(row, "created"),
                metadata,
                SourceVersion.fromKey(Rows.longValue(row, "version")),
                pricing(row),
                Rows.instant(row, "past_due_since"));
    }

    static ObjectNode toRow(Invoice i) {
        ObjectNode row = Rows.object();
        row.put("id", i.id());
        row.put("customer_id", i.customerId().value());
        row.put("subscription_id", i.subscriptionId());
        row.put("status", i.status().stripeName());
        row.put("number", i.number());
        row.put("currency", i.currency());
        row.put("amount_due", i.amountDue());
        row.put("amount_paid", i.amountPaid());
        row.put("amount_remaining", i.amountRemaining());
        row.put("tax", i.tax());
        row.put("hosted_invoice_url", i.hostedInvoiceUrl());
        row.put("invoice_pdf", i.invoicePdf());
        row.put("billing_reason", i.billingReason());
        Rows.put(row, "period_start", i.periodStart());
        Rows.put(row, "period_end", i.periodEnd());
        Rows.put(row, "created", i.created());
        row.put("version", i.version().key());
        return row;
    }

    static Invoice invoice(JsonNode row) {
        return new Invoice(
                Rows.requiredText(row, "id"),
                CustomerId.of(Rows.requiredText(row, "customer_id")),
                Rows.text(row, "subscription_id"),
                InvoiceStatus.fromStripe(Rows.text(row, "status")),
                Rows.text(row, "number"),
                Rows.requiredText(row, "currency"),
                Rows.longValue(row, "amount_due"),
                Rows.longValue(row, "amount_paid"),
                Rows.longValue(row, "amount_remaining"),
                Rows.text(row, "tax") == null ? null : Rows.longValue(row, "tax"),
                Rows.text(row, "hosted_invoice_url"),
                Rows.text(row, "invoice_pdf"),
                Rows.text(row, "billing_reason"),
                Rows.instant(row, "period_start"),
                Rows.instant(row, "period_end"),
                Rows.requiredInstant(row, "created"),
                SourceVersion.fromKey(Rows.longValue(row, "version")));
    }

    static ObjectNode toRow(PaymentRefund r) {
        ObjectNode row = Rows.object();
        row.put("id", r.id());
        row.put("customer_id", r.customerId().value());
        row.put("charge_id", r.chargeId());
        row.put("payment_intent_id", r.paymentIntentId());
        row.put("amount", r.amount());
        row.put("currency", r.currency());
        row.put("status", r.status());
        row.put("reason", r.reason());
        Rows.put(row, "created", r.created());
        row.put("version", r.version().key());
        return row;
    }

    static PaymentRefund refund(JsonNode row) {
        return new PaymentRefund(
                Rows.requiredText(row, "id"),
                CustomerId.of(Rows.requiredText(row, "customer_id")),
                Rows.text(row, "charge_id"),
                Rows.text(row, "payment_intent_id"),
                Rows.longValue(row, "amount"),
                Rows.requiredText(row, "currency"),
                Rows.requiredText(row, "status"),
                Rows.text(row, "reason"),
                Rows.requiredInstant(row, "created"),
                SourceVersion.fromKey(Rows.longValue(row, "version")));
    }

    static ObjectNode toRow(Purchase p) {
        ObjectNode row = Rows.object();
        row.put("id", p.id());
        row.put("customer_id", p.customerId().value());
        row.put("price_id", p.priceId());
        row.put("quantity", p.quantity());
        row.put("currency", p.currency());
        row.put("amount_total", p.amountTotal());
        row.put("payment_intent_id", p.paymentIntentId());
        Rows.put(row, "purchased_at", p.purchasedAt());
        return row;
    }

    static Purchase purchase(JsonNode row) {
        return new Purchase(
                Rows.requiredText(row, "id"),
                CustomerId.of(Rows.requiredText(row, "customer_id")),
                Rows.requiredText(row, "price_id"),
                Rows.longValue(row, "quantity"),
                Rows.requiredText(row, "currency"),
                Rows.longValue(row, "amount_total"),
                Rows.text(row, "payment_intent_id"),
                Rows.requiredInstant(row, "purchased_at"));
    }
}
