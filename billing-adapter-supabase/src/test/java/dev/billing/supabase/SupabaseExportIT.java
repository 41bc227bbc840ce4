package dev.billing.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.OrgMember;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.usage.UsageCounter;
import dev.billing.core.port.EventInbox;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reads of a personal data export ({@code countersOf}, {@code ofUser}, {@code about}) past PostgREST's
 * {@code db-max-rows} (1000 here, as on Supabase), which cuts every answer without saying so, and the indexes that
 * serve them (007). Rows are written with SQL: a thousand and more through the API would be slow.
 */
class SupabaseExportIT {
    private static final Set<String> MANY_OBJECTS = Set.of("cus_many", "in_many");
    private static SupabaseProject project;

    @BeforeAll
    static void start() {
        project = SupabaseProject.start("sb_export");
        // 5 meters whose names are PostgREST filter syntax, 240 periods each: the pages end inside them.
        project.supabase().executeSql("""
                INSERT INTO public.billing_usage_counters (user_id, meter, period_start, period_end, used, updated_at)
                SELECT u.id, m.name, timestamptz '2020-01-01' + d * interval '1 day',
                       timestamptz '2020-01-02' + d * interval '1 day', d, now()
                  FROM unnest(ARRAY['user_many', 'user_many_other']) AS u (id),
                       unnest(ARRAY['m,1', 'm(2)', 'm"3"', 'm\\4', 'm.5 x']) AS m (name),
                       generate_series(0, 239) AS d;
                INSERT INTO public.billing_org_members (org_id, user_id, role, active, changed_at, event_id)
                SELECT 'org_' || lpad(i::text, 4, '0'), u.id, 'org:member', i % 2 = 0, now(), 'msg_' || i
                  FROM generate_series(1, 1200) AS i, unnest(ARRAY['user_orgs', 'user_orgs_other']) AS u (id);
                INSERT INTO public.stripe_webhook_events (stripe_event_id, event_type, event_created, livemode,
                       object_id, subject_id, object_type, payload, status, attempts, received_at, processed_at)
                SELECT 'evt_many_' || i, 'invoice.paid', t.at, false,
                       (ARRAY['cus_many', 'in_many', 'cus_other'])[i % 3 + 1],
                       (ARRAY['cus_many', 'in_many', 'cus_other'])[i % 3 + 1], 'invoice',
                       jsonb_build_object('id', 'evt_many_' || i), 'processed', 1, t.at, t.at
                  FROM generate_series(1, 1800) AS i,
                       LATERAL (SELECT timestamptz '2026-01-01' + (i / 4) * interval '1 second' AS at) AS t;
                ANALYZE;
                """);
    }

    @AfterAll
    static void stop() {
        project.close();
    }

    @Test
    void everyCounterOfTheUserComesPageAfterPageInMeterAndPeriodOrder() {
        List<UsageCounter> counters = project.stores().usage().countersOf(UserId.of("user_many"));

        assertThat(counters)
                .hasSize(1200)
                .allSatisfy(c -> assertThat(c.userId().value()).isEqualTo("user_many"));
        assertThat(counters)
                .isSortedAccordingTo(Comparator.comparing(UsageCounter::meter, Keyset.BYTE_ORDER)
                        .thenComparing(c -> c.period().start()));
        assertThat(counters.stream()
                        .map(c -> c.meter() + "@" + c.period().start())
                        .distinct())
                .hasSize(1200);
        assertThat(counters.stream().map(UsageCounter::meter).distinct())
                .containsExactlyInAnyOrder("m,1", "m(2)", "m\"3\"", "m\\4", "m.5 x");
    }

    @Test
    void everyMembershipOfTheUserComesPageAfterPageInOrganizationOrder() {
        List<OrgMember> memberships = project.stores().memberships().ofUser(UserId.of("user_orgs"));

        assertThat(memberships)
                .hasSize(1200)
                .allSatisfy(m -> assertThat(m.userId().value()).isEqualTo("user_orgs"));
        assertThat(memberships)
                .extracting(OrgMember::orgId)
                .doesNotHaveDuplicates()
                .isSortedAccordingTo(Keyset.BYTE_ORDER);
    }

    @Test
    void aboutReturnsTheObjectsEntriesInListsOrderTiesIncludedUpToMax() {
        EventInbox inbox = project.stores().inbox();
        List<String> listed = new ArrayList<>();
        String cursor = null;
        do {
            Page<InboxEntry> page = inbox.list(null, cursor, 500);
            page.items().stream()
                    .filter(e -> MANY_OBJECTS.contains(e.event().objectId()))
                    .forEach(e -> listed.add(e.eventId()));
            cursor = page.nextCursor();
        } while (cursor != null);

        assertThat(listed).hasSize(1200);
        assertThat(inbox.about(MANY_OBJECTS, 5000))
                .extracting(InboxEntry::eventId)
                .isEqualTo(listed);
        assertThat(inbox.about(MANY_OBJECTS, 1001))
                .extracting(InboxEntry::eventId)
                .isEqualTo(listed.subList(0, 1001));
        assertThat(inbox.about(Set.of("cus_many"), 3))
                .extracting(InboxEntry::eventId)
                .isEqualTo(listed.stream()
                        .filter(id -> Integer.parseInt(id.substring(9)) % 3 == 0)
                        .limit(3)
                        .toList());
    }

    @Test
    void theExportsQueriesFindTheirRowsInAnIndex() {
        String inbox = Sql.plan(project.database(), """
                SELECT * FROM public.stripe_webhook_events e
                 WHERE e.subject_id = ANY (ARRAY['cus_none', 'user_none']) AND e.stripe_event_id IS NOT NULL
                 ORDER BY e.received_at DESC, e.stripe_event_id LIMIT 500""");
        String counters = Sql.plan(project.database(), """
                SELECT * FROM public.billing_usage_counters WHERE user_id = 'user_none'
                 ORDER BY meter, period_start LIMIT 500""");
        String members = Sql.plan(project.database(), """
                SELECT * FROM public.billing_org_members WHERE user_id = 'user_none' ORDER BY org_id LIMIT 500""");

        assertThat(inbox)
                .as(inbox)
                .contains("Index Scan using stripe_webhook_events_subject_idx")
                .doesNotContain("Seq Scan");
        assertThat(counters)
                .as(counters)
                .contains("billing_usage_counters_pkey")
                .doesNotContain("Sort");
        assertThat(members).as(members).contains("billing_org_members_user_idx").doesNotContain("Sort");
    }
}
