package dev.billing.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * What the store knows of one user's membership of one organization, from Clerk's membership events: whether it
 * is active, the role, when Clerk changed it and the event that said so. A removed member stays as an inactive
 * record, so an older "created" that arrives late cannot bring the member back.
 */
public record OrgMember(String orgId, UserId userId, String role, boolean active, Instant changedAt,
                        String eventId) {
    public OrgMember {
        Checks.text(orgId, "orgId", 255);
        Objects.requireNonNull(userId, "userId");
        role = Checks.optionalText(role, "role");
        Objects.requireNonNull(changedAt, "changedAt");
        Checks.text(eventId, "eventId", 255);
    }

    /**
     * Whether this change replaces {@code stored}: a later change does; at the same instant a removal beats a
     * joining, so every order of delivery ends in the same state.
     */
    public boolean supersedes(OrgMember stored) {
        int order = changedAt.compareTo(stored.changedAt);
        return order > 0 || order == 0 && !active && stored.active;
    }
}
