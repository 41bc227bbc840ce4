package dev.billing.core.org;

import dev.billing.core.annotation.Internal;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.OrgMember;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditQuery;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.port.AuditLog;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.EventInbox;
import dev.billing.core.port.MembershipStore;
import dev.billing.core.port.MembershipWebhookVerifier;
import dev.billing.core.port.ProjectionListener;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Applies Clerk's membership events from the inbox (membership sync): the change is stored only if it is newer
 * than the record it is about ({@link MembershipStore#apply}, which finds an erased member's record by its
 * membership id), so duplicates and any delivery order leave the right member count; the organization's
 * entitlements are refreshed; with auto-seats on, its per-seat subscription is set to the member count
 * ({@link SeatFollower}).
 *
 * <p>The events of one organization are applied one at a time on this process, each with the seat update it needs,
 * under the organization's lock: the count read before an update is then the count when it is sent, and an update
 * never sends an older count after a newer one. When more of the organization's events wait for the lock, the
 * holder leaves the seats to the last of them, whose count includes every change before it: concurrent joins cost
 * a few updates, not one each (and never stale ones).
 */
@Internal
public final class SyncMemberships {
    private final MembershipWebhookVerifier verifier;
    private final MembershipStore memberships;
    private final CustomerStore customers;
    private final EventInbox inbox;
    private final AuditLog audit;
    private final ProjectionListener listener;
    private final SeatFollower seats;
    private final boolean autoSeats;

    public SyncMemberships(
            MembershipWebhookVerifier verifier,
            MembershipStore memberships,
            CustomerStore customers,
            EventInbox inbox,
            AuditLog audit,
            ProjectionListener listener,
            SeatFollower seats,
            boolean autoSeats) {
        this.verifier = verifier;
        this.memberships = memberships;
        this.customers = customers;
        this.inbox = inbox;
        this.audit = audit;
        this.listener = listener;
        this.seats = seats;
        this.autoSeats = autoSeats;
    }

    /** The known member count of an organization's account; empty for a user's. */
    public OptionalLong members(UserId account) {
        return account.isOrganization()
                ? OptionalLong.of(memberships.countActive(account.value()))
                : OptionalLong.empty();
    }

    /**
     * With auto-seats, a subscription of an organization that changed otherwise than by its members (Checkout paid
     * with the seats counted when it started, a change to a per-seat plan, a change in the portal) is set to the
     * member count too, so billed seats follow the members whatever changed last. Reads the projection only, unless
     * its per-seat subscription differs from the count; a failure propagates so the inbox retries the event.
     */
    public void subscriptionChanged(CustomerId customer, InboxEntry entry) {
        if (!autoSeats) {
            return;
        }
        Optional<CustomerLink> link = customers.findByCustomerId(customer);
        if (link.isEmpty() || !link.get().userId().isOrganization()) {
            return;
        }
        String orgId = link.get().userId().value();
        // No active member known: its members were never synced (or all left, which their events followed), and
        // one seat would be a guess (AlignSeats leaves such organizations alone too).
        if (memberships.countActive(orgId) == 0 || seats.inStep(orgId, link.get())) {
            return;
        }
        try (OrgLocks.Held held = seats.lock(orgId)) {
            seats.follow(orgId, link.get(), entry.eventId() + "/" + entry.attempts());
        }
    }

    /** Applies one Clerk event; a failure propagates so the inbox retries it. */
    public InboxStatus apply(InboxEntry entry) {
        Optional<OrgMember> change = verifier.decode(entry.event());
        if (change.isEmpty()) {
            return InboxStatus.IGNORED;
        }
        String orgId = change.get().orgId();
        try (OrgLocks.Held held = seats.lock(orgId)) {
            boolean erased = erased(change.get());
            memberships.apply(erased ? underPseudonym(change.get()) : change.get());
            if (erased) {
                // The event names the person the erasure removed (user id, email, name): applied, it keeps only its
                // id and type, as ErasedAccountEvents does with Stripe's events about an erased customer.
                inbox.redactEvent(entry.eventId());
            }
            Optional<CustomerLink> link = customers.findByUserId(UserId.of(orgId));
            link.ifPresent(l -> listener.projectionChanged(l.customerId()));
            // A failed update fails this event, whose retry (its change already stored) sets the seats again.
            if (autoSeats && link.isPresent() && !held.othersWaiting()) {
                seats.follow(orgId, link.get(), entry.eventId() + "/" + entry.attempts());
            }
        }
        return InboxStatus.PROCESSED;
    }

    /**
     * Whether Clerk's event is about a person erased here (and not back since): their membership record is under
     * the pseudonym (the membership id finds it), or the erasure's mark is in the audit trail (an erasure records
     * one even when the person had nothing stored), or, without an audit trail, their customer link is under it.
     * A person who signed in again since has a link of their own and is no longer erased.
     */
    private boolean erased(OrgMember change) {
        UserId member = change.userId();
        if (member.isPseudonym()
                || memberships.find(change.orgId(), member).isPresent()
                || customers.findByUserId(member).isPresent()) {
            return false;
        }
        UserId pseudonym = member.pseudonym();
        return memberships.find(change.orgId(), pseudonym).isPresent()
                || !audit.list(AuditQuery.all(1).withUser(pseudonym).withAction(AuditAction.ACCOUNT_ERASED))
                        .items()
                        .isEmpty()
                || customers.findByUserId(pseudonym).isPresent();
    }

    /** The change applied to the erased person's record: under their pseudonym, never under their id again. */
    private static OrgMember underPseudonym(OrgMember change) {
        return new OrgMember(
                change.orgId(),
                change.userId().pseudonym(),
                change.role(),
                change.active(),
                change.changedAt(),
                change.eventId(),
                change.membershipId());
    }
}
