package dev.billing.http;

import dev.billing.core.Billing;
import dev.billing.core.model.Identity;
import dev.billing.core.org.OrgAccess;

/**
 * The organization routes ({@code /orgs/{orgId}/...}): the same logic as the caller's own routes, acting for the
 * organization's billing account once {@link OrgAccess} has checked the caller's membership and, for changes, their
 * right to manage its billing. The organization is always named in the path, never taken from the token alone.
 */
final class OrgHandlers {
    private final OrgAccess access;

    OrgHandlers(Billing billing) {
        this.access = billing.useCases().orgAccess();
    }

    /** A route of the caller's own, acting for the organization in the path (a member may read). */
    RouteHandler read(RouteHandler own) {
        return call -> own.handle(call.actingAs(account(call, OrgAccess.Need.READ)));
    }

    /** A route of the caller's own, acting for the organization in the path (a manager only). */
    RouteHandler manage(RouteHandler own) {
        return call -> own.handle(call.actingAs(account(call, OrgAccess.Need.MANAGE)));
    }

    private Identity account(Call call, OrgAccess.Need need) {
        return access.account(call.identity(), call.pathParam("orgId"), need);
    }
}
