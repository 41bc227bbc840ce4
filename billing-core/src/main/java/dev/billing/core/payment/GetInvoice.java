package dev.billing.core.payment;

import dev.billing.core.annotation.Internal;
import dev.billing.core.customer.Ownership;
import dev.billing.core.model.UserId;
import dev.billing.core.model.payment.Invoice;

/**
 * One of the caller's invoices (another user's is not found).
 *
 * <p>Usage: {@code Invoice invoice = getInvoice.get(user, "in_123");}
 */
public final class GetInvoice {
    private final Ownership ownership;

    @Internal
    public GetInvoice(Ownership ownership) {
        this.ownership = ownership;
    }

    public Invoice get(UserId user, String invoiceId) {
        return ownership.invoice(user, invoiceId);
    }
}
