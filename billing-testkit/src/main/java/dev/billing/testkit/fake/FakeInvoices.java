package dev.billing.testkit.fake;

import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Page;
import dev.billing.core.model.RefetchStamps;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoicePayment;
import dev.billing.core.model.payment.InvoiceStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fake's invoices: a subscription's first invoice, listed newest first, paid on request. Every invoice handed
 * out carries a fresh refetch version. Not thread-safe: {@link FakePaymentGateway} calls it under its lock.
 */
final class FakeInvoices {
    private final Clock clock;
    private final RefetchStamps stamps;
    private final AtomicLong ids;
    private final FakeSubscriptions subscriptions;
    private final Map<String, Invoice> invoices = new LinkedHashMap<>();
    /** The payment intents that paid each invoice. */
    private final Map<String, List<String>> paidBy = new LinkedHashMap<>();

    private final FakePayments payments;

    /**
     * @param stamps the gateway's, shared with the subscriptions so that every object read back is versioned in
     *               one sequence
     * @param ids    the gateway's, so that ids of every kind come from one sequence
     */
    FakeInvoices(
            Clock clock, RefetchStamps stamps, AtomicLong ids, FakeSubscriptions subscriptions, FakePayments payments) {
        this.payments = payments;
        this.clock = clock;
        this.stamps = stamps;
        this.ids = ids;
        this.subscriptions = subscriptions;
    }

    /** A subscription's first invoice: paid invoices are paid in full, others owe everything. */
    void create(CustomerId customer, String subscriptionId, InvoiceStatus status, long amount) {
        String id = "in_fake_" + ids.incrementAndGet();
        Instant now = clock.instant();
        invoices.put(
                id,
                new Invoice(
                        id,
                        customer,
                        subscriptionId,
                        status,
                        "FAKE-" + ids.get(),
                        "usd",
                        amount,
                        status == InvoiceStatus.PAID ? amount : 0,
                        status == InvoiceStatus.PAID ? 0 : amount,
                        "https://invoice.fake.test/" + id,
                        "https://invoice.fake.test/" + id + ".pdf",
                        "subscription_create",
                        now,
                        now,
                        now,
                        SourceVersion.refetch(now)));
        if (status == InvoiceStatus.PAID && amount > 0) {
            paidBy.put(id, List.of(payments.pay(amount, customer)));
        }
    }

    /** The payment intents that paid the invoice (none for an unpaid or free one). */
    List<InvoicePayment> payments(String invoiceId) {
        return paidBy.getOrDefault(invoiceId, List.of()).stream()
                .map(pi -> new InvoicePayment(invoiceId, pi))
                .toList();
    }

    /** Newest first, like Stripe; the cursor is the last invoice's id. */
    Page<Invoice> list(CustomerId customerId, int limit, String startingAfter) {
        List<Invoice> mine = invoices.values().stream()
                .filter(i -> i.customerId().equals(customerId))
                .map(this::stamp)
                .toList();
        List<Invoice> newestFirst = new ArrayList<>(mine);
        Collections.reverse(newestFirst);
        int from = 0;
        if (startingAfter != null) {
            from = -1;
            for (int i = 0; i < newestFirst.size(); i++) {
                if (newestFirst.get(i).id().equals(startingAfter)) {
                    from = i + 1;
                }
            }
            if (from < 0 && !invoices.containsKey(startingAfter)) { // Stripe: 404 for a cursor that names nothing
                throw FakeErrors.missing("invoice", startingAfter);
            }
            from = Math.max(from, 0);
        }
        List<Invoice> page =
                newestFirst.subList(Math.min(from, newestFirst.size()), Math.min(from + limit, newestFirst.size()));
        boolean more = from + limit < newestFirst.size();
        return new Page<>(page, more, more ? page.get(page.size() - 1).id() : null);
    }

    Optional<Invoice> get(String invoiceId) {
        return Optional.ofNullable(invoices.get(invoiceId)).map(this::stamp);
    }

    Invoice pay(String invoiceId) {
        Invoice i = Optional.ofNullable(invoices.get(invoiceId))
                .orElseThrow(() -> FakeErrors.missing("invoice", invoiceId));
        if (i.status() == InvoiceStatus.PAID) {
            throw new GatewayRejectedException(
                    "Invoice is already paid", 400, GatewayRejectedException.INVOICE_ALREADY_PAID, null);
        }
        Invoice paid = new Invoice(
                i.id(),
                i.customerId(),
                i.subscriptionId(),
                InvoiceStatus.PAID,
                i.number(),
                i.currency(),
                i.amountDue(),
                i.amountDue(),
                0,
                i.tax(),
                i.hostedInvoiceUrl(),
                i.invoicePdf(),
                i.billingReason(),
                i.periodStart(),
                i.periodEnd(),
                i.created(),
                i.version());
        invoices.put(invoiceId, paid);
        if (i.amountDue() > 0) {
            paidBy.put(invoiceId, List.of(payments.pay(i.amountDue(), i.customerId())));
        }
        subscriptions.reactivateOnPayment(i.subscriptionId());
        return stamp(paid);
    }

    private Invoice stamp(Invoice i) {
        return i.withVersion(stamps.next());
    }
}
