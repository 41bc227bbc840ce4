package dev.billing.core.org;

import dev.billing.core.annotation.Internal;
import dev.billing.core.audit.AuditContext;
import dev.billing.core.entitlement.EntitlementPolicy;
import dev.billing.core.gateway.GatewayRetry;
import dev.billing.core.gateway.IdempotencyKeys;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.MembershipStore;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.PaymentGateway.ProrationBehavior;
import dev.billing.core.port.ProjectionListener;
import dev.billing.core.port.Sleeper;
import dev.billing.core.port.SubscriptionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Auto-seats: sets an organization's live per-seat subscriptions to its member count (at least 1). Callers hold the
 * organization's lock ({@link OrgLocks}), so on this process the count cannot change between its read and the
 * update that sends it: every quantity sent is the count at that moment, and the quantities one organization is
 * sent here never go back to an older count.
 *
 * <p>Across processes the store's seat lease of the organization's customer ({@link MembershipStore#leaseSeats})
 * orders the same way: a process counts and sets only while it holds the lease, renewed before each quantity it sends
 * and kept while the update is on its way, so two processes applying members who joined together never send an older
 * count after a newer one. The quantity is compared with Stripe's own subscription (the projection may not have seen
 * the last change yet), and after setting it the count is read again and the quantity set again until they agree, so
 * whichever write reaches Stripe last is followed by a check against the final count.
 */
@Internal
public final class SeatFollower {
    /** Rounds of "set, then count again" before giving up (the caller's event is retried later). */
    static final int MAX_ROUNDS = 5;
    /**
     * How long a seat lease lasts from its taking or a renewal: renewed before each quantity sent and, while the
     * update is on its way, by a keeper ({@link SeatLeaseKeeper}), so no update is on its way without it however
     * long Stripe takes; a process that died gives it up this long after. Reads slower than that together let it
     * run out, and the renewal before the update finds whether another process took it meanwhile.
     */
    static final Duration LEASE = Duration.ofSeconds(60);
    /** How often a process waiting for another's lease asks again. */
    static final Duration LEASE_POLL = Duration.ofMillis(20);

    private static final System.Logger LOG = System.getLogger(SeatFollower.class.getName());

    private final MembershipStore memberships;
    private final SubscriptionStore subscriptions;
    private final PaymentGateway gateway;
    private final EntitlementPolicy policy;
    private final ProjectionListener listener;
    private final GatewayRetry retry;
    private final Clock clock;
    private final Sleeper sleeper;
    private final OrgLocks locks = new OrgLocks();
    /** This process as the holder of seat leases. */
    private final String holder = UUID.randomUUID().toString();

    /**
     * @param clock   times the seat leases: the machine's (the inbox's work clock), which a jump of the billing clock
     *                must not move
     * @param sleeper waits between asks for a lease another process holds
     */
    public SeatFollower(
            BillingStores stores,
            PaymentGateway gateway,
            EntitlementPolicy policy,
            ProjectionListener listener,
            GatewayRetry retry,
            Clock clock,
            Sleeper sleeper) {
        this.memberships = stores.memberships();
        this.subscriptions = stores.subscriptions();
        this.gateway = gateway;
        this.policy = policy;
        this.listener = listener;
        this.retry = retry;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** The organization's lock on this process, for a membership change and the seat update after it. */
    OrgLocks.Held lock(String orgId) {
        return locks.acquire(orgId);
    }

    OrgLocks locks() {
        return locks;
    }

    /**
     * Whether the projection shows every live per-seat subscription of the organization billing the member count
     * already (then there is nothing to follow, and no need to ask Stripe).
     */
    boolean inStep(String orgId, CustomerLink link) {
        List<Subscription> perSeat = livePerSeat(subscriptions.subscriptionsOf(link.customerId()));
        if (perSeat.isEmpty()) {
            return true;
        }
        long target = Math.max(1, memberships.countActive(orgId));
        return perSeat.stream().allMatch(s -> s.quantity() == target);
    }

    /**
     * Sets the quantity of each live per-seat subscription of the organization to its member count; the caller
     * holds the organization's lock. Live, not only the one granting the tier: a subscription past due beyond its
     * grace grants nothing, but Stripe still bills its seats and retries its invoice, and once paid it grants again.
     *
     * @param cause what asked for it (an event and its attempt, or a start's alignment): part of the update's
     *              idempotency key, with the subscription, the count and the quantity it replaces
     * @return how many quantity updates were sent (0 when Stripe had the count already or there is nothing per seat)
     * @throws IllegalStateException the count kept changing (other processes) for {@value #MAX_ROUNDS} rounds, or
     *                               another process held the seat lease for all of {@link #LEASE}
     */
    int follow(String orgId, CustomerLink link, String cause) {
        if (livePerSeat(subscriptions.subscriptionsOf(link.customerId())).isEmpty()) {
            return 0; // nothing per seat: what the first round would find, without the lease's two store calls
        }
        String customer = link.customerId().value();
        lease(orgId, customer);
        try {
            return followLeased(orgId, link, cause);
        } finally {
            memberships.releaseSeats(customer, holder);
        }
    }

    /**
     * Renews this process's seat lease for a full {@link #LEASE} before a quantity is sent, so that however long the
     * reads before it took, no other process can take the lease while the update is on its way (a keeper renews it
     * from then on).
     *
     * @return false when another process took the lease meanwhile (it ran out during a slow Stripe call): this
     *         process has it again, but the count it read may be older than one the other sent, so the round is
     *         counted again
     */
    private boolean renew(String orgId, String customer) {
        if (memberships.renewSeats(customer, holder, clock.instant().plus(LEASE))) {
            return true;
        }
        LOG.log(
                System.Logger.Level.WARNING,
                "Auto-seats: the seat lease of {0} ran out while Stripe answered (over {1} s) and another process "
                        + "took it; counting the members again",
                orgId,
                LEASE.toSeconds());
        lease(orgId, customer);
        return false;
    }

    /** Waits until this process holds the customer's seat lease; another's runs out within {@link #LEASE}. */
    private void lease(String orgId, String customer) {
        Instant giveUp = clock.instant().plus(LEASE);
        while (true) {
            Instant now = clock.instant();
            if (memberships.leaseSeats(customer, holder, now, now.plus(LEASE))) {
                return;
            }
            if (now.isAfter(giveUp)) {
                throw new IllegalStateException("another process has been setting the seats of " + orgId + " for over "
                        + LEASE.toSeconds() + " s; trying again later");
            }
            try {
                sleeper.sleep(LEASE_POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting to set the seats of " + orgId, e);
            }
        }
    }

    private int followLeased(String orgId, CustomerLink link, String cause) {
        int sent = 0;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            long target = Math.max(1, memberships.countActive(orgId));
            boolean agreed = true;
            for (Subscription known : livePerSeat(subscriptions.subscriptionsOf(link.customerId()))) {
                Subscription current =
                        retry.call(() -> gateway.getSubscription(known.id())).orElse(known);
                if (current.quantity() == target || !livePerSeat(current)) { // Stripe's may have moved on
                    subscriptions.upsertSubscription(current, AuditContext.current());
                    continue;
                }
                agreed = false;
                if (!renew(orgId, link.customerId().value())) {
                    break;
                }
                sent++;
                set(
                        orgId,
                        current,
                        target,
                        IdempotencyKeys.of("auto-seats", current.id(), target, current.quantity(), cause, round));
            }
            if (agreed) {
                return sent;
            }
        }
        throw new IllegalStateException(
                "the member count of " + orgId + " kept changing while its seats were set; " + "trying again later");
    }

    private void set(String orgId, Subscription current, long target, String key) {
        Subscription updated;
        try (SeatLeaseKeeper kept =
                SeatLeaseKeeper.start(memberships, orgId, current.customerId().value(), holder, clock, LEASE)) {
            updated = retry.call(() ->
                    gateway.changeSubscriptionQuantity(current.id(), target, ProrationBehavior.CREATE_PRORATIONS, key));
        }
        LOG.log(
                System.Logger.Level.DEBUG,
                "Auto-seats: {0} has {1} member(s); subscription {2} set from {3} to {4} seat(s)",
                orgId,
                target,
                current.id(),
                current.quantity(),
                updated.quantity());
        subscriptions.upsertSubscription(updated, AuditContext.current());
        listener.projectionChanged(updated.customerId());
    }

    /** The live subscriptions (Stripe still bills them) whose price is a per-seat plan's. */
    private List<Subscription> livePerSeat(List<Subscription> owned) {
        return owned.stream().filter(this::livePerSeat).toList();
    }

    private boolean livePerSeat(Subscription s) {
        return s.status().blocksNewSubscription()
                && policy.catalog()
                        .planForPrice(s.priceId())
                        .map(plan -> plan.tier().perSeat())
                        .orElse(false);
    }
}
