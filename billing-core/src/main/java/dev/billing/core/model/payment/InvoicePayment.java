package dev.billing.core.model.payment;

import dev.billing.core.model.Checks;

/**
 * That a payment intent paid (part of) an invoice: how an invoice finds the refunds of its payment. Stripe names it
 * in {@code invoice_payment.paid} events (API 2025-03-31 on) and in an invoice's {@code payment_intent} (earlier
 * versions). It never changes once made, so the stores keep it insert-once, keyed by both ids.
 *
 * <p>Usage: {@code store.recordInvoicePayment(new InvoicePayment("in_1", "pi_1"))}
 */
public record InvoicePayment(String invoiceId, String paymentIntentId) {
    public InvoicePayment {
        Checks.text(invoiceId, "invoiceId");
        Checks.text(paymentIntentId, "paymentIntentId");
    }
}
