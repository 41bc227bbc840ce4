package dev.billing.supabase;

import dev.billing.core.port.ProjectionChanges;
import dev.billing.testkit.contract.ProjectionChangesContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link ProjectionChangesContract} on real PostgREST over the billing SQL. */
class SupabaseProjectionChangesContractIT extends ProjectionChangesContract {
    private static SupabaseProject project;

    @BeforeAll
    static void start() {
        project = SupabaseProject.start("sb_changes");
    }

    @AfterAll
    static void stop() {
        project.close();
    }

    @Override
    protected ProjectionChanges changes() {
        return project.stores().changes();
    }
}
