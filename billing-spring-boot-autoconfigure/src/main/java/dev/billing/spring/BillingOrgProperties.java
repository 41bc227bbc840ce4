package dev.billing.spring;

import java.util.List;
import org.springframework.validation.Errors;

/**
 * Organizations: which members manage an organization's billing (as their Clerk session token states their role and
 * permissions; the others may read it), and membership sync from Clerk's webhooks.
 */
public class BillingOrgProperties {
    // Immutable defaults are fine (the binder sets a new list when it cannot refill the old one), and a literal
    // List.of(...) is what the configuration processor reads into the metadata's default values.

    /** Organization roles whose members manage its billing, in Clerk's form (org:admin). */
    private List<String> billingRoles = List.of("org:admin");

    /** Permissions whose holders manage the organization's billing ({@code org:<feature>:<permission>}). */
    private List<String> billingPermissions = List.of("org:billing:manage");

    /**
     * Keep each organization's members from Clerk's organizationMembership webhooks (POST /webhooks/clerk): seats
     * are never set below the member count and entitlements report the seats used. Needs
     * billing.clerk.webhook-secrets.
     */
    private boolean membershipSync;

    /** With membership sync, a per-seat subscription's quantity follows the organization's member count. */
    private boolean autoSeats;

    void validate(Errors errors) {
        // OrgOptions refuses this combination too; here it is named with every other problem instead of failing
        // the Billing bean alone.
        if (autoSeats && !membershipSync) {
            errors.rejectValue(
                    "orgs.autoSeats",
                    "invalid",
                    "needs billing.orgs.membership-sync=true (seats can only follow the members it keeps)");
        }
        rejectBlank(errors, "orgs.billingRoles", billingRoles);
        rejectBlank(errors, "orgs.billingPermissions", billingPermissions);
    }

    private static void rejectBlank(Errors errors, String field, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null || values.get(i).isBlank()) {
                errors.rejectValue(field + "[" + i + "]", "invalid", "must not be blank");
            }
        }
    }

    public List<String> getBillingRoles() {
        return billingRoles;
    }

    public void setBillingRoles(List<String> billingRoles) {
        this.billingRoles = billingRoles;
    }

    public List<String> getBillingPermissions() {
        return billingPermissions;
    }

    public void setBillingPermissions(List<String> billingPermissions) {
        this.billingPermissions = billingPermissions;
    }

    public boolean isMembershipSync() {
        return membershipSync;
    }

    public void setMembershipSync(boolean membershipSync) {
        this.membershipSync = membershipSync;
    }

    public boolean isAutoSeats() {
        return autoSeats;
    }

    public void setAutoSeats(boolean autoSeats) {
        this.autoSeats = autoSeats;
    }
}
