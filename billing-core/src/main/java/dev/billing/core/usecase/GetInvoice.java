package dev.billing.core.usecase;

import dev.billing.core.model.Invoice;
import dev.billing.core.model.UserId;

/**
 * One of the caller's invoices (another user's is not found).
 *
 * <p>Usage: {@code Invoice invoice = getInvoice.get(user, "in_123");}
 */
public final class GetInvoice {
    private final Ownership ownership;

    GetInvoice(Ownership ownership) {
        this.ownership = ownership;
    }

    public Invoice get(UserId user, String invoiceId) {
        return ownership.invoice(user, invoiceId);
    }
}
