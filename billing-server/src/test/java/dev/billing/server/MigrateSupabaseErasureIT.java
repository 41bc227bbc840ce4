package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.OrgMember;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.migration.MigrationRecordType;
import dev.billing.core.model.notice.NoticeKind;
import dev.billing.core.model.notice.NoticeRecord;
import dev.billing.core.model.notice.NoticeStatus;
import dev.billing.core.model.payment.GuestPurchase;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.CustomerStore;
import dev.billing.supabase.SupabaseBillingStores;
import dev.billing.supabase.SupabaseSql;
import dev.billing.testkit.postgres.PostgresFixture;
import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.testkit.supabase.SupabaseFixture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Supabase project erases a user after {@code billing-server migrate-supabase} copied them into Postgres, through
 * the server's own {@code erase} command on the Supabase stores (real PostgREST): the next pass of the real command
 * moves the link to the pseudonym, the usage counters, keys and membership with it, rewrites the pseudonymised
 * subscription, guest purchase, notice, redacted event and trail entries (same versions), removes what Supabase no
 * longer has, and verifies clean (exit 0), leaving no trace of the erased id in Postgres. Other removals and
 * same-version changes made in Supabase between two passes converge the same way, and a dry run says what the pass
 * will write, change and remove.
 */
class MigrateSupabaseErasureIT {
    static final int CUSTOMERS = 150;
    static final Pattern REPORT_LINE = Pattern.compile("(?m)^([a-z_]+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+"
            + "(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(ok|MISMATCH)$");

    static TestDatabase sourceDb;
    static SupabaseFixture supabase;
    static BillingStores supabaseStores;

    @TempDir
    Path dir;

    @BeforeAll
    static void seedSupabase() {
        sourceDb = PostgresFixture.shared().newDatabase("erase_src");
        supabase =
                SupabaseFixture.builder(sourceDb).schemaSql(SupabaseSql.all()).start();
        SupabaseSeed.insert(sourceDb.dataSource(), CUSTOMERS, 45, Instant.now());
        supabaseStores = SupabaseBillingStores.create(supabase.url(), supabase.serviceRoleKey());
    }

    @AfterAll
    static void stop() {
        if (supabaseStores != null) {
            supabaseStores.close();
        }
        if (supabase != null) {
            supabase.close();
        }
        if (sourceDb != null) {
            sourceDb.close();
        }
    }

