package dev.billing.supabase;

import dev.billing.core.port.BillingStores;
import dev.billing.testkit.contract.AuditLogContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link AuditLogContract} on real PostgREST over the billing SQL: 011's triggers audit each write with the cause
 * its request carried (X-Billing-Cause), also when many requests write at once.
 */
class SupabaseAuditLogContractIT extends AuditLogContract {
    private static SupabaseProject project;

    @BeforeAll
    static void start() {
        project = SupabaseProject.start("sb_audit");
    }

    @AfterAll
    static void stop() {
        project.close();
    }

    @Override
    protected BillingStores stores() {
        return project.stores();
    }
}
