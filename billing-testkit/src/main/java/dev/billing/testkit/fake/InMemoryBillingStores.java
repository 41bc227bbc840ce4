package dev.billing.testkit.fake;

import dev.billing.core.port.BillingStores;
import dev.billing.core.port.StoreLifecycle;
import java.time.Clock;

/**
 * All store ports in memory, sharing one {@link StoreSwitch} to make "the database" go down in tests.
 *
 * <p>Usage: {@code InMemoryBillingStores stores = InMemoryBillingStores.create(); stores.storeSwitch().down();}
 */
public final class InMemoryBillingStores {
    private final StoreSwitch storeSwitch = new StoreSwitch();
    private final InMemoryAuditLog audit;
    private final InMemoryCustomerStore customers;
    private final InMemorySubscriptionStore subscriptions;
    private final InMemoryEventInbox inbox = new InMemoryEventInbox(storeSwitch);
    private final InMemoryUsageLedger usage = new InMemoryUsageLedger(storeSwitch);
    private final InMemoryProjectionChanges changes = new InMemoryProjectionChanges(storeSwitch);
    private final InMemoryMembershipStore memberships = new InMemoryMembershipStore(storeSwitch);
    private final InMemoryGuestPurchaseStore guests;
    private final InMemoryNoticeLog notices = new InMemoryNoticeLog(storeSwitch);
    private final InMemoryServiceKeyStore serviceKeys = new InMemoryServiceKeyStore(storeSwitch);
    private final InMemoryAnalyticsStore analytics;
    // One instance: callers compare stores (MigrateStores refuses to migrate stores into themselves).
    private final BillingStores stores;

    private InMemoryBillingStores(Clock auditClock) {
        audit = new InMemoryAuditLog(storeSwitch, auditClock);
        customers = new InMemoryCustomerStore(storeSwitch, audit);
        subscriptions = new InMemorySubscriptionStore(storeSwitch, audit);
        guests = new InMemoryGuestPurchaseStore(storeSwitch, subscriptions);
        analytics = new InMemoryAnalyticsStore(customers, subscriptions, usage);
        stores = new BillingStores(
                customers,
                subscriptions,
                inbox,
                usage,
                changes,
                new StoreLifecycle() {
                    @Override
                    public void ping() {
                        storeSwitch.check();
                    }

                    @Override
                    public void close() {}
                },
                memberships,
                guests,
                audit,
                analytics,
                notices,
                serviceKeys);
    }

    public static InMemoryBillingStores create() {
        return new InMemoryBillingStores(Clock.systemUTC());
    }

    /**
     * Stores whose audit trail takes its times from {@code auditClock}: two stores filled alike with a fixed clock
     * hold the same trail.
     */
    public static InMemoryBillingStores create(Clock auditClock) {
        return new InMemoryBillingStores(auditClock);
    }

    /** Every store port; {@code ping()} fails while the {@link #storeSwitch()} has the store down. */
    public BillingStores stores() {
        return stores;
    }

    public StoreSwitch storeSwitch() {
        return storeSwitch;
    }

    public InMemoryCustomerStore customers() {
        return customers;
    }

    public InMemorySubscriptionStore subscriptions() {
        return subscriptions;
    }

    public InMemoryEventInbox inbox() {
        return inbox;
    }

    public InMemoryUsageLedger usage() {
        return usage;
    }

    public InMemoryProjectionChanges changes() {
        return changes;
    }

    public InMemoryMembershipStore memberships() {
        return memberships;
    }

    public InMemoryAnalyticsStore analytics() {
        return analytics;
    }

    public InMemoryGuestPurchaseStore guests() {
        return guests;
    }

    public InMemoryAuditLog audit() {
        return audit;
    }

    public InMemoryNoticeLog notices() {
        return notices;
    }

    public InMemoryServiceKeyStore serviceKeys() {
        return serviceKeys;
    }
}
