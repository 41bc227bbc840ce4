package dev.billing.supabase;

import dev.billing.core.port.AuditLog;
import dev.billing.core.port.ServiceKeyStore;
import dev.billing.testkit.contract.ServiceKeyStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link ServiceKeyStoreContract} on real PostgREST over the billing SQL (021). */
class SupabaseServiceKeyStoreContractIT extends ServiceKeyStoreContract {
    private static SupabaseProject project;

    @BeforeAll
    static void start() {
        project = SupabaseProject.start("sb_service_keys");
    }

    @AfterAll
    static void stop() {
        project.close();
    }

    @Override
    protected ServiceKeyStore store() {
        return project.stores().serviceKeys();
    }

    @Override
    protected AuditLog audit() {
        return project.stores().audit();
    }
}
