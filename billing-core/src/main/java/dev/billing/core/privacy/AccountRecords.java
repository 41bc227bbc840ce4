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
        List<CustomerLink> retired,
        List<Subscription> subscriptions,
        List<Invoice> invoices,
        List<Purchase> purchases,
        List<PaymentRefund> refunds,
        List<InvoicePayment> invoicePayments,
        List<GuestPurchase> guestPurchases) {

    /**
     * The account's records; {@code link} may be null (no customer). {@code retired} are the account's links whose
     * customer was deleted at Stripe ({@link dev.billing.core.port.CustomerStore#retiredOf}): their customers' rows are
     * the account's too, after the linked customer's. {@code email}, when not null, is an address known to be the
     * account holder's (verified by Clerk, or given by an admin) besides the customers': unclaimed guest purchases
     * paid with it are the account's too.
     */
    static AccountRecords read(
            BillingStores stores, UserId user, CustomerLink link, List<CustomerLink> retired, String email) {
        List<CustomerLink> links = joined(link, retired);
        List<GuestPurchase> guests = guestPurchases(stores, user, links, email);
        List<Subscription> subscriptions = new ArrayList<>();
        List<Invoice> invoices = new ArrayList<>();
        List<Purchase> purchases = new ArrayList<>();
        List<PaymentRefund> refunds = new ArrayList<>();
        for (CustomerLink each : links) {
            subscriptions.addAll(stores.subscriptions().subscriptionsOf(each.customerId()));
            invoices.addAll(stores.subscriptions().invoicesOf(each.customerId()));
            purchases.addAll(stores.subscriptions().purchasesOf(each.customerId()));
            refunds.addAll(stores.subscriptions().refundsOf(each.customerId()));
        }
        return new AccountRecords(
                user,
                link,
                List.copyOf(retired),
                subscriptions,
                invoices,
                purchases,
                refunds,
                invoices.isEmpty()
                        ? List.of()
                        : stores.subscriptions()
                                .invoicePaymentsOf(
                                        invoices.stream().map(Invoice::id).toList()),
                guests);
    }

    /** The linked customer's link, then the retired ones. */
    List<CustomerLink> links() {
        return joined(link, retired);
    }

    private static List<CustomerLink> joined(CustomerLink link, List<CustomerLink> retired) {
        List<CustomerLink> links = new ArrayList<>();
        if (link != null) {
            links.add(link);
        }
        links.addAll(retired);
        return links;
    }

    /**
     * The guest purchases the account claimed, and the unclaimed ones paid with its customer's email or the
     * {@code email} given (an erasure removes that email from them too), in purchase order.
     */
    private static List<GuestPurchase> guestPurchases(
            BillingStores stores, UserId user, List<CustomerLink> links, String email) {
        Map<String, GuestPurchase> found = new LinkedHashMap<>();
        stores.guests().claimedBy(user).forEach(g -> found.put(g.sessionId(), g));
        for (String address : emails(links, email)) {
            stores.guests().ofEmail(address).stream()
                    .filter(g -> g.claimedBy() == null)
                    .forEach(g -> found.putIfAbsent(g.sessionId(), g));
        }
        List<GuestPurchase> all = new ArrayList<>(found.values());
        all.sort(java.util.Comparator.comparing(GuestPurchase::purchasedAt).thenComparing(GuestPurchase::sessionId));
        return all;
    }

    /**
     * The account holder's known addresses, normalised as guest purchases keep them: its customers', and {@code
     * email}.
     */
    static Set<String> emails(List<CustomerLink> links, String email) {
        Set<String> emails = new LinkedHashSet<>();
        for (CustomerLink link : links) {
            if (link.email() != null && !link.email().isBlank()) {
                emails.add(GuestPurchase.normalise(link.email()));
            }
        }
        if (email != null && !email.isBlank()) {
            emails.add(GuestPurchase.normalise(email));
        }
        return emails;
    }

    /**
     * Every {@link dev.billing.core.model.event.StripeEvent#subjectId} an event about the account can have: its user id
     * (Clerk's events), its customers (the linked one and those deleted at Stripe), and the ids of its objects whose
     * events may name no customer (an invoice payment names its invoice, a refund its payment intent, a guest's
     * payment its own customer or session). Events naming a customer make up nearly all; the rest cost a few more ids
     * in one indexed lookup.
     */
    Set<String> subjects() {
        Set<String> subjects = new LinkedHashSet<>();
        subjects.add(user.value());
        links().forEach(l -> subjects.add(l.customerId().value()));
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