    @Test
    void copyEraseCopyAgainVerifiesCleanAndLeavesNoTraceOfTheErasedUser() throws Exception {
        String[] user = userWithSubscriptionAndUsage();
        UserId erased = UserId.of(user[0]);
        CustomerId customer = CustomerId.of(user[1]);
        everythingElseAbout(erased, customer);
        try (TestDatabase target = PostgresFixture.shared().newDatabase("erase_dst")) {
            Map<String, String> env = env(target);
            String[] copy = {
                "migrate-supabase",
                "--checkpoint",
                dir.resolve("erase.checkpoint").toString()
            };
            CliConfigTest.Run first = CliConfigTest.run(env, copy);
            assertThat(first.exit()).as(first.out() + first.err()).isZero();
            // Its link and the retired one of a customer deleted at Stripe.
            long links = mentions(sourceDb, "public.stripe_customer_mapping", erased.value());
            assertThat(links).isGreaterThan(1);
            assertThat(mentions(target, "billing.customers", erased.value())).isEqualTo(links);

            CliConfigTest.Run erase = CliConfigTest.run(eraseEnv(), "erase", "--user", erased.value(), "--yes");
            assertThat(erase.exit()).as(erase.out() + erase.err()).isZero();
            assertThat(erase.out())
                    .contains("link erased")
                    .contains("memberships 1")
                    .contains("guest purchases 1");
            String pseudonym = text(
                    sourceDb,
                    "SELECT clerk_user_id FROM public.stripe_customer_mapping WHERE " + "stripe_customer_id = '"
                            + customer.value() + "'");
            assertThat(pseudonym).startsWith(UserId.PSEUDONYM_PREFIX);

            // Postgres still holds the user: the stores differ, and a dry run says what the next pass will do.
            CliConfigTest.Run behind = CliConfigTest.run(env, "migrate-supabase", "--verify-only");
            assertThat(behind.exit()).as(behind.out()).isEqualTo(MigrateSupabaseCommand.MISMATCH);
            assertThat(behind.out())
                    .contains("MISMATCH in customer_links, subscriptions, ")
                    .contains("usage_counters")
                    .contains("memberships")
                    .contains("guest_purchases")
                    .contains("notices");
            CliConfigTest.Run dry = CliConfigTest.run(env, "migrate-supabase", "--dry-run");

            CliConfigTest.Run second = CliConfigTest.run(env, copy);

            assertThat(second.exit()).as(second.out() + second.err()).isZero();
            assertThat(second.out())
                    .contains("The last run finished")
                    .contains("Verified: Postgres holds exactly " + "what Supabase holds.");
            assertThat(dry.exit()).as(dry.out() + dry.err()).isZero();
            assertThat(dry.out())
                    .containsPattern(
                            "a copy would write \\d+ records \\(\\d+ of them changed\\) and " + "remove [1-9]");
            Map<MigrationRecordType, Row> planned = rows(dry.out());
            Map<MigrationRecordType, Row> rows = rows(second.out());
            assertThat(rows).allSatisfy((type, row) -> {
                assertThat(row.verified()).isEqualTo("ok");
                assertThat(row.conflicts()).isZero();
                assertThat(row.plan())
                        .as("the dry run's plan of " + type.wireName())
                        .isEqualTo(planned.get(type).plan());
            });
            // The links under pseudonyms replaced the old ones (the retired one under a pseudonym of its own);
            // counters, keys and the membership moved; the rest changed in place at the same version.
            assertThat(rows.get(MigrationRecordType.CUSTOMER_LINKS))
                    .extracting(Row::written, Row::removed)
                    .containsExactly(links, links);
            assertThat(rows.get(MigrationRecordType.USAGE_COUNTERS).removed())
                    .isPositive()
                    .isEqualTo(rows.get(MigrationRecordType.USAGE_COUNTERS).written());
            assertThat(rows.get(MigrationRecordType.USAGE_KEYS).removed())
                    .isPositive()
                    .isEqualTo(rows.get(MigrationRecordType.USAGE_KEYS).written());
            assertThat(rows.get(MigrationRecordType.MEMBERSHIPS))
                    .extracting(Row::written, Row::removed)
                    .containsExactly(1L, 1L);
            for (MigrationRecordType type : new MigrationRecordType[] {
                MigrationRecordType.SUBSCRIPTIONS,
                MigrationRecordType.GUEST_PURCHASES,
                MigrationRecordType.NOTICES,
                MigrationRecordType.INBOX_ENTRIES,
                MigrationRecordType.AUDIT_ENTRIES
            }) {
                assertThat(rows.get(type).changed()).as(type.wireName()).isPositive();
            }

            // No trace of the erased id in Postgres beyond what Supabase itself keeps (webhook payloads the erasure
            // does not redact), and the records stand under the pseudonym.
            for (Map.Entry<MigrationRecordType, String> table : MigrateSupabaseIT.TABLES.entrySet()) {
                long inPostgres = mentions(target, "billing." + table.getValue(), erased.value());
                if (table.getKey() == MigrationRecordType.INBOX_ENTRIES) {
                    assertThat(inPostgres)
                            .isEqualTo(mentions(sourceDb, "public.stripe_webhook_events", erased.value()));
                } else {
                    assertThat(inPostgres)
                            .as(table.getValue() + " rows naming the erased user")
                            .isZero();
                }
            }
            assertThat(text(target, "SELECT customer_id FROM billing.customers WHERE user_id = '" + pseudonym + "'"))
                    .isEqualTo(customer.value());
            assertThat(MigrateSupabaseIT.query(
                            target, "SELECT count(*) FROM billing.usage_counters WHERE user_id = '" + pseudonym + "'"))
                    .isPositive();
            assertThat(MigrateSupabaseIT.query(
                            target, "SELECT count(*) FROM billing.org_members WHERE user_id = '" + pseudonym + "'"))
                    .isEqualTo(1);
            assertThat(MigrateSupabaseIT.query(
                            target,
                            "SELECT count(*) FROM billing.subscriptions WHERE customer_id " + "= '" + customer.value()
                                    + "' AND metadata ->> 'user_id' = '" + pseudonym + "'"))
                    .isPositive();
            // The trail is Supabase's: the copy's writes and removals recorded nothing of their own.
            assertThat(MigrateSupabaseIT.query(
                            target, "SELECT count(*) FROM billing.audit_log WHERE cause = " + "'system:migration'"))
                    .isZero();
            assertThat(text(target, "SELECT count(*) || '/' || max(id) FROM billing.audit_log"))
                    .isEqualTo(text(sourceDb, "SELECT count(*) || '/' || max(id) FROM public.billing_audit_log"));

            // Converged: a third pass has nothing left to do.
            CliConfigTest.Run third = CliConfigTest.run(env, copy);
            assertThat(third.exit()).as(third.out() + third.err()).isZero();
            assertThat(rows(third.out()))
                    .allSatisfy((type, row) -> assertThat(row.written() + row.removed())
                            .as(type.wireName())
                            .isZero());
        }
    }

