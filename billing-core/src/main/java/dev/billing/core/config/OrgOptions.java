package dev.billing.core.config;

import java.util.List;

/**
 * Who may manage an organization's billing: members whose role is one of {@code billingRoles} or who hold one of
 * {@code billingPermissions} (as the session token states them). Other members may read its entitlements, invoices
 * and subscriptions.
 *
 * <p>Usage: {@code OrgOptions.defaults().withBillingPermissions(List.of("org:billing:manage"))}
 *
 * @param billingRoles       roles that manage billing (Clerk's form: {@code org:admin})
 * @param billingPermissions permissions that manage billing ({@code org:<feature>:<permission>})
 * @param membershipSync     keep each organization's members from Clerk's membership webhooks: seats are never set
 *                           below the member count, and entitlements report seats used (needs a
 *                           {@link dev.billing.core.port.MembershipWebhookVerifier} and stores that keep memberships)
 * @param autoSeats          with membership sync, a per-seat subscription's quantity follows the member count:
 *                           after each membership change, and for every organization when a started
 *                           {@link dev.billing.core.Billing} begins ({@link dev.billing.core.org.AlignSeats})
 */
public record OrgOptions(
        List<String> billingRoles, List<String> billingPermissions, boolean membershipSync, boolean autoSeats) {
    public OrgOptions {
        billingRoles = List.copyOf(billingRoles);
        billingPermissions = List.copyOf(billingPermissions);
        if (autoSeats && !membershipSync) {
            throw new IllegalArgumentException(
                    "autoSeats needs membershipSync: seats can only follow members that " + "are kept");
        }
    }

    public OrgOptions(List<String> billingRoles, List<String> billingPermissions) {
        this(billingRoles, billingPermissions, false, false);
    }

    /** The admin role, or the {@code org:billing:manage} permission; membership sync off. */
    public static OrgOptions defaults() {
        return new OrgOptions(List.of("org:admin"), List.of("org:billing:manage"));
    }

    public OrgOptions withBillingRoles(List<String> value) {
        return new OrgOptions(value, billingPermissions, membershipSync, autoSeats);
    }

    public OrgOptions withBillingPermissions(List<String> value) {
        return new OrgOptions(billingRoles, value, membershipSync, autoSeats);
    }

    /** Membership sync on or off (off also turns auto-seats off). */
    public OrgOptions withMembershipSync(boolean value) {
        return new OrgOptions(billingRoles, billingPermissions, value, value && autoSeats);
    }

    /** Auto-seats on (turning membership sync on with it) or off. */
    public OrgOptions withAutoSeats(boolean value) {
        return new OrgOptions(billingRoles, billingPermissions, membershipSync || value, value);
    }
}
