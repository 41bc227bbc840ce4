package dev.billing.core.checkout;

import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.audit.AuditQuery;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.port.AuditLog;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.SubscriptionStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Admin: the duplicate live subscriptions found so far ({@link DuplicateSubscriptionCheck}), newest first, each with
 * its party, the subscription kept, what was done, and the duplicate's status in the projection now, so that an
 * operator sees which are still live (flagged, or a cancel Stripe refused) and which are settled. Read from the audit
 * trail's {@code subscription.duplicate} entries, a page at a time (keyset cursor).
 *
 * <p>Usage: {@code Page<ListDuplicateSubscriptions.Duplicate> p = listDuplicateSubscriptions.list(null, 50);}
 */
public final class ListDuplicateSubscriptions {
    private final AuditLog audit;
    private final SubscriptionStore subscriptions;
    private final CustomerStore customers;

    public ListDuplicateSubscriptions(AuditLog audit, SubscriptionStore subscriptions, CustomerStore customers) {
        this.audit = audit;
        this.subscriptions = subscriptions;
        this.customers = customers;
    }

    /**
     * A duplicate subscription as found, and as it stands now.
     *
     * @param userId             the party (user or organization) whose customer holds it, or null when no longer
     *                           linked
     * @param keptSubscriptionId the older live subscription that was kept
     * @param handling           what was done when it was found: {@code cancel} or {@code flag}
     * @param status             its status in the projection now, or null when the projection does not hold it
     * @param live               whether it still blocks a new subscription (a flagged one an operator has to settle)
     */
    public record Duplicate(
            String subscriptionId,
            CustomerId customerId,
            UserId userId,
            String keptSubscriptionId,
            String handling,
            Instant foundAt,
            SubscriptionStatus status,
            boolean live) {}

    /**
     * @param cursor the previous page's {@code nextCursor}, or null
     * @throws InvalidRequestException {@code invalid_limit}, {@code invalid_cursor}
     */
    public Page<Duplicate> list(String cursor, int limit) {
        if (limit < 1 || limit > AuditQuery.MAX_LIMIT) {
            throw new InvalidRequestException("invalid_limit", "limit", "limit must be between 1 and 100.");
        }
        if (cursor != null && !AuditQuery.isCursor(cursor)) {
            throw new InvalidRequestException("invalid_cursor", "cursor", "The cursor is not valid for this list.");
        }
        Page<AuditEntry> entries = audit.list(AuditQuery.all(limit)
                .withAction(AuditAction.SUBSCRIPTION_DUPLICATE)
                .after(cursor));
        Map<CustomerId, CustomerLink> links = customers.findByCustomerIds(entries.items().stream()
                .map(AuditEntry::customerId)
                .filter(c -> c != null)
                .distinct()
                .toList());
        List<Duplicate> duplicates = entries.items().stream()
                .map(entry -> {
                    Optional<Subscription> now = subscriptions.findSubscription(entry.entityId());
                    CustomerLink link = entry.customerId() == null ? null : links.get(entry.customerId());
                    SubscriptionStatus status = now.map(Subscription::status).orElse(null);
                    return new Duplicate(
                            entry.entityId(),
                            entry.customerId(),
                            link == null ? null : link.userId(),
                            entry.detail().get("kept_subscription_id"),
                            entry.detail().get("handling"),
                            entry.recordedAt(),
                            status,
                            status != null && status.blocksNewSubscription());
                })
                .toList();
        return new Page<>(duplicates, entries.hasMore(), entries.nextCursor());
    }
}
