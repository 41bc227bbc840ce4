package dev.billing.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * The local projection of a Stripe invoice. Nullable: {@code subscriptionId}, {@code number}, the hosted and PDF
 * links (absent on drafts), period bounds.
 */
public record Invoice(String id, CustomerId customerId, String subscriptionId, InvoiceStatus status, String number,
                      String currency, long amountDue, long amountPaid, long amountRemaining, String hostedInvoiceUrl,
                      String invoicePdf, String billingReason, Instant periodStart, Instant periodEnd,
                      Instant created, SourceVersion version) {
    public Invoice {
        Checks.text(id, "id");
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(status, "status");
        Checks.currency(currency);
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(version, "version");
    }

    public Money due() {
        return new Money(amountDue, currency);
    }

    public Money paid() {
        return new Money(amountPaid, currency);
    }

    public Invoice withVersion(SourceVersion newVersion) {
        return new Invoice(id, customerId, subscriptionId, status, number, currency, amountDue, amountPaid,
                amountRemaining, hostedInvoiceUrl, invoicePdf, billingReason, periodStart, periodEnd, created,
                newVersion);
    }
}
