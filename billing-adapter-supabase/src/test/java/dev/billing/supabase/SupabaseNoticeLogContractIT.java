package dev.billing.supabase;

import dev.billing.core.port.NoticeLog;
import dev.billing.testkit.contract.NoticeLogContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link NoticeLogContract} on real PostgREST over the billing SQL (013's {@code billing_notice_log}). */
class SupabaseNoticeLogContractIT extends NoticeLogContract {
    private static SupabaseProject project;

    @BeforeAll
    static void start() {
        project = SupabaseProject.start("sb_notices");
    }

    @AfterAll
    static void stop() {
        project.close();
    }

    @Override
    protected NoticeLog log() {
        return project.stores().notices();
    }
}
