package dev.billing.core.model.analytics;

import dev.billing.core.model.Checks;
import dev.billing.core.model.payment.InvoiceStatus;
import java.util.Objects;

/**
 * Invoices with an amount due created in a window, by status and currency; {@code subscriptionAtRisk}: the
 * invoice's subscription is past due or unpaid.
 */
public record InvoiceTally(
        InvoiceStatus status,
        String currency,
        boolean subscriptionAtRisk,
        long count,
        long amountDue,
        long amountRemaining) {
    public InvoiceTally {
        Objects.requireNonNull(status, "status");
        Checks.currency(currency);
        Checks.nonNegative(count, "count");
    }
}
