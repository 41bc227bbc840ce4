package dev.billing.testkit.fake;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Page;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UpsertResult;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoicePayment;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.port.SubscriptionStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * {@link SubscriptionStore} in memory with the same watermark rules as the real stores. Thread-safe.
 *
 * <p>Usage: {@code SubscriptionStore subscriptions = new InMemorySubscriptionStore();}
 */
public final class InMemorySubscriptionStore implements SubscriptionStore {
    private final Map<String, Subscription> subscriptions = new TreeMap<>();
    private final Map<String, Invoice> invoices = new TreeMap<>();
    private final Map<String, PaymentRefund> refunds = new TreeMap<>();
    private final Map<String, Purchase> purchases = new TreeMap<>();
    /** Keyed by invoice id, NUL, payment intent id: the order of (invoice id, payment intent id). */
    private final Map<String, InvoicePayment> invoicePayments = new TreeMap<>();
    /** The past-due subscriptions whose {@code pastDueSince} a write gave (a bound), not one no write dated. */
    private final Set<String> pastDueBound = new HashSet<>();

    private final StoreSwitch storeSwitch;
    private final InMemoryAuditLog audit;

    public InMemorySubscriptionStore() {
        this(new StoreSwitch(), new InMemoryAuditLog());
    }

    InMemorySubscriptionStore(StoreSwitch storeSwitch, InMemoryAuditLog audit) {
        this.storeSwitch = storeSwitch;
        this.audit = audit;
    }

    @Override
    public UpsertResult upsertSubscription(Subscription subscription) {
        return upsertSubscription(subscription, null);
    }

    @Override
    public synchronized UpsertResult upsertSubscription(Subscription subscription, AuditCause cause) {
        storeSwitch.check();
        Subscription before = subscriptions.get(subscription.id());
        boolean bound = before != null && before.isPastDue() && pastDueBound.contains(subscription.id());
        Subscription row = withPastDueSince(before, bound, subscription);
        UpsertResult result = upsert(subscriptions, subscription.id(), row, Subscription::version);
        if (result == UpsertResult.APPLIED) {
            if (row.isPastDue() && (bound || subscription.pastDueSince() != null)) {
                pastDueBound.add(row.id());
            } else {
                pastDueBound.remove(row.id());
            }
            audit.subscription(before, row, cause);
        } else if (before != null && before.isPastDue() && subscription.pastDueSince() != null) {
            // A write older than the row still dates its spell by the same rule, so reads answered out of order keep
            // the turning event's bound.
            Instant given = subscription.pastDueSince();
            if (!bound || given.isAfter(before.pastDueSince())) {
                subscriptions.put(before.id(), before.withPastDueSince(given));
                pastDueBound.add(before.id());
            }
        }
        return result;
    }

    /** As the SQL stores keep it ({@link SubscriptionStore#upsertSubscription}). */
    private static Subscription withPastDueSince(Subscription before, boolean bound, Subscription next) {
        if (before == null || !next.isPastDue()) {
            return next;
        }
        Instant kept = before.pastDueSince();
        Instant given = next.pastDueSince();
        if (!before.isPastDue()) {
            return given != null
                    ? next
                    : next.withPastDueSince(
                            Instant.ofEpochSecond(next.version().at().getEpochSecond()));
        }
        if (given == null || (bound && !given.isAfter(kept))) {
            return next.withPastDueSince(kept);
        }
        return next;
    }

