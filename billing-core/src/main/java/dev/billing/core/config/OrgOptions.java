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
 */
public record OrgOptions(List<String> billingRoles, List<String> billingPermissions) {
    public OrgOptions {
        billingRoles = List.copyOf(billingRoles);
        billingPermissions = List.copyOf(billingPermissions);
    }

    /** The admin role, or the {@code org:billing:manage} permission. */
    public static OrgOptions defaults() {
        return new OrgOptions(List.of("org:admin"), List.of("org:billing:manage"));
    }

    public OrgOptions withBillingRoles(List<String> value) {
        return new OrgOptions(value, billingPermissions);
    }

    public OrgOptions withBillingPermissions(List<String> value) {
        return new OrgOptions(billingRoles, value);
    }
}
