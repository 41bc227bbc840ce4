package dev.billing.core.analytics;

import dev.billing.core.model.analytics.Analytics;

/**
 * The revenue figures the admin routes and the dashboard show: computed at each call ({@link RevenueAnalytics}) or
 * kept up to a maximum age ({@link AnalyticsSnapshots}). Each figure's {@code asOf} says when it was computed.
 *
 * <p>Usage: {@code billing.analytics().figures(fresh).revenue()}
 */
public interface AnalyticsFigures {

    Analytics.Revenue revenue();

    Analytics.SubscriptionBreakdown subscriptions();

    /** Starts, reactivations and churn in this month and the {@code months - 1} before it (1 to 36). */
    Analytics.Movements movements(int months);

    /** MRR per currency at the end of this month (now) and the {@code months - 1} before it (1 to 36). */
    Analytics.MrrHistory mrrHistory(int months);

    Analytics.Usage usage();
}
