package dev.billing.core.projection;

/** What a reconcile run did: objects re-read from Stripe and how many of them changed the projection. */
public record ReconcileReport(
        int customers,
        int subscriptionsSeen,
        int subscriptionsApplied,
        int invoicesSeen,
        int invoicesApplied,
        int failedCustomers) {

    public static final ReconcileReport EMPTY = new ReconcileReport(0, 0, 0, 0, 0, 0);

    public ReconcileReport plus(ReconcileReport other) {
        return new ReconcileReport(
                customers + other.customers,
                subscriptionsSeen + other.subscriptionsSeen,
                subscriptionsApplied + other.subscriptionsApplied,
                invoicesSeen + other.invoicesSeen,
                invoicesApplied + other.invoicesApplied,
                failedCustomers + other.failedCustomers);
    }
}
