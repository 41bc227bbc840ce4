package dev.billing.core.usecase;

import dev.billing.core.port.ProjectionListener;

import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.Invoice;
import dev.billing.core.model.InvoiceStatus;
import dev.billing.core.model.UserId;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.SubscriptionStore;

/**
 * Retries payment of one of the caller's open invoices with the default payment method (recovers a past_due
 * subscription). The idempotency key is per invoice, so double submits charge once.
 *
 * <p>Usage: {@code Invoice paid = payInvoice.pay(user, "in_123");}
 */
public final class PayInvoice {
    private final Ownership ownership;
    private final PaymentGateway gateway;
    private final SubscriptionStore subscriptions;
    private final ProjectionListener listener;
    private final GatewayRetry retry;

    PayInvoice(Ownership ownership, PaymentGateway gateway, SubscriptionStore subscriptions,
               ProjectionListener listener, GatewayRetry retry) {
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
            throw new InvalidRequestException("invoice_not_payable", "Invoice " + invoiceId + " is "
                    + invoice.status().stripeName() + "; only open invoices can be paid.");
        }
        String key = IdempotencyKeys.of("pay-invoice", invoiceId, invoice.amountRemaining());
        Invoice paid = retry.call(() -> gateway.payInvoice(invoiceId, key));
        subscriptions.upsertInvoice(paid, AuditContext.current());
        listener.projectionChanged(paid.customerId());
        return paid;
    }
}
