package dev.billing.core.port;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Page;
import dev.billing.core.model.UpsertResult;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoicePayment;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.model.subscription.Subscription;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The subscription, invoice, purchase and refund projections. Subscriptions, invoices and refunds are written only
 * through "upsert if newer" on their {@link dev.billing.core.model.SourceVersion} (I4); purchases and the payments of
 * invoices are insert-once.
 *
 * <p>Usage: {@code if (store.upsertSubscription(sub) == UpsertResult.APPLIED) { ... }}
 *
 * <p>Every method throws {@link dev.billing.core.error.StoreException} on store failure.
 */
public interface SubscriptionStore {

    /**
     * Writes the subscription iff no row exists or the stored version is strictly older; atomic. The store keeps
     * {@link Subscription#pastDueSince()}: a new row takes the value given (a webhook's bound on the turn, the
     * source's row when copied, or none); a stored row of another status that turns past due takes the value given,
     * or else the new version's second; a past-due row keeps its own, or the value given when later (a webhook gives
     * no more than a bound the turn is not before, so an older event replayed moves nothing); a row that leaves past
     * due clears it. The version's second is only when the subscription was first seen past due (a later event
     * processed before the turning one, or Stripe's answer to our own call): the first value given replaces it, even
     * an earlier one, and from then on the rule above holds. A write not applied (older, or the same version) still
     * gives a past-due row its value by that rule, and changes nothing else: a bound is a fact about the turn whichever
     * of two reads was written first.
     */
    UpsertResult upsertSubscription(Subscription subscription);

    /**
     * {@link #upsertSubscription}, audited with {@code cause} when it applies and changes what the trail records
     * (created, status, price, quantity, cancellation scheduled or withdrawn, ended); a store without an audit trail
     * ignores the cause.
     *
     * @param cause why, or null
     */
    default UpsertResult upsertSubscription(Subscription subscription, AuditCause cause) {
        return upsertSubscription(subscription);
    }

    /**
     * {@link #upsertSubscription} for each, in order (several versions of one subscription included), answers in the
     * same order; a store may write them together (fewer statements and commits) as long as each answer is the one
     * its own upsert in that order would have given.
     */
    default List<UpsertResult> upsertSubscriptions(List<Subscription> subscriptions) {
        List<UpsertResult> results = new ArrayList<>(subscriptions.size());
        for (Subscription s : subscriptions) {
            results.add(upsertSubscription(s));
        }
        return results;
    }

    /**
     * {@link #upsertSubscriptions}, each audited with the cause at the same position (which may be null). By default
     * one {@link #upsertSubscription(Subscription, AuditCause)} after the other.
     */
    default List<UpsertResult> upsertSubscriptions(List<Subscription> subscriptions, List<AuditCause> causes) {
        if (causes.size() != subscriptions.size()) {
            throw new IllegalArgumentException("one cause per subscription");
        }
        List<UpsertResult> results = new ArrayList<>(subscriptions.size());
        for (int i = 0; i < subscriptions.size(); i++) {
            results.add(upsertSubscription(subscriptions.get(i), causes.get(i)));
        }
        return results;
    }

    Optional<Subscription> findSubscription(String subscriptionId);

    /** The customer's subscriptions, newest {@code created} first. */
    List<Subscription> subscriptionsOf(CustomerId customerId);

    /** Writes the invoice iff no row exists or the stored version is strictly older; atomic. */
    UpsertResult upsertInvoice(Invoice invoice);

    /** {@link #upsertInvoice}, audited ({@code invoice.paid}) with {@code cause} when the invoice becomes paid. */
    default UpsertResult upsertInvoice(Invoice invoice, AuditCause cause) {
        return upsertInvoice(invoice);
    }

    Optional<Invoice> findInvoice(String invoiceId);

    /** The customer's invoices, newest {@code created} first. */
    List<Invoice> invoicesOf(CustomerId customerId);

    /** Records the purchase unless one with its id exists; true when stored now. */
    boolean recordPurchase(Purchase purchase);

    /** {@link #recordPurchase}, audited ({@code purchase.recorded}) with {@code cause} when stored now. */
    default boolean recordPurchase(Purchase purchase, AuditCause cause) {
        return recordPurchase(purchase);
    }

    /** The customer's purchases, oldest first. */
    List<Purchase> purchasesOf(CustomerId customerId);

    /** Writes the refund iff no row exists or the stored version is strictly older; atomic. */
    UpsertResult upsertRefund(PaymentRefund refund);

    /**
     * The customer's refunds, newest {@code created} first: those Stripe names the customer on, and those of the
     * payment intents of the customer's purchases (a claimed guest purchase: Stripe names the customer it made for
     * the guest on its refunds), each once.
     */
    List<PaymentRefund> refundsOf(CustomerId customerId);

    /** Every refund ordered by id. */
    Page<PaymentRefund> listRefunds(String cursor, int limit);

    long countRefunds();

    /**
     * Records that a payment intent paid the invoice unless that is recorded already; true when stored now. The
     * invoice need not be stored (yet): {@code invoice_payment.paid} may arrive before any event of its invoice.
     */
    boolean recordInvoicePayment(InvoicePayment payment);

    /** What paid the given invoices (those with nothing recorded have no entry), by invoice id, then payment intent. */
    List<InvoicePayment> invoicePaymentsOf(Collection<String> invoiceIds);

    /** Every invoice payment ordered by invoice id, then payment intent id. */
    Page<InvoicePayment> listInvoicePayments(String cursor, int limit);

    long countInvoicePayments();

    /** Every subscription ordered by id, for migration and reconcile; cursor is opaque or null. */
    Page<Subscription> listSubscriptions(String cursor, int limit);

    /** Every invoice ordered by id. */
    Page<Invoice> listInvoices(String cursor, int limit);

    /** Every purchase ordered by id. */
    Page<Purchase> listPurchases(String cursor, int limit);

    long countSubscriptions();

    /**
     * Erasure: the customer's subscriptions whose metadata names {@code user} ({@code user_id}) name
     * {@code pseudonym} instead.
     *
     * @return how many subscriptions changed
     */
    default int pseudonymise(CustomerId customer, UserId user, UserId pseudonym) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot erase personal data");
    }

    long countInvoices();

    long countPurchases();

    /**
     * Migration: deletes the subscription as it stands, because the source of a store-to-store copy no longer has it
     * or holds it otherwise at the same version; audits nothing. The other {@code remove*} methods do the same for
     * their records.
     *
     * @return false when there is none
     */
    default boolean removeSubscription(String subscriptionId) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " cannot remove records (a migration target needs to)");
    }

    default boolean removeInvoice(String invoiceId) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " cannot remove records (a migration target needs to)");
    }

    default boolean removePurchase(String purchaseId) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " cannot remove records (a migration target needs to)");
    }

    default boolean removeRefund(String refundId) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " cannot remove records (a migration target needs to)");
    }

    default boolean removeInvoicePayment(InvoicePayment payment) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " cannot remove records (a migration target needs to)");
    }
}
