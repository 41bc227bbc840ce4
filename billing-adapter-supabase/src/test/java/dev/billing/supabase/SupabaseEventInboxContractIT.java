package dev.billing.supabase;

import dev.billing.core.port.EventInbox;
import dev.billing.testkit.contract.EventInboxContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link EventInboxContract} on real PostgREST over the billing SQL. */
class SupabaseEventInboxContractIT extends EventInboxContract {
    private static SupabaseProject project;

    @BeforeAll
    static void start() {
        project = SupabaseProject.start("sb_inbox");
    }

    @AfterAll
    static void stop() {
        project.close();
    }

    @Override
    protected EventInbox inbox() {
        return project.stores().inbox();
    }
}
