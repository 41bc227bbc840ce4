package dev.billing.core.payment;

import dev.billing.core.annotation.Internal;
import dev.billing.core.customer.Ownership;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.gateway.GatewayRetry;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.port.PaymentGateway;

/**
 * The caller's invoices from Stripe (fresh hosted and PDF links), newest first.
 *
 * <p>Usage: {@code Page<Invoice> page = listInvoices.of(user, 20, null);}
 */
public final class ListInvoices {
    private final Ownership ownership;
    private final PaymentGateway gateway;
    private final GatewayRetry retry;

    @Internal
    public ListInvoices(Ownership ownership, PaymentGateway gateway, GatewayRetry retry) {
        this.ownership = ownership;
        this.gateway = gateway;
        this.retry = retry;
    }

    /**
     * @throws InvalidRequestException {@code invalid_limit}, or {@code invalid_cursor} for a {@code startingAfter}
     *     Stripe does not know (Stripe answers 404 for it; the catalog's lists answer the same 400)
     */
    public Page<Invoice> of(UserId user, int limit, String startingAfter) {
        if (limit < 1 || limit > 100) {
            throw new InvalidRequestException("invalid_limit", "limit", "limit must be between 1 and 100.");
        }
        try {
            return ownership
                    .customerOf(user)
                    .map(customer -> retry.call(() -> gateway.listInvoices(customer, limit, startingAfter)))
                    .orElse(Page.empty());
        } catch (GatewayRejectedException e) {
            if (startingAfter != null && GatewayRejectedException.RESOURCE_MISSING.equals(e.gatewayCode())) {
                throw new InvalidRequestException(
                        "invalid_cursor", "startingAfter", "startingAfter is not an invoice of this list.");
            }
            throw e;
        }
    }
}
