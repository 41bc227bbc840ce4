package dev.billing.supabase;

import dev.billing.core.port.BillingStores;
import dev.billing.testkit.contract.AnalyticsStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link AnalyticsStoreContract} on real PostgREST over the billing SQL (the billing_analytics_* functions). */
class SupabaseAnalyticsStoreContractIT extends AnalyticsStoreContract {
    private static SupabaseProject project;

    @BeforeAll
    static void start() {
        project = SupabaseProject.start("sb_analytics");
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
