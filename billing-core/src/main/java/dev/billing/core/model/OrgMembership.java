package dev.billing.core.model;

import java.util.Objects;
import java.util.Set;

/**
 * The caller's active organization as the verified session token states it: the organization's id, the caller's
 * role there ({@code org:admin}, {@code org:member}, or a custom {@code org:<key>}), and their permissions
 * ({@code org:<feature>:<permission>}). A token names one organization, the active one.
 */
public record OrgMembership(String orgId, String role, Set<String> permissions) {
    public OrgMembership {
        Checks.text(orgId, "orgId", 255);
        role = Checks.optionalText(role, "role");
        permissions = permissions == null ? Set.of() : Set.copyOf(permissions);
    }

    public static OrgMembership of(String orgId, String role, String... permissions) {
        return new OrgMembership(orgId, role, Set.of(permissions));
    }

    public boolean hasRole(String candidate) {
        return Objects.equals(role, candidate);
    }

    public boolean hasPermission(String candidate) {
        return permissions.contains(candidate);
    }
}
