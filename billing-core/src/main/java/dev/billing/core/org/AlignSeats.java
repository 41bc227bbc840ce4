package dev.billing.core.org;

import dev.billing.core.annotation.Internal;
import dev.billing.core.audit.AuditContext;
import dev.billing.core.config.RetrySchedule;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.OrgMember;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.MembershipStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Auto-seats turned on: sets every organization's per-seat subscription whose quantity differs from its member
 * count to that count at once, rather than at the organization's next membership event. {@link dev.billing.core.Billing}
 * runs it in the background once per start; an organization that fails (Stripe or the store unavailable) is tried
 * again later on the inbox's retry schedule, and one still failing after that is left to its next membership event.
 *
 * <p>The organizations are those the membership store keeps members of: one whose members it has never seen would
 * otherwise be set to a single seat. Each is aligned under its lock, like a membership event ({@link SeatFollower}).
 *
 * <p>Usage: {@code Alignment a = alignSeats.alignAll(); ... alignSeats.align(a.failed());}
 */
public final class AlignSeats {
    private static final System.Logger LOG = System.getLogger(AlignSeats.class.getName());
    private static final int PAGE = 500;
    /** What the audit trail names as the cause of the quantity changes a start's alignment makes. */
    public static final AuditCause CAUSE = AuditCause.system("auto-seats");

    /**
     * What one pass did.
     *
     * @param organizations the organizations looked at
     * @param updates       the quantity updates sent
     * @param failed        the organizations that could not be aligned now (to try again)
     */
    public record Alignment(int organizations, int updates, List<String> failed) {
        public Alignment {
            failed = List.copyOf(failed);
        }
    }

    private final MembershipStore memberships;
    private final CustomerStore customers;
    private final SeatFollower seats;
    private final RetrySchedule schedule;
    /** Part of the updates' idempotency keys: one start's alignment is not another's. */
    private final String run = UUID.randomUUID().toString();

    @Internal
    public AlignSeats(
            MembershipStore memberships, CustomerStore customers, SeatFollower seats, RetrySchedule schedule) {
        this.memberships = memberships;
        this.customers = customers;
        this.seats = seats;
        this.schedule = Objects.requireNonNull(schedule, "schedule");
    }

    /** Aligns every organization the membership store keeps members of. */
    public Alignment alignAll() {
        List<String> orgs = new ArrayList<>();
        String cursor = null;
        do {
            Page<OrgMember> page = memberships.list(cursor, PAGE);
            for (OrgMember m : page.items()) {
                if (orgs.isEmpty() || !orgs.get(orgs.size() - 1).equals(m.orgId())) {
                    orgs.add(m.orgId()); // listed in organization order
                }
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        return align(orgs);
    }

    /** Aligns the given organizations (a retry of the ones a pass could not align). */
    public Alignment align(List<String> orgIds) {
        int updates = 0;
        List<String> failed = new ArrayList<>();
        for (String orgId : orgIds) {
            UserId account = UserId.of(orgId);
            try {
                Optional<CustomerLink> link =
                        account.isOrganization() ? customers.findByUserId(account) : Optional.empty();
                if (link.isEmpty()) {
                    continue;
                }
                try (OrgLocks.Held held = seats.lock(orgId);
                        AuditContext.Scope cause = AuditContext.enter(AuditContext.currentOr(CAUSE))) {
                    updates += seats.follow(orgId, link.get(), "align/" + run);
                }
            } catch (RuntimeException e) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "Auto-seats: the seats of {0} could not be aligned now: {1}: {2}",
                        orgId,
                        e.getClass().getSimpleName(),
                        e.getMessage());
                failed.add(orgId);
            }
        }
        return new Alignment(orgIds.size(), updates, failed);
    }

    /** When to try the failed organizations again after {@code passes} passes, or empty to leave them. */
    public Optional<Duration> retryAfter(int passes, Instant now) {
        return schedule.next(passes, now).map(at -> Duration.between(now, at));
    }
}
