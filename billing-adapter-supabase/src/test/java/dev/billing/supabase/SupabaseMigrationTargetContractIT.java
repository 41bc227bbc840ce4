package dev.billing.supabase;

import dev.billing.core.port.BillingStores;
import dev.billing.testkit.contract.MigrationTargetContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link MigrationTargetContract} on real PostgREST over the billing SQL: each {@code remove*} is one DELETE by key
 * with the copy's cause, which no trigger of the billing SQL audits.
 */
class SupabaseMigrationTargetContractIT extends MigrationTargetContract {
    private static SupabaseProject project;

    @BeforeAll
    static void start() {
        project = SupabaseProject.start("sb_target");
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
