package dev.billing.supabase;

import dev.billing.core.port.UsageLedger;
import dev.billing.testkit.contract.UsageLedgerContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link UsageLedgerContract} on real PostgREST over the billing SQL. */
class SupabaseUsageLedgerContractIT extends UsageLedgerContract {
    private static SupabaseProject project;

    @BeforeAll
    static void start() {
        project = SupabaseProject.start("sb_usage");
    }

    @AfterAll
    static void stop() {
        project.close();
    }

    @Override
    protected UsageLedger ledger() {
        return project.stores().usage();
    }
}
