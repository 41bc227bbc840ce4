package dev.billing.core.privacy;

import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.UserId;
import dev.billing.core.model.payment.GuestPurchase;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoicePayment;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.port.BillingStores;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the projection holds about one account, read once for an export ({@link ExportPersonalData}) and an erasure
 * ({@link ErasePersonalData}), and from it the {@link #subjects()} whose stored events are the account's: both find the
 * same events.
 */
record AccountRecords(
        UserId user,
        CustomerLink link,
        List<Subscription> subscriptions,
        List<Invoice> invoices,
        List<Purchase> purchases,
        List<PaymentRefund> refunds,
        List<InvoicePayment> invoicePayments,
        List<GuestPurchase> guestPurchases) {

    /**
     * The account's records; {@code link} may be null (no customer), and then only its own rows are read.
     * {@code email}, when not null, is an address known to be the account holder's (verified by Clerk, or given by
     * an admin) besides the customer's: unclaimed guest purchases paid with it are the account's too.
     */
    static AccountRecords read(BillingStores stores, UserId user, CustomerLink link, String email) {
        List<GuestPurchase> guests = guestPurchases(stores, user, link, email);
        if (link == null) {
            return new AccountRecords(user, null, List.of(), List.of(), List.of(), List.of(), List.of(), guests);
        }
        List<Invoice> invoices = stores.subscriptions().invoicesOf(link.customerId());
        return new AccountRecords(
                user,
                link,
                stores.subscriptions().subscriptionsOf(link.customerId()),
                invoices,
                stores.subscriptions().purchasesOf(link.customerId()),
                stores.subscriptions().refundsOf(link.customerId()),
                invoices.isEmpty()
                        ? List.of()
                        : stores.subscriptions()
                                .invoicePaymentsOf(
                                        invoices.stream().map(Invoice::id).toList()),
                guests);
    }

    /**
     * The guest purchases the account claimed, and the unclaimed ones paid with its customer's email or the
     * {@code email} given (an erasure removes that email from them too), in purchase order.
     */
    private static List<GuestPurchase> guestPurchases(
            BillingStores stores, UserId user, CustomerLink link, String email) {
        Map<String, GuestPurchase> found = new LinkedHashMap<>();
        stores.guests().claimedBy(user).forEach(g -> found.put(g.sessionId(), g));
        for (String address : emails(link, email)) {
            stores.guests().ofEmail(address).stream()
                    .filter(g -> g.claimedBy() == null)
                    .forEach(g -> found.putIfAbsent(g.sessionId(), g));
        }
        List<GuestPurchase> all = new ArrayList<>(found.values());
        all.sort(java.util.Comparator.comparing(GuestPurchase::purchasedAt).thenComparing(GuestPurchase::sessionId));
        return all;
    }

    /** The account holder's known addresses, normalised as guest purchases keep them: the customer's, and {@code email}. */
    static Set<String> emails(CustomerLink link, String email) {
        Set<String> emails = new LinkedHashSet<>();
        if (link != null && link.email() != null && !link.email().isBlank()) {
            emails.add(GuestPurchase.normalise(link.email()));
        }
        if (email != null && !email.isBlank()) {
            emails.add(GuestPurchase.normalise(email));
        }
        return emails;
    }

    /**
     * Every {@link dev.billing.core.model.event.StripeEvent#subjectId} an event about the account can have: its user id
     * (Clerk's events), its customer, and the ids of its objects whose events may name no customer (an invoice
     * payment names its invoice, a refund its payment intent, a guest's payment its own customer or session). Events
     * naming the customer make up nearly all; the rest cost a few more ids in one indexed lookup.
     */
    Set<String> subjects() {
        Set<String> subjects = new LinkedHashSet<>();
        subjects.add(user.value());
        if (link != null) {
            subjects.add(link.customerId().value());
        }
        subscriptions.forEach(s -> subjects.add(s.id()));
        invoices.forEach(i -> subjects.add(i.id()));
        for (Purchase p : purchases) {
            subjects.add(p.id());
            addIfPresent(subjects, p.paymentIntentId());
        }
        for (PaymentRefund r : refunds) {
            subjects.add(r.id());
            addIfPresent(subjects, r.chargeId());
            addIfPresent(subjects, r.paymentIntentId());
        }
        invoicePayments.forEach(p -> addIfPresent(subjects, p.paymentIntentId()));
        for (GuestPurchase g : guestPurchases) {
            subjects.add(g.sessionId());
            if (g.customerId() != null) {
                subjects.add(g.customerId().value());
            }
        }
        return subjects;
    }

    private static void addIfPresent(Set<String> subjects, String id) {
        if (id != null && !id.isBlank()) {
            subjects.add(id);
        }
    }
}
