package dev.billing.supabase;

import dev.billing.core.port.SubscriptionStore;
import dev.billing.testkit.contract.SubscriptionStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link SubscriptionStoreContract} on real PostgREST over the billing SQL. */
class SupabaseSubscriptionStoreContractIT extends SubscriptionStoreContract {
    private static SupabaseProject project;

    @BeforeAll
    static void start() {
        project = SupabaseProject.start("sb_subscriptions");
    }

    @AfterAll
    static void stop() {
        project.close();
    }

    @Override
    protected SubscriptionStore store() {
        return project.stores().subscriptions();
    }
}
