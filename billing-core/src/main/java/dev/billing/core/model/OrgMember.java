package dev.billing.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * What the store knows of one user's membership of one organization, from Clerk's membership events: whether it
 * is active, the role, when Clerk changed it, the event that said so, and Clerk's own id of the membership
 * ({@code orgmem_...}). A removed member stays as an inactive record, so an older "created" that arrives late cannot
 * bring the member back.
 *
 * <p>The membership id is what later events find the record by, whatever an erasure did to its user id (it moves
 * to the pseudonym); records stored before it was kept have none ({@code null}) and are found by organization and
 * user, or that user's pseudonym.
 *
 * @param membershipId Clerk's membership id, or null for a record stored before it was kept
 */
public record OrgMember(
        String orgId,
        UserId userId,
        String role,
        boolean active,
        Instant changedAt,
        String eventId,
        String membershipId) {
    public OrgMember {
        Checks.text(orgId, "orgId", 255);
        Objects.requireNonNull(userId, "userId");
        role = Checks.optionalText(role, "role");
        Objects.requireNonNull(changedAt, "changedAt");
        Checks.text(eventId, "eventId", 255);
        if (membershipId != null) {
            Checks.text(membershipId, "membershipId", 255);
        }
    }

    /** A record without a membership id (one stored before it was kept). */
    public OrgMember(String orgId, UserId userId, String role, boolean active, Instant changedAt, String eventId) {
        this(orgId, userId, role, active, changedAt, eventId, null);
    }

    /**
     * Whether this change replaces {@code stored}: a later change does; at the same instant a removal beats a
     * joining, so every order of delivery ends in the same state.
     */
    public boolean supersedes(OrgMember stored) {
        int order = changedAt.compareTo(stored.changedAt);
        return order > 0 || order == 0 && !active && stored.active;
    }

    /**
     * This change written onto {@code stored}, the record it is about: the stored organization and user stay (an
     * erased member's record keeps its pseudonym), the rest is this change's; a change without a membership id
     * keeps the stored one.
     */
    public OrgMember onto(OrgMember stored) {
        return new OrgMember(
                stored.orgId,
                stored.userId,
                role,
                active,
                changedAt,
                eventId,
                membershipId == null ? stored.membershipId : membershipId);
    }

    /** The same record under another user id (erasure). */
    public OrgMember withUser(UserId user) {
        return new OrgMember(orgId, user, role, active, changedAt, eventId, membershipId);
    }
}
