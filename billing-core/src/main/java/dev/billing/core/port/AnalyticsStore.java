package dev.billing.core.port;

import dev.billing.core.model.analytics.InvoiceTally;
import dev.billing.core.model.analytics.MrrSpan;
import dev.billing.core.model.analytics.PurchaseTally;
import dev.billing.core.model.analytics.RefundTally;
import dev.billing.core.model.analytics.SubscriptionMovements;
import dev.billing.core.model.analytics.SubscriptionTally;
import dev.billing.core.model.analytics.TrialOutcomes;
import dev.billing.core.model.analytics.UsageTally;
import java.time.Instant;
import java.util.List;

/**
 * Aggregates over the local projection that revenue analytics are computed from (never a Stripe call): few, coarse,
 * each one query a store answers from its indexes. Months are UTC calendar months. Every list is in no particular
 * order.
 *
 * <p>Usage: {@code for (SubscriptionTally t : stores.analytics().subscriptionTally()) { ... }}
 *
 * <p>Every method throws {@link dev.billing.core.error.StoreException} on store failure.
 */
public interface AnalyticsStore {

    /** Stores that answer no aggregates: every method throws {@link UnsupportedOperationException}. */
    AnalyticsStore NONE = new AnalyticsStore() {};

    /** The subscriptions that have not ended (every status but canceled and incomplete_expired), grouped. */
    default List<SubscriptionTally> subscriptionTally() {
        throw unsupported();
    }

    /**
     * Starts, reactivations and cancellations per month, of subscriptions started or ended at or after
     * {@code since}.
     */
    default List<SubscriptionMovements> movements(Instant since) {
        throw unsupported();
    }

    /**
     * The subscriptions that could have been running since {@code since} (not ended before it; never incomplete or
     * incomplete_expired), grouped by pricing, quantity and the UTC months of created, ended_at and trial_end; a
     * month of an instant after {@code now} is the month after now's, as is the trial end of a subscription
     * trialing now ({@link MrrSpan}).
     */
    default List<MrrSpan> mrrSpans(Instant since, Instant now) {
        throw unsupported();
    }

    /** Trials that ended at or before {@code now}. */
    default TrialOutcomes trialOutcomes(Instant now) {
        throw unsupported();
    }

    /** Invoices with an amount due, created at or after {@code since}. */
    default List<InvoiceTally> invoiceTally(Instant since) {
        throw unsupported();
    }

    /** One-time purchases made at or after {@code since}, per month and currency. */
    default List<PurchaseTally> purchaseRevenue(Instant since) {
        throw unsupported();
    }

    /** Refunds created at or after {@code since} that were not failed or canceled, per month and currency. */
    default List<RefundTally> refundTally(Instant since) {
        throw unsupported();
    }

    /** Usage counters of the periods running at {@code now}, per granting price and meter. */
    default List<UsageTally> usage(Instant now) {
        throw unsupported();
    }

    private UnsupportedOperationException unsupported() {
        return new UnsupportedOperationException(getClass().getSimpleName() + " answers no analytics");
    }
}
