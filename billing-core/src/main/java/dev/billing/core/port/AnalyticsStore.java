package dev.billing.core.port;

/**
 * Aggregates over the local projection that revenue analytics are computed from. (Methods arrive with issue 20.)
 */
public interface AnalyticsStore {

    /** Stores that answer no aggregates. */
    AnalyticsStore NONE = new AnalyticsStore() {
    };
}
