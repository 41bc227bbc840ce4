package dev.billing.core.org;

import dev.billing.core.config.OrgOptions;
import dev.billing.core.error.ForbiddenException;
import dev.billing.core.error.NotFoundException;
import dev.billing.core.model.Identity;
import dev.billing.core.model.OrgMembership;
import dev.billing.core.model.UserId;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Acting for an organization: its billing account is the organization itself (a customer, subscriptions, invoices,
 * entitlements, a usage pool of its own, under the organization's id), and the caller reaches it only as a member.
 * Membership is what the verified session token states: the organization must be the caller's active one. A caller
 * who is not a member gets a 404 (the organization's billing does not exist for them); a member without the role
 * or permission that manages billing may read but not change it (403).
 *
 * <p>Usage: {@code Identity org = orgAccess.account(caller, "org_2abc", OrgAccess.Need.MANAGE);} then any use case with
 * {@code org} as the caller.
 */
public final class OrgAccess {
    /** Clerk's organization ids. */
    private static final Pattern ORG_ID = Pattern.compile("org_[A-Za-z0-9]{1,64}");

    /** What the caller wants to do. */
    public enum Need {
        READ,
        MANAGE
    }

    private final OrgOptions options;

    public OrgAccess(OrgOptions options) {
        this.options = options;
    }

    /**
     * The organization's billing account as a caller of the use cases: its id is the organization's; email and
     * session are the acting member's (a customer created now gets the member's address for its invoices).
     *
     * @throws NotFoundException  {@code organization_not_found} unless the caller's active organization is this one
     * @throws ForbiddenException {@code org_billing_forbidden} for {@link Need#MANAGE} without the role or permission
     */
    public Identity account(Identity caller, String orgId, Need need) {
        OrgMembership membership = caller.org();
        if (orgId == null
                || !ORG_ID.matcher(orgId).matches()
                || membership == null
                || !membership.orgId().equals(orgId)) {
            throw new NotFoundException("organization", orgId);
        }
        if (need == Need.MANAGE && !manages(membership)) {
            throw new ForbiddenException(
                    "org_billing_forbidden",
                    "Managing this organization's billing needs the "
                            + "role " + String.join(" or ", options.billingRoles())
                            + (options.billingPermissions().isEmpty()
                                    ? ""
                                    : " or the permission " + String.join(" or ", options.billingPermissions()))
                            + ".");
        }
        return new Identity(
                UserId.of(orgId),
                caller.sessionId(),
                caller.email(),
                null,
                Map.of("acting_user", caller.userId().value()));
    }

    /** Whether the membership may manage the organization's billing. */
    public boolean manages(OrgMembership membership) {
        return options.billingRoles().stream().anyMatch(membership::hasRole)
                || options.billingPermissions().stream().anyMatch(membership::hasPermission);
    }
}
