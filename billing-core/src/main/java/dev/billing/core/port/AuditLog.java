package dev.billing.core.port;

import dev.billing.core.model.Page;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.audit.AuditQuery;
import dev.billing.core.model.audit.AuditRecord;

/**
 * The audit trail: every change of billing state, recorded once with its cause. The projection's changes (customer
 * links, subscriptions, paid invoices, purchases) are recorded by the stores themselves, in the write's own
 * transaction, from the cause the write was given ({@link CustomerStore#link(dev.billing.core.model.CustomerLink,
 * dev.billing.core.model.audit.AuditCause)}, {@link SubscriptionStore#upsertSubscription(dev.billing.core.model.subscription.Subscription,
 * dev.billing.core.model.audit.AuditCause)}, ...): a write that changes nothing records nothing. What is not a row change
 * (a replay, a reconcile, a refund, an erasure, a failed payment) is recorded here. A projection write whose cause
 * is {@link dev.billing.core.model.audit.AuditCause#MIGRATION} records nothing: a copy brings the source's entries instead
 * ({@link #restore}).
 *
 * <p>Usage: {@code Page<AuditEntry> latest = stores.audit().list(AuditQuery.all(50));}
 *
 * <p>Every method throws {@link dev.billing.core.error.StoreException} on store failure.
 */
public interface AuditLog {

    /**
     * Records the entry unless one with its action, entity id and cause is recorded already (a reprocessed event or
     * a retried request records nothing more); an action that is
     * {@link dev.billing.core.model.audit.AuditAction#oncePerEntity()} is recorded once per entity id, whatever the cause,
     * except that an entry it is {@link dev.billing.core.model.audit.AuditAction#takenOverBy taken over by} replaces
     * the entity's entry of a cause that is not a request, keeping that entry's id and time (a refund's creation
     * recorded by its webhook, then by the admin's request that made it).
     *
     * @return true when recorded now (taking an entry over included)
     */
    boolean record(AuditRecord entry);

    /** Entries matching the query, newest first. */
    Page<AuditEntry> list(AuditQuery query);

    /**
     * Writes the entry exactly as given (migration): its id, time, cause and detail; inserts it, or replaces a stored
     * entry of the same id that differs (an erasure in the source since the last copy), so a second copy brings it up
     * to date; true when it wrote. Entries recorded afterwards get higher ids. An entry whose action is
     * {@link dev.billing.core.model.audit.AuditAction#explicit()} counts for {@link #record}'s once-per-cause rule.
     */
    boolean restore(AuditEntry entry);

    /**
     * Migration: deletes the entry of that id, because the source of a store-to-store copy does not have it (the
     * target recorded it itself). Records nothing about it.
     *
     * @return false when there is none
     */
    default boolean remove(long id) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " cannot remove records (a migration target needs to)");
    }

    /** Stores that keep no audit trail: records nothing, lists nothing. */
    AuditLog NONE = new AuditLog() {
        @Override
        public boolean record(AuditRecord entry) {
            return false;
        }

        @Override
        public Page<AuditEntry> list(AuditQuery query) {
            return Page.empty();
        }

        @Override
        public boolean restore(AuditEntry entry) {
            return false;
        }
    };
}