    @Override
    public synchronized List<UpsertResult> upsertSubscriptions(List<Subscription> batch, List<AuditCause> causes) {
        if (causes.size() != batch.size()) {
            throw new IllegalArgumentException("one cause per subscription");
        }
        List<UpsertResult> results = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            results.add(upsertSubscription(batch.get(i), causes.get(i)));
        }
        return results;
    }

    @Override
    public synchronized Optional<Subscription> findSubscription(String subscriptionId) {
        storeSwitch.check();
        return Optional.ofNullable(subscriptions.get(subscriptionId));
    }

    @Override
    public synchronized List<Subscription> subscriptionsOf(CustomerId customerId) {
        storeSwitch.check();
        return subscriptions.values().stream()
                .filter(s -> s.customerId().equals(customerId))
                .sorted(Comparator.comparing(Subscription::created).reversed().thenComparing(Subscription::id))
                .toList();
    }

    @Override
    public UpsertResult upsertInvoice(Invoice invoice) {
        return upsertInvoice(invoice, null);
    }

    @Override
    public synchronized UpsertResult upsertInvoice(Invoice invoice, AuditCause cause) {
        storeSwitch.check();
        Invoice before = invoices.get(invoice.id());
        UpsertResult result = upsert(invoices, invoice.id(), invoice, Invoice::version);
        if (result == UpsertResult.APPLIED) {
            audit.invoice(before, invoice, cause);
        }
        return result;
    }

    @Override
    public synchronized Optional<Invoice> findInvoice(String invoiceId) {
        storeSwitch.check();
        return Optional.ofNullable(invoices.get(invoiceId));
    }

    @Override
    public synchronized List<Invoice> invoicesOf(CustomerId customerId) {
        storeSwitch.check();
        return invoices.values().stream()
                .filter(i -> i.customerId().equals(customerId))
                .sorted(Comparator.comparing(Invoice::created).reversed().thenComparing(Invoice::id))
                .toList();
    }

    @Override
    public boolean recordPurchase(Purchase purchase) {
        return recordPurchase(purchase, null);
    }

    @Override
    public synchronized boolean recordPurchase(Purchase purchase, AuditCause cause) {
        storeSwitch.check();
        if (purchases.putIfAbsent(purchase.id(), purchase) != null) {
            return false;
        }
        audit.purchase(purchase, cause);
        return true;
    }

    /**
     * A claimed guest purchase moves to the claimer's customer, the same purchase otherwise; audited once, as the SQL
     * stores' triggers do. True when it moved.
     */
    synchronized boolean movePurchase(String id, CustomerId to, AuditCause cause) {
        Purchase before = purchases.get(id);
        if (before == null || before.customerId().equals(to)) {
            return false;
        }
        Purchase after = new Purchase(
                before.id(),
                to,
                before.priceId(),
                before.quantity(),
                before.currency(),
                before.amountTotal(),
                before.paymentIntentId(),
                before.purchasedAt());
        purchases.put(id, after);
        audit.purchaseClaimed(before, after, cause);
        return true;
    }

    @Override
    public synchronized List<Purchase> purchasesOf(CustomerId customerId) {
        storeSwitch.check();
        return purchases.values().stream()
                .filter(p -> p.customerId().equals(customerId))
                .sorted(Comparator.comparing(Purchase::purchasedAt).thenComparing(Purchase::id))
                .toList();
    }

    @Override
    public synchronized UpsertResult upsertRefund(PaymentRefund refund) {
        storeSwitch.check();
        return upsert(refunds, refund.id(), refund, PaymentRefund::version);
    }

    @Override
    public synchronized List<PaymentRefund> refundsOf(CustomerId customerId) {
        storeSwitch.check();
        java.util.Set<String> paidByPurchases = new java.util.HashSet<>();
        purchases.values().stream()
                .filter(p -> p.customerId().equals(customerId) && p.paymentIntentId() != null)
                .forEach(p -> paidByPurchases.add(p.paymentIntentId()));
        return refunds.values().stream()
                .filter(r -> r.customerId().equals(customerId)
                        || r.paymentIntentId() != null && paidByPurchases.contains(r.paymentIntentId()))
                .sorted(Comparator.comparing(PaymentRefund::created).reversed().thenComparing(PaymentRefund::id))
                .toList();
    }

    @Override
    public synchronized Page<PaymentRefund> listRefunds(String cursor, int limit) {
        storeSwitch.check();
        return Cursors.page(new ArrayList<>(refunds.values()), PaymentRefund::id, cursor, limit);
    }

    @Override
    public synchronized long countRefunds() {
        storeSwitch.check();
        return refunds.size();
    }

    @Override
    public synchronized boolean recordInvoicePayment(InvoicePayment payment) {
        storeSwitch.check();
        return invoicePayments.putIfAbsent(key(payment), payment) == null;
    }

    @Override
    public synchronized List<InvoicePayment> invoicePaymentsOf(Collection<String> invoiceIds) {
        storeSwitch.check();
        Set<String> wanted = new HashSet<>(invoiceIds);
        return invoicePayments.values().stream()
                .filter(p -> wanted.contains(p.invoiceId()))
                .toList();
    }

    @Override
    public synchronized Page<InvoicePayment> listInvoicePayments(String cursor, int limit) {
        storeSwitch.check();
        return Cursors.page(new ArrayList<>(invoicePayments.values()), InMemorySubscriptionStore::key, cursor, limit);
    }

    @Override
    public synchronized long countInvoicePayments() {
        storeSwitch.check();
        return invoicePayments.size();
    }

    private static String key(InvoicePayment p) {
        return p.invoiceId() + "\u0000" + p.paymentIntentId();
    }

    @Override
    public synchronized Page<Subscription> listSubscriptions(String cursor, int limit) {
        storeSwitch.check();
        return Cursors.page(new ArrayList<>(subscriptions.values()), Subscription::id, cursor, limit);
    }

    @Override
    public synchronized Page<Invoice> listInvoices(String cursor, int limit) {
        storeSwitch.check();
        return Cursors.page(new ArrayList<>(invoices.values()), Invoice::id, cursor, limit);
    }

    @Override
    public synchronized Page<Purchase> listPurchases(String cursor, int limit) {
        storeSwitch.check();
        return Cursors.page(new ArrayList<>(purchases.values()), Purchase::id, cursor, limit);
    }

    @Override
    public synchronized long countSubscriptions() {
        storeSwitch.check();
        return subscriptions.size();
    }

    @Override
    public synchronized long countInvoices() {
        storeSwitch.check();
        return invoices.size();
    }

    @Override
    public synchronized long countPurchases() {
        storeSwitch.check();
        return purchases.size();
    }

    @Override
    public synchronized boolean removeSubscription(String subscriptionId) {
        storeSwitch.check();
        pastDueBound.remove(subscriptionId);
        return subscriptions.remove(subscriptionId) != null;
    }

    @Override
    public synchronized boolean removeInvoice(String invoiceId) {
        storeSwitch.check();
        return invoices.remove(invoiceId) != null;
    }

    @Override
    public synchronized boolean removePurchase(String purchaseId) {
        storeSwitch.check();
        return purchases.remove(purchaseId) != null;
    }

    @Override
    public synchronized boolean removeRefund(String refundId) {
        storeSwitch.check();
        return refunds.remove(refundId) != null;
    }

    @Override
    public synchronized boolean removeInvoicePayment(InvoicePayment payment) {
        storeSwitch.check();
        return invoicePayments.remove(key(payment)) != null;
    }

    private static <T> UpsertResult upsert(Map<String, T> rows, String id, T row, Function<T, SourceVersion> version) {
        T existing = rows.get(id);
        if (existing == null) {
            rows.put(id, row);
            return UpsertResult.APPLIED;
        }
        int order = version.apply(row).compareTo(version.apply(existing));
        if (order > 0) {
            rows.put(id, row);
            return UpsertResult.APPLIED;
        }
        return order == 0 ? UpsertResult.SAME_VERSION : UpsertResult.STALE;
    }

    @Override
    public synchronized int pseudonymise(CustomerId customer, UserId user, UserId pseudonym) {
        storeSwitch.check();
        int changed = 0;
        for (Subscription s : List.copyOf(subscriptions.values())) {
            if (s.customerId().equals(customer)
                    && user.value().equals(s.metadata().get("user_id"))) {
                Map<String, String> metadata = new LinkedHashMap<>(s.metadata());
                metadata.put("user_id", pseudonym.value());
                subscriptions.put(s.id(), s.withMetadata(metadata));
                changed++;
            }
        }
        return changed;
    }
}
