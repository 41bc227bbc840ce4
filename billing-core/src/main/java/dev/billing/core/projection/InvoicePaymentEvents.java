package dev.billing.core.projection;

import dev.billing.core.annotation.Internal;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.payment.InvoicePayment;
import dev.billing.core.port.SubscriptionStore;

/**
 * Records which payment intent paid which invoice, so that an invoice shows what went back of its payment: from
 * {@code invoice_payment.paid} (API 2025-03-31 on, naming the invoice and the payment intent but no customer) and
 * from the {@code payment_intent} an invoice of an earlier API version carries. Stripe never changes such a link, so
 * it is kept insert-once in its own rows keyed by both ids rather than on the invoice under a watermark: duplicates
 * change nothing, any delivery order ends the same, and a payment that arrives before its invoice is kept until the
 * invoice comes.
 */
@Internal
public final class InvoicePaymentEvents {
    private final SubscriptionStore subscriptions;

    public InvoicePaymentEvents(SubscriptionStore subscriptions) {
        this.subscriptions = subscriptions;
    }

    /** Whether the object is one this class projects: the payment of {@code invoice_payment.paid}. */
    public static boolean projects(String type, EventObject object) {
        return object instanceof EventObject.OfInvoicePayment && type.equals("invoice_payment.paid");
    }

    public InboxStatus apply(EventObject object) {
        if (!(object instanceof EventObject.OfInvoicePayment of) || of.paymentIntentId() == null) {
            return InboxStatus.IGNORED; // paid out of band: no payment intent whose refunds would count
        }
        subscriptions.recordInvoicePayment(new InvoicePayment(of.invoiceId(), of.paymentIntentId()));
        return InboxStatus.PROCESSED;
    }

    /** Records the payment intent an invoice event names (API versions before 2025-03-31), if it names one. */
    public void recordNamed(EventObject.OfInvoice of) {
        if (of.paymentIntentId() != null) {
            subscriptions.recordInvoicePayment(new InvoicePayment(of.invoice().id(), of.paymentIntentId()));
        }
    }
}
