package dev.billing.stripe;

import static dev.billing.stripe.StripeJson.amount;
import static dev.billing.stripe.StripeJson.idOf;
import static dev.billing.stripe.StripeJson.instant;
import static dev.billing.stripe.StripeJson.object;
import static dev.billing.stripe.StripeJson.required;
import static dev.billing.stripe.StripeJson.text;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Money;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoiceStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * Decodes an invoice, or an {@code invoice.upcoming} preview, from a webhook's raw JSON ({@link StripeJson}). Where
 * Stripe moved a field, both places are read: the subscription from {@code parent.subscription_details.subscription},
 * else from the top-level {@code subscription} (before 2025-03-31). A field read here must be in
 * {@link StripeJson#WANTED}, or it reads as absent.
 */
final class StripeInvoiceJson {
    private StripeInvoiceJson() {}

    static Invoice invoice(JsonObject i, SourceVersion version) {
        String subscriptionId = idOf(object(object(i, "parent"), "subscription_details"), "subscription");
        if (subscriptionId == null) {
            subscriptionId = idOf(i, "subscription");
        }
        return new Invoice(
                required(text(i, "id"), "id"),
                CustomerId.of(required(idOf(i, "customer"), "customer")),
                subscriptionId,
                InvoiceStatus.fromStripe(text(i, "status")),
                text(i, "number"),
                required(text(i, "currency"), "currency"),
                amount(i, "amount_due"),
                amount(i, "amount_paid"),
                amount(i, "amount_remaining"),
                tax(i),
                text(i, "hosted_invoice_url"),
                text(i, "invoice_pdf"),
                text(i, "billing_reason"),
                instant(i, "period_start"),
                instant(i, "period_end"),
                required(instant(i, "created"), "created"),
                version);
    }

    /**
     * The sum of {@code total_taxes[].amount}; 0 when automatic tax was on and found none to add (exempt, reverse
     * charge); null when the invoice computed no tax at all, so "no tax" and "tax not asked for" stay apart.
     */
    private static Long tax(JsonObject i) {
        JsonElement taxes = i.get("total_taxes");
        if (taxes != null && taxes.isJsonArray() && !taxes.getAsJsonArray().isEmpty()) {
            long sum = 0;
            for (JsonElement t : taxes.getAsJsonArray()) {
                if (t.isJsonObject()) {
                    sum += amount(t.getAsJsonObject(), "amount");
                }
            }
            return sum;
        }
        JsonObject automatic = object(i, "automatic_tax");
        JsonElement enabled = automatic == null ? null : automatic.get("enabled");
        return enabled != null && enabled.isJsonPrimitive() && enabled.getAsBoolean() ? 0L : null;
    }

    /** An {@code invoice.upcoming} preview: null-safe on everything but its customer and currency. */
    static EventObject upcomingInvoice(JsonObject i) {
        String subscriptionId = idOf(object(object(i, "parent"), "subscription_details"), "subscription");
        if (subscriptionId == null) {
            subscriptionId = idOf(i, "subscription");
        }
        Instant renewsAt =
                Optional.ofNullable(instant(i, "next_payment_attempt")).orElse(instant(i, "period_end"));
        return new EventObject.OfUpcomingInvoice(
                CustomerId.of(required(idOf(i, "customer"), "customer")),
                subscriptionId,
                new Money(amount(i, "amount_due"), required(text(i, "currency"), "currency")),
                renewsAt);
    }
}
