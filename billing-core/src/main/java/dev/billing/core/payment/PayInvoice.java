package dev.billing.core.payment;

import dev.billing.core.annotation.Internal;
import dev.billing.core.audit.AuditContext;
import dev.billing.core.customer.Ownership;
import dev.billing.core.error.ConflictException;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.gateway.GatewayRetry;
import dev.billing.core.gateway.IdempotencyKeys;
import dev.billing.core.model.UserId;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoiceStatus;
import dev.billing.core.model.payment.PaymentMethod;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.ProjectionListener;
import dev.billing.core.port.SubscriptionStore;
import java.util.UUID;

/**
 * Retries payment of one of the caller's open invoices with the card that pays, the one {@code listPaymentMethods}
 * marks as the default (recovers a past_due subscription). Each call is one attempt with its own idempotency key,
 * kept across the attempt's retries: Stripe saves a decline under its key for a day, so a key derived from the
 * invoice would answer the attempt after the user changed cards with the old card's decline. Double submits still
 * charge once, as Stripe pays an invoice once and refuses the second request; that refusal is answered with the paid
 * invoice. While no card pays, the call is a 409 {@code no_payment_method} that says what to do, and Stripe is not
 * asked.
 *
 * <p>Usage: {@code Invoice paid = payInvoice.pay(user, "in_123");}
 */
public final class PayInvoice {
    private final Ownership ownership;
    private final PaymentGateway gateway;
    private final SubscriptionStore subscriptions;
    private final ProjectionListener listener;
    private final GatewayRetry retry;

    @Internal
    public PayInvoice(
            Ownership ownership,
            PaymentGateway gateway,
            SubscriptionStore subscriptions,
            ProjectionListener listener,
            GatewayRetry retry) {
        this.ownership = ownership;
        this.gateway = gateway;
        this.subscriptions = subscriptions;
        this.listener = listener;
        this.retry = retry;
    }

    public Invoice pay(UserId user, String invoiceId) {
        Invoice invoice = ownership.invoice(user, invoiceId);
        if (invoice.status() == InvoiceStatus.PAID) {
            return invoice;
        }
        if (invoice.status() != InvoiceStatus.OPEN) {
            throw new InvalidRequestException(
                    "invoice_not_payable",
                    "Invoice " + invoiceId + " is " + invoice.status().stripeName()
                            + "; only open invoices can be paid.");
        }
        // The card the API lists as the one that pays, given to Stripe: left to choose, Stripe takes the invoice's
        // subscription's own card, then the customer's, and an invoice of a subscription that never got one (a
        // PaymentSheet left unpaid) would be refused although another card pays for the account. Nothing due needs
        // no card.
        String card = invoice.amountRemaining() == 0
                ? null
                : retry.call(() -> gateway.listPaymentMethods(invoice.customerId())).stream()
                        .filter(PaymentMethod::isDefault)
                        .map(PaymentMethod::id)
                        .findFirst()
                        .orElseThrow(() -> noPaymentMethod(invoiceId));
        String key = IdempotencyKeys.of("pay-invoice", invoiceId, UUID.randomUUID());
        Invoice paid;
        try {
            paid = retry.call(() -> gateway.payInvoice(invoiceId, card, key));
        } catch (GatewayRejectedException e) {
            if (!GatewayRejectedException.INVOICE_ALREADY_PAID.equals(e.gatewayCode())) {
                throw e;
            }
            paid = retry.call(() -> gateway.getInvoice(invoiceId))
                    .filter(i -> i.status() == InvoiceStatus.PAID)
                    .orElseThrow(() -> e);
        }
        subscriptions.upsertInvoice(paid, AuditContext.current());
        listener.projectionChanged(paid.customerId());
        return paid;
    }

    private static ConflictException noPaymentMethod(String invoiceId) {
        return new ConflictException(
                "no_payment_method",
                "Invoice " + invoiceId + " cannot be paid: no card pays for this account. Save a card "
                        + "(POST /stripe/payment-methods/setup-intent), make it the one that pays "
                        + "(POST /stripe/payment-methods/{id}/default), then pay again.");
    }
}
