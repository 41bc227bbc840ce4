package dev.billing.supabase;

import dev.billing.core.port.CustomerStore;
import dev.billing.testkit.contract.CustomerStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link CustomerStoreContract} on real PostgREST over the billing SQL. */
class SupabaseCustomerStoreContractIT extends CustomerStoreContract {
    private static SupabaseProject project;

    @BeforeAll
    static void start() {
        project = SupabaseProject.start("sb_customers");
    }

    @AfterAll
    static void stop() {
        project.close();
    }

    @Override
    protected CustomerStore store() {
        return project.stores().customers();
    }
}
