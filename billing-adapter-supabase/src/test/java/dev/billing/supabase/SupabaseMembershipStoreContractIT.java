package dev.billing.supabase;

import dev.billing.core.port.MembershipStore;
import dev.billing.testkit.contract.MembershipStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link MembershipStoreContract} on real PostgREST over the billing SQL. */
class SupabaseMembershipStoreContractIT extends MembershipStoreContract {
    private static SupabaseProject project;

    @BeforeAll
    static void start() {
        project = SupabaseProject.start("sb_members");
    }

    @AfterAll
    static void stop() {
        project.close();
    }

    @Override
    protected MembershipStore memberships() {
        return project.stores().memberships();
    }
}
