package dev.billing.core.port;

import java.util.Objects;

/**
 * The four store ports handed out by one store adapter, swapped as one unit.
 *
 * <p>Usage: {@code try (BillingStores stores = PostgresBillingStores.create(dataSource)) { ... }}
 */
public record BillingStores(CustomerStore customers, SubscriptionStore subscriptions, EventInbox inbox,
                            UsageLedger usage, StoreLifecycle lifecycle) implements AutoCloseable {
    public BillingStores {
        Objects.requireNonNull(customers, "customers");
        Objects.requireNonNull(subscriptions, "subscriptions");
        Objects.requireNonNull(inbox, "inbox");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(lifecycle, "lifecycle");
    }

    public BillingStores(CustomerStore customers, SubscriptionStore subscriptions, EventInbox inbox,
                         UsageLedger usage) {
        this(customers, subscriptions, inbox, usage, StoreLifecycle.NONE);
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
