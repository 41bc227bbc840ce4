package dev.billing.core.payment;

import dev.billing.core.annotation.Internal;
import dev.billing.core.customer.Ownership;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.UserId;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoicePayment;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.port.SubscriptionStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The caller's refunds from the local projection (recorded from Stripe's refund webhooks), newest first, with no
 * Stripe call; and what went back of each purchase and invoice.
 *
 * <p>Usage: {@code List<PaymentRefund> mine = listRefunds.of(user);}
 */
public final class ListRefunds {
    private final Ownership ownership;
    private final SubscriptionStore subscriptions;

    @Internal
    public ListRefunds(Ownership ownership, SubscriptionStore subscriptions) {
        this.ownership = ownership;
        this.subscriptions = subscriptions;
    }

    /** Newest first, through each of the user's customers (one deleted at Stripe too). */
    public List<PaymentRefund> of(UserId user) {
        List<CustomerId> customers = ownership.customersOf(user);
        if (customers.size() == 1) {
            return subscriptions.refundsOf(customers.get(0));
        }
        Map<String, PaymentRefund> each = new HashMap<>();
        customers.forEach(c -> subscriptions.refundsOf(c).forEach(r -> each.putIfAbsent(r.id(), r)));
        List<PaymentRefund> all = new ArrayList<>(each.values());
        all.sort(Comparator.comparing(PaymentRefund::created)
                .reversed()
                .thenComparing(PaymentRefund::id, Comparator.reverseOrder()));
        return all;
    }

    /**
     * What went back of each of the caller's invoices (read from Stripe or the projection), by invoice id: the
     * refunds that count of the payment intents recorded as paying it ({@link InvoicePayment}); 0 for an invoice
     * with none recorded. Reads the projection only: the invoices' payments, then, when there are any, the refunds.
     *
     * <p>Usage: {@code Map<String, Long> back = listRefunds.refundedOf(user, page.items());}
     */
    public Map<String, Long> refundedOf(UserId user, List<Invoice> invoices) {
        if (invoices.isEmpty()) {
            return Map.of();
        }
        List<InvoicePayment> payments = subscriptions.invoicePaymentsOf(
                invoices.stream().map(Invoice::id).toList());
        return refundedOf(invoices, payments, payments.isEmpty() ? List.of() : of(user));
    }

    /**
     * The same from what was read already: every invoice of {@code invoices} maps to the sum of the refunds that
     * count of the payment intents {@code payments} name for it (a payment intent counted once per invoice).
     */
    public static Map<String, Long> refundedOf(
            List<Invoice> invoices, List<InvoicePayment> payments, List<PaymentRefund> refunds) {
        Map<String, Set<String>> intents = new HashMap<>();
        for (InvoicePayment p : payments) {
            intents.computeIfAbsent(p.invoiceId(), id -> new HashSet<>()).add(p.paymentIntentId());
        }
        Map<String, Long> refunded = new HashMap<>();
        for (Invoice invoice : invoices) {
            Set<String> paidBy = intents.getOrDefault(invoice.id(), Set.of());
            refunded.put(invoice.id(), counted(refunds, paidBy::contains));
        }
        return refunded;
    }

    /**
     * What went back of the purchase's payment: the refunds of its payment intent that count (a failed or canceled
     * refund returns nothing); 0 for a purchase without a payment intent (a free one).
     *
     * <p>Usage: {@code long back = ListRefunds.refundedOf(purchase, listRefunds.of(user));}
     */
    public static long refundedOf(Purchase purchase, List<PaymentRefund> refunds) {
        if (purchase.paymentIntentId() == null) {
            return 0;
        }
        return counted(refunds, purchase.paymentIntentId()::equals);
    }

    /** What the refunds of the payment intents {@code paidBy} accepts returned (failed and canceled ones nothing). */
    private static long counted(List<PaymentRefund> refunds, Predicate<String> paidBy) {
        return refunds.stream()
                .filter(r -> r.paymentIntentId() != null && paidBy.test(r.paymentIntentId()))
                .filter(PaymentRefund::counts)
                .mapToLong(PaymentRefund::amount)
                .sum();
    }
}
