package dev.billing.core.model.payment;

import dev.billing.core.model.Checks;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Money;
import dev.billing.core.model.SourceVersion;
import java.time.Instant;
import java.util.Objects;

/**
 * The local projection of a Stripe invoice. Nullable: {@code subscriptionId}, {@code number}, the hosted and PDF
 * links (absent on drafts), period bounds, {@code tax} (the invoice's total tax in minor units; null when Stripe
 * computed none or it was projected before tax was read).
 */
public record Invoice(
        String id,
        CustomerId customerId,
        String subscriptionId,
        InvoiceStatus status,
        String number,
        String currency,
        long amountDue,
        long amountPaid,
        long amountRemaining,
        Long tax,
        String hostedInvoiceUrl,
        String invoicePdf,
        String billingReason,
        Instant periodStart,
        Instant periodEnd,
        Instant created,
        SourceVersion version) {
    public Invoice {
        Checks.text(id, "id");
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(status, "status");
        Checks.currency(currency);
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(version, "version");
        if (tax != null && tax < 0) {
            throw new IllegalArgumentException("tax must not be negative");
        }
    }

    /** An invoice without a tax amount. */
    public Invoice(
            String id,
            CustomerId customerId,
            String subscriptionId,
            InvoiceStatus status,
            String number,
            String currency,
            long amountDue,
            long amountPaid,
            long amountRemaining,
            String hostedInvoiceUrl,
            String invoicePdf,
            String billingReason,
            Instant periodStart,
            Instant periodEnd,
            Instant created,
            SourceVersion version) {
        this(
                id,
                customerId,
                subscriptionId,
                status,
                number,
                currency,
                amountDue,
                amountPaid,
                amountRemaining,
                null,
                hostedInvoiceUrl,
                invoicePdf,
                billingReason,
                periodStart,
                periodEnd,
                created,
                version);
    }

    public Money due() {
        return new Money(amountDue, currency);
    }

    public Money paid() {
        return new Money(amountPaid, currency);
    }

    /** Whether this invoice is the subscription's and paid: a start of it (a trial's zero invoice included). */
    public boolean paidFor(String subscription) {
        return status == InvoiceStatus.PAID && subscription.equals(subscriptionId);
    }

    public Invoice withVersion(SourceVersion newVersion) {
        return new Invoice(
                id,
                customerId,
                subscriptionId,
                status,
                number,
                currency,
                amountDue,
                amountPaid,
                amountRemaining,
                tax,
                hostedInvoiceUrl,
                invoicePdf,
                billingReason,
                periodStart,
                periodEnd,
                created,
                newVersion);
    }
}
