package dev.billing.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The keyset listings (026) read from their cursor along their index: a page deep in a table of thousands of rows, or
 * of a rare status, reads about a page, where each page used to read the index from its first entry (the inbox's
 * page of failed events, the whole inbox). A search by email (027) reads its matches, where it read the whole table.
 * Rows read are counted by {@link Sql#read}.
 */
class SupabaseListingsIT {
    private static final int ROWS = 3_000;
    /** A page of five reads its rows, the next one, and the ends of each branch's scan: well under this. */
    private static final long A_PAGE = 30;

    private static SupabaseProject project;

    @BeforeAll
    static void start() {
        project = SupabaseProject.start("sb_keysets");
        Sql.execute(project.database(), """
                INSERT INTO public.stripe_customer_mapping (clerk_user_id, stripe_customer_id, email)
                SELECT 'user_' || lpad(g::text, 5, '0'), 'cus_' || g, 'Ada' || (g %% 1000) || '@Example.com'
                  FROM generate_series(1, %1$d) g;
                INSERT INTO public.stripe_webhook_events (stripe_event_id, event_type, status, received_at)
                SELECT 'evt_' || lpad(g::text, 5, '0'), 'customer.created',
                       CASE WHEN g %% 500 = 0 THEN 'failed' ELSE 'processed' END,
                       timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second'
                  FROM generate_series(1, %1$d) g;
                INSERT INTO public.billing_usage_counters (user_id, meter, period_start, period_end, used, updated_at)
                SELECT 'user_' || lpad(g::text, 5, '0'), 'api_calls', timestamptz '2026-01-01',
                       timestamptz '2026-02-01', g, now()
                  FROM generate_series(1, %1$d) g;
                INSERT INTO public.billing_usage_keys (user_id, idempotency_key, meter, period_start, fingerprint,
                                                       amount, used_after, usage_limit, created_at)
                SELECT 'user_' || lpad(g::text, 5, '0'), 'key', 'api_calls', timestamptz '2026-01-01', 'f', 1, 1, 10,
                       now()
                  FROM generate_series(1, %1$d) g;
                INSERT INTO public.billing_org_members (org_id, user_id, role, active, changed_at, event_id)
                SELECT 'org_' || lpad((g / 10)::text, 4, '0'), 'user_' || lpad(g::text, 5, '0'), 'org:member', true,
                       now(), 'msg_' || g
                  FROM generate_series(1, %1$d) g;
                ANALYZE public.stripe_customer_mapping, public.stripe_webhook_events, public.billing_usage_counters,
                        public.billing_usage_keys, public.billing_org_members""".formatted(ROWS));
    }

    @AfterAll
    static void stop() {
        project.close();
    }

    @Test
    void customerLinksFromTheStartAndFromACursorDeepIn() {
        Sql.Read first = read(
                "public.stripe_customer_mapping",
                "SELECT clerk_user_id FROM public.billing_list_customer_links(NULL, 5)");
        Sql.Read deep = read(
                "public.stripe_customer_mapping",
                "SELECT clerk_user_id FROM public.billing_list_customer_links('user_02990', 5)");

        assertThat(first.values())
                .containsExactly("user_00001", "user_00002", "user_00003", "user_00004", "user_00005");
        assertThat(deep.values()).containsExactly("user_02991", "user_02992", "user_02993", "user_02994", "user_02995");
        assertThat(first.rowsRead()).as("rows read by the first page").isLessThan(A_PAGE);
        assertThat(deep.rowsRead()).as("rows read by a page deep in").isLessThan(A_PAGE);
    }

    @Test
    void aSearchByEmailReadsItsMatchesIgnoringCase() {
        Sql.Read found = read(
                "public.stripe_customer_mapping",
                "SELECT clerk_user_id FROM public.billing_customers_by_email('ada7@EXAMPLE.COM', 1000)");

        assertThat(found.values()).containsExactly("user_00007", "user_01007", "user_02007");
        assertThat(found.rowsRead()).as("rows read by the search").isLessThan(A_PAGE);
    }

    @Test
    void inboxPagesOfEveryStatusAndOfOneFromTheStartAndFromACursor() {
        String table = "public.stripe_webhook_events";
        Sql.Read newest = read(table, "SELECT stripe_event_id FROM public.billing_inbox_list(NULL, NULL, NULL, 3)");
        Sql.Read older = read(
                table,
                "SELECT stripe_event_id FROM public.billing_inbox_list(NULL, '2026-01-01 00:00:11+00', 'evt_00011', 3)");
        Sql.Read failed = read(table, "SELECT stripe_event_id FROM public.billing_inbox_list('failed', NULL, NULL, 5)");
        Sql.Read failedOlder = read(
                table,
                "SELECT stripe_event_id FROM public.billing_inbox_list('failed', '2026-01-01 00:33:20+00', 'evt_02000', 5)");

        assertThat(newest.values()).containsExactly("evt_03000", "evt_02999", "evt_02998");
        assertThat(older.values()).containsExactly("evt_00010", "evt_00009", "evt_00008");
        assertThat(failed.values()).containsExactly("evt_03000", "evt_02500", "evt_02000", "evt_01500", "evt_01000");
        assertThat(failedOlder.values()).containsExactly("evt_01500", "evt_01000", "evt_00500");
        assertThat(newest.rowsRead()).as("rows read by the newest page").isLessThan(A_PAGE);
        assertThat(older.rowsRead()).as("rows read by a page deep in").isLessThan(A_PAGE);
        assertThat(failed.rowsRead())
                .as("rows read by the page of failed events")
                .isLessThan(A_PAGE);
        assertThat(failedOlder.rowsRead())
                .as("rows read by a later page of failed events")
                .isLessThan(A_PAGE);
    }

    @Test
    void usageCountersKeysAndMembersFromACursorDeepIn() {
        Sql.Read counters = read(
                "public.billing_usage_counters",
                "SELECT user_id FROM public.billing_usage_list_counters('user_02990', 'api_calls',"
                        + " timestamptz '2026-01-01', 3)");
        Sql.Read keys = read(
                "public.billing_usage_keys",
                "SELECT user_id FROM public.billing_usage_list_keys('user_02990', 'key', 3)");
        Sql.Read members = read(
                "public.billing_org_members",
                "SELECT user_id FROM public.billing_members_list('org_0299', 'user_02990', 3)");
        Sql.Read firstMembers =
                read("public.billing_org_members", "SELECT user_id FROM public.billing_members_list(NULL, NULL, 3)");

        assertThat(counters.values()).containsExactly("user_02991", "user_02992", "user_02993");
        assertThat(keys.values()).containsExactly("user_02991", "user_02992", "user_02993");
        assertThat(members.values()).containsExactly("user_02991", "user_02992", "user_02993");
        assertThat(firstMembers.values()).containsExactly("user_00001", "user_00002", "user_00003");
        assertThat(counters.rowsRead()).as("counters read").isLessThan(A_PAGE);
        assertThat(keys.rowsRead()).as("keys read").isLessThan(A_PAGE);
        assertThat(members.rowsRead()).as("members read").isLessThan(A_PAGE);
        assertThat(firstMembers.rowsRead()).as("members read by the first page").isLessThan(A_PAGE);
    }

    private static Sql.Read read(String table, String query) {
        return Sql.read(project.database(), table, query);
    }
}
