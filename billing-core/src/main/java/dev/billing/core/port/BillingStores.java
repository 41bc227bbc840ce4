package dev.billing.core.port;

import java.util.Objects;

/**
 * The store ports handed out by one store adapter, swapped as one unit. {@code changes} may be
 * {@link ProjectionChanges#NONE} (then another process's changes show in a cache only when it expires).
 *
 * <p>Usage: {@code try (BillingStores stores = PostgresBillingStores.create(dataSource)) { ... }}
 */
public record BillingStores(
        CustomerStore customers,
        SubscriptionStore subscriptions,
        EventInbox inbox,
        UsageLedger usage,
        ProjectionChanges changes,
        StoreLifecycle lifecycle,
        MembershipStore memberships,
        GuestPurchaseStore guests,
        AuditLog audit,
        AnalyticsStore analytics,
        NoticeLog notices,
        ServiceKeyStore serviceKeys)
        implements AutoCloseable {
    public BillingStores {
        Objects.requireNonNull(serviceKeys, "serviceKeys");
        Objects.requireNonNull(notices, "notices");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(analytics, "analytics");
        Objects.requireNonNull(memberships, "memberships");
        Objects.requireNonNull(guests, "guests");
        Objects.requireNonNull(customers, "customers");
        Objects.requireNonNull(subscriptions, "subscriptions");
        Objects.requireNonNull(inbox, "inbox");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(changes, "changes");
        Objects.requireNonNull(lifecycle, "lifecycle");
    }

    /** Stores that keep no service keys ({@link ServiceKeyStore#NONE}: no key opens anything). */
    public BillingStores(
            CustomerStore customers,
            SubscriptionStore subscriptions,
            EventInbox inbox,
            UsageLedger usage,
            ProjectionChanges changes,
            StoreLifecycle lifecycle,
            MembershipStore memberships,
            GuestPurchaseStore guests,
            AuditLog audit,
            AnalyticsStore analytics,
            NoticeLog notices) {
        this(
                customers,
                subscriptions,
                inbox,
                usage,
                changes,
                lifecycle,
                memberships,
                guests,
                audit,
                analytics,
                notices,
                ServiceKeyStore.NONE);
    }

    /** Stores that keep no notice log ({@link NoticeLog#NONE}). */
    public BillingStores(
            CustomerStore customers,
            SubscriptionStore subscriptions,
            EventInbox inbox,
            UsageLedger usage,
            ProjectionChanges changes,
            StoreLifecycle lifecycle,
            MembershipStore memberships,
            GuestPurchaseStore guests,
            AuditLog audit,
            AnalyticsStore analytics) {
        this(
                customers,
                subscriptions,
                inbox,
                usage,
                changes,
                lifecycle,
                memberships,
                guests,
                audit,
                analytics,
                NoticeLog.NONE);
    }

    /** Stores that keep no audit trail and answer no analytics ({@link AuditLog#NONE}, {@link AnalyticsStore#NONE}). */
    public BillingStores(
            CustomerStore customers,
            SubscriptionStore subscriptions,
            EventInbox inbox,
            UsageLedger usage,
            ProjectionChanges changes,
            StoreLifecycle lifecycle,
            MembershipStore memberships,
            GuestPurchaseStore guests) {
        this(
                customers,
                subscriptions,
                inbox,
                usage,
                changes,
                lifecycle,
                memberships,
                guests,
                AuditLog.NONE,
                AnalyticsStore.NONE);
    }

    /** Stores that keep no guest purchases ({@link GuestPurchaseStore#NONE}: guests cannot buy). */
    public BillingStores(
            CustomerStore customers,
            SubscriptionStore subscriptions,
            EventInbox inbox,
            UsageLedger usage,
            ProjectionChanges changes,
            StoreLifecycle lifecycle,
            MembershipStore memberships) {
        this(customers, subscriptions, inbox, usage, changes, lifecycle, memberships, GuestPurchaseStore.NONE);
    }

    /** Stores that keep no organization memberships ({@link MembershipStore#NONE}: membership sync stays off). */
    public BillingStores(
            CustomerStore customers,
            SubscriptionStore subscriptions,
            EventInbox inbox,
            UsageLedger usage,
            ProjectionChanges changes,
            StoreLifecycle lifecycle) {
        this(customers, subscriptions, inbox, usage, changes, lifecycle, MembershipStore.NONE);
    }

    /** Stores without a shared record of changes ({@link ProjectionChanges#NONE}). */
    public BillingStores(
            CustomerStore customers,
            SubscriptionStore subscriptions,
            EventInbox inbox,
            UsageLedger usage,
            StoreLifecycle lifecycle) {
        this(customers, subscriptions, inbox, usage, ProjectionChanges.NONE, lifecycle);
    }

    /** In-process stores: nothing shared, nothing to check or close. */
    public BillingStores(
            CustomerStore customers, SubscriptionStore subscriptions, EventInbox inbox, UsageLedger usage) {
        this(customers, subscriptions, inbox, usage, ProjectionChanges.NONE, StoreLifecycle.NONE);
    }

    /** Throws a {@link dev.billing.core.error.StoreException} when the store cannot serve requests. */
    public void ping() {
        lifecycle.ping();
    }

    @Override
    public void close() {
        lifecycle.close();
    }
}