    @Test
    void removalsAndSameVersionChangesInSupabaseReachPostgresOnTheNextPass() throws Exception {
        try (TestDatabase target = PostgresFixture.shared().newDatabase("erase_other")) {
            Map<String, String> env = env(target);
            String[] copy = {
                "migrate-supabase",
                "--checkpoint",
                dir.resolve("other.checkpoint").toString()
            };
            CliConfigTest.Run first = CliConfigTest.run(env, copy);
            assertThat(first.exit()).as(first.out() + first.err()).isZero();
            // Rows deleted in Supabase, and rows changed there without a new version (by hand, or by the old backend).
            supabase.executeSql("""
                    DELETE FROM public.billing_subscriptions WHERE id = (SELECT min(id) FROM public.billing_subscriptions);
                    DELETE FROM public.billing_invoices WHERE id = (SELECT min(id) FROM public.billing_invoices);
                    UPDATE public.billing_invoices SET number = 'FIXED-1'
                     WHERE id = (SELECT max(id) FROM public.billing_invoices);
                    UPDATE public.billing_subscriptions SET metadata = metadata || '{"note": "fixed by hand"}'
                     WHERE id = (SELECT max(id) FROM public.billing_subscriptions);
                    UPDATE public.billing_refunds SET status = 'canceled'
                     WHERE id = (SELECT min(id) FROM public.billing_refunds);
                    DELETE FROM public.billing_purchases WHERE id = (SELECT min(id) FROM public.billing_purchases);
                    DELETE FROM public.billing_usage_keys
                     WHERE (user_id, idempotency_key) = (SELECT user_id, idempotency_key FROM public.billing_usage_keys
                                                         ORDER BY 1, 2 LIMIT 1);
                    DELETE FROM public.billing_meter_reports
                     WHERE identifier = (SELECT min(identifier) FROM public.billing_meter_reports);
                    UPDATE public.billing_guest_purchases SET email = 'fixed@example.com'
                     WHERE session_id = (SELECT min(session_id) FROM public.billing_guest_purchases);
                    DELETE FROM public.billing_invoice_payments
                     WHERE invoice_id = (SELECT min(invoice_id) FROM public.billing_invoice_payments);
                    DELETE FROM public.billing_notice_log WHERE id = (SELECT min(id) FROM public.billing_notice_log);
                    DELETE FROM public.billing_audit_log WHERE id = (SELECT min(id) FROM public.billing_audit_log);
                    DELETE FROM public.billing_service_keys WHERE id = (SELECT min(id) FROM public.billing_service_keys);
                    UPDATE public.billing_service_keys SET revoked_at = now()
                     WHERE id = (SELECT max(id) FROM public.billing_service_keys);
                    """);

            CliConfigTest.Run dry = CliConfigTest.run(env, "migrate-supabase", "--dry-run");
            CliConfigTest.Run second = CliConfigTest.run(env, copy);

            assertThat(second.exit()).as(second.out() + second.err()).isZero();
            assertThat(dry.exit()).as(dry.out() + dry.err()).isZero();
            assertThat(second.out()).contains("Verified: Postgres holds exactly what Supabase holds.");
            Map<MigrationRecordType, Row> rows = rows(second.out());
            Map<MigrationRecordType, Row> planned = rows(dry.out());
            for (MigrationRecordType type : new MigrationRecordType[] {
                MigrationRecordType.SUBSCRIPTIONS,
                MigrationRecordType.INVOICES,
                MigrationRecordType.PURCHASES,
                MigrationRecordType.USAGE_KEYS,
                MigrationRecordType.METER_REPORTS,
                MigrationRecordType.INVOICE_PAYMENTS,
                MigrationRecordType.NOTICES,
                MigrationRecordType.AUDIT_ENTRIES,
                MigrationRecordType.SERVICE_KEYS
            }) {
                assertThat(rows.get(type).removed())
                        .as(type.wireName() + " removed")
                        .isGreaterThanOrEqualTo(1);
            }
            for (MigrationRecordType type : new MigrationRecordType[] {
                MigrationRecordType.SUBSCRIPTIONS,
                MigrationRecordType.INVOICES,
                MigrationRecordType.REFUNDS,
                MigrationRecordType.GUEST_PURCHASES,
                MigrationRecordType.SERVICE_KEYS
            }) {
                assertThat(rows.get(type).changed())
                        .as(type.wireName() + " changed")
                        .isEqualTo(1);
            }
            assertThat(rows)
                    .allSatisfy((type, row) -> assertThat(row.plan())
                            .as(type.wireName())
                            .isEqualTo(planned.get(type).plan()));
            assertThat(text(target, "SELECT number FROM billing.invoices ORDER BY id DESC LIMIT 1"))
                    .isEqualTo("FIXED-1");
        }
    }

