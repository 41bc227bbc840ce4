package dev.billing.core.usecase;

import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.InboxEntry;
import dev.billing.core.model.InboxStatus;
import dev.billing.core.model.OrgMember;
import dev.billing.core.model.Subscription;
import dev.billing.core.model.UserId;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.MembershipStore;
import dev.billing.core.port.MembershipWebhookVerifier;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.PaymentGateway.ProrationBehavior;
import dev.billing.core.port.ProjectionListener;
import dev.billing.core.port.SubscriptionStore;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Applies Clerk's membership events from the inbox (membership sync): the change is stored only if it is newer
 * than what is stored ({@link MembershipStore#apply}), so duplicates and any delivery order leave the right member
 * count; the organization's entitlements are refreshed; with auto-seats on, its per-seat subscription is set to the
 * member count.
 *
 * <p>Auto-seats converge when events of one organization are processed at once on several instances: after setting
 * the quantity, the count is read again and the quantity set again until they agree, so whichever write reaches
 * Stripe last is followed by a check against the final count. The quantity is compared with Stripe's own
 * subscription, not the projection, which may not have seen the last change yet.
 */
public final class SyncMemberships {
    /** Rounds of "set, then count again" before the event is failed and retried later. */
    static final int MAX_ROUNDS = 5;

    private final MembershipWebhookVerifier verifier;
    private final MembershipStore memberships;
    private final CustomerStore customers;
    private final SubscriptionStore subscriptions;
    private final PaymentGateway gateway;
    private final EntitlementPolicy policy;
    private final ProjectionListener listener;
    private final GatewayRetry retry;
    private final boolean autoSeats;
    private final Clock clock;

    SyncMemberships(MembershipWebhookVerifier verifier, MembershipStore memberships, CustomerStore customers,
                    SubscriptionStore subscriptions, PaymentGateway gateway, EntitlementPolicy policy,
                    ProjectionListener listener, GatewayRetry retry, boolean autoSeats, Clock clock) {
        this.verifier = verifier;
        this.memberships = memberships;
        this.customers = customers;
        this.subscriptions = subscriptions;
        this.gateway = gateway;
        this.policy = policy;
        this.listener = listener;
        this.retry = retry;
        this.autoSeats = autoSeats;
        this.clock = clock;
    }

    /** The known member count of an organization's account; empty for a user's. */
    OptionalLong members(UserId account) {
        return account.isOrganization() ? OptionalLong.of(memberships.countActive(account.value()))
                : OptionalLong.empty();
    }

    /** Applies one Clerk event; a failure propagates so the inbox retries it. */
    InboxStatus apply(InboxEntry entry) {
        Optional<OrgMember> change = verifier.decode(entry.event());
        if (change.isEmpty()) {
            return InboxStatus.IGNORED;
        }
        String orgId = change.get().orgId();
        memberships.apply(change.get());
        Optional<CustomerLink> link = customers.findByUserId(UserId.of(orgId));
        link.ifPresent(l -> listener.projectionChanged(l.customerId()));
        if (autoSeats && link.isPresent()) {
            followMembers(orgId, link.get(), entry);
        }
        return InboxStatus.PROCESSED;
    }

    private void followMembers(String orgId, CustomerLink link, InboxEntry entry) {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            long target = Math.max(1, memberships.countActive(orgId));
            List<Subscription> owned = subscriptions.subscriptionsOf(link.customerId());
            EntitlementPolicy.Grant grant = policy.grant(owned, clock.instant());
            if (grant.granting() == null || !grant.tier().perSeat()) {
                return;
            }
            Subscription current = retry.call(() -> gateway.getSubscription(grant.granting().id()))
                    .orElse(grant.granting());
            if (current.quantity() == target) {
                subscriptions.upsertSubscription(current, AuditContext.current());
                return;
            }
            String key = IdempotencyKeys.of("auto-seats", current.id(), target, current.quantity(),
                    entry.eventId(), entry.attempts(), round);
            Subscription updated = retry.call(() -> gateway.changeSubscriptionQuantity(current.id(), target,
                    ProrationBehavior.CREATE_PRORATIONS, key));
            subscriptions.upsertSubscription(updated, AuditContext.current());
            listener.projectionChanged(updated.customerId());
        }
        throw new IllegalStateException("the member count of " + orgId + " kept changing while its seats were set; "
                + "trying again later");
    }
}