    /** A linked user whose subscription names them in its metadata and who has usage counters. */
    private static String[] userWithSubscriptionAndUsage() throws SQLException {
        String found = text(sourceDb, """
                SELECT m.clerk_user_id || ' ' || m.stripe_customer_id FROM public.stripe_customer_mapping m
                 WHERE EXISTS (SELECT 1 FROM public.billing_subscriptions s
                                WHERE s.customer_id = m.stripe_customer_id AND s.metadata ->> 'user_id' = m.clerk_user_id)
                   AND EXISTS (SELECT 1 FROM public.billing_usage_counters c WHERE c.user_id = m.clerk_user_id)
                   AND EXISTS (SELECT 1 FROM public.billing_usage_keys k WHERE k.user_id = m.clerk_user_id)
                 ORDER BY m.clerk_user_id LIMIT 1""");
        return found.split(" ");
    }

    /**
     * What the seed does not give a linked user, written through the Supabase stores' ports: a membership, a guest
     * purchase they claimed, a notice, an event about their customer that names them, and the link of an earlier
     * customer deleted at Stripe (as its retirement leaves it).
     */
    private static void everythingElseAbout(UserId user, CustomerId customer) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        int retired = supabaseStores.customers().retiredOf(user).size();
        assertThat(supabaseStores
                        .customers()
                        .link(new CustomerLink(
                                user.retiredLink(retired + 1),
                                CustomerId.of("cus_deleted_erasure"),
                                "erasure@example.com",
                                now)))
                .isInstanceOf(CustomerStore.LinkResult.Linked.class);
        supabaseStores.memberships().apply(new OrgMember("org_erasure", user, "org:admin", true, now, "msg_erasure"));
        supabaseStores
                .guests()
                .record(new GuestPurchase(
                        "cs_guest_erasure",
                        "erasure@example.com",
                        "price_credits_100",
                        1,
                        "usd",
                        500,
                        CustomerId.of("cus_guest_erasure"),
                        now,
                        null,
                        null));
        assertThat(supabaseStores.guests().claim("erasure@example.com", user, now))
                .hasSize(1);
        supabaseStores
                .notices()
                .record(new NoticeRecord(
                        "evt_erasure_notice",
                        NoticeKind.values()[0],
                        user,
                        customer,
                        NoticeStatus.SENT,
                        "<erasure@example.com>",
                        null,
                        now));
        StripeEvent event = new StripeEvent(
                "evt_erasure_customer",
                "customer.updated",
                now,
                false,
                "2024-06-20",
                customer.value(),
                "customer",
                "{\"id\": \"evt_erasure_customer\", \"data\": {\"object\": {\"id\": \"" + customer.value()
                        + "\", \"metadata\": {\"user_id\": \"" + user.value() + "\"}}}}");
        supabaseStores
                .inbox()
                .restore(new InboxEntry(event, InboxStatus.PROCESSED, 1, null, now, null, null, null, now, null));
    }

    /** migrate-supabase's environment: this class's Supabase project into {@code target}. */
    private static Map<String, String> env(TestDatabase target) {
        Map<String, String> env = new HashMap<>();
        env.put("SUPABASE_URL", supabase.url());
        env.put("SUPABASE_SERVICE_ROLE_KEY", supabase.serviceRoleKey());
        env.put("DATABASE_URL", target.postgresUrl());
        env.put("BILLING_LOG_FORMAT", "text");
        return env;
    }

    /** The server's configuration on the Supabase store (erasure local only: no Stripe call). */
    private static Map<String, String> eraseEnv() {
        Map<String, String> env = new HashMap<>(CliConfigTest.validEnv());
        env.remove("DATABASE_URL");
        env.put("BILLING_STORE", "supabase");
        env.put("SUPABASE_URL", supabase.url());
        env.put("SUPABASE_SERVICE_ROLE_KEY", supabase.serviceRoleKey());
        env.put("BILLING_LOG_FORMAT", "text");
        return env;
    }

    /** Rows of the table whose text (every column) contains {@code value}. */
    private static long mentions(TestDatabase db, String table, String value) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement s =
                        c.prepareStatement("SELECT count(*) FROM " + table + " t WHERE strpos(t::text, ?) > 0")) {
            s.setString(1, value);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private static String text(TestDatabase db, String sql) throws SQLException {
        return MigrateSupabaseIT.text(db, sql);
    }

    record Row(
            long read,
            long written,
            long changed,
            long alreadyPresent,
            long removed,
            long conflicts,
            long source,
            long target,
            String verified) {
        /** What the pass did (a dry run: would do). */
        java.util.List<Long> plan() {
            return java.util.List.of(read, written, changed, alreadyPresent, removed, conflicts);
        }
    }

    /** The report's table, per record type. */
    static Map<MigrationRecordType, Row> rows(String output) {
        Map<MigrationRecordType, Row> rows = new EnumMap<>(MigrationRecordType.class);
        Matcher m = REPORT_LINE.matcher(output);
        while (m.find()) {
            long[] n = new long[8];
            for (int i = 0; i < n.length; i++) {
                n[i] = Long.parseLong(m.group(i + 2));
            }
            MigrationRecordType.parse(m.group(1))
                    .ifPresent(type ->
                            rows.put(type, new Row(n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], m.group(10))));
        }
        assertThat(rows).as(output).hasSize(MigrationRecordType.values().length);
        return rows;
    }
}
