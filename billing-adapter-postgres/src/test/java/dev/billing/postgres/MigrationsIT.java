package dev.billing.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.error.StoreException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.UserId;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.CustomerStore.LinkResult;
import dev.billing.testkit.contract.Race;
import dev.billing.testkit.postgres.PostgresFixture;
import dev.billing.testkit.postgres.TestDatabase;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** The Flyway migrations on real, empty databases: what they create, re-runs, and a host application's Flyway. */
class MigrationsIT {
    private static final List<String> TABLES = List.of(
            "audit_log",
            "billing_schema_history",
            "customers",
            "guest_purchases",
            "invoice_payments",
            "invoices",
            "meter_reports",
            "notice_log",
            "org_members",
            "projection_changes",
            "purchases",
            "refunds",
            "seat_leases",
            "service_keys",
            "subscriptions",
            "usage_counters",
            "usage_keys",
            "webhook_inbox");
    private static final String EXPORT_INDEXES = """
            SELECT indexdef FROM pg_indexes WHERE schemaname = 'billing'
              AND indexname IN ('webhook_inbox_subject_idx', 'org_members_user_idx') ORDER BY indexname""";
    private static final String USER_SCHEMAS = """
            SELECT nspname FROM pg_namespace
            WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY nspname""";

    @Test
    void anEmptyDatabaseGetsTheBillingSchemaAndNothingElse() {
        try (TestDatabase db = PostgresFixture.shared().newDatabase("migrate_empty")) {
            DataSource ds = db.dataSource();
            assertThat(Sql.strings(ds, USER_SCHEMAS)).containsExactly("public");

            assertThat(PostgresBillingStores.migrate(ds)).isEqualTo(Migrations.SHIPPED_COUNT);

            assertThat(Sql.strings(ds, USER_SCHEMAS)).containsExactly("billing", "public");
            assertThat(tables(ds, "billing")).containsExactlyElementsOf(TABLES);
            assertThat(Sql.count(
                            ds,
                            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                    + "WHERE n.nspname = 'public'"))
                    .isZero();
            assertThat(Sql.count(
                            ds,
                            "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                                    + "WHERE n.nspname = 'public'"))
                    .isZero();
            // Flyway records that it created the schema (rank 0, no version), then each migration.
            assertThat(Sql.strings(
                            ds,
                            "SELECT coalesce(version, type) || ':' || success FROM "
                                    + "billing.billing_schema_history ORDER BY installed_rank"))
                    .containsExactly(
                            "SCHEMA:true",
                            "1:true",
                            "2:true",
                            "3:true",
                            "4:true",
                            "5:true",
                            "6:true",
                            "7:true",
                            "8:true",
                            "9:true",
                            "10:true",
                            "11:true",
                            "12:true",
                            "13:true",
                            "14:true",
                            "15:true",
                            "16:true",
                            "17:true",
                            "18:true",
                            "19:true",
                            "20:true",
                            "21:true",
                            "22:true",
                            "23:true",
                            "24:true",
                            "25:true",
                            "26:true",
                            "27:true",
                            "28:true",
                            "29:true",
                            "30:true");
            // The queue tables are vacuumed after a fixed number of changed rows, not 20% of the table.
            for (String queue : List.of("webhook_inbox", "meter_reports")) {
                assertThat(Sql.strings(
                                ds,
                                "SELECT unnest(reloptions) FROM pg_class c JOIN pg_namespace n ON "
                                        + "n.oid = c.relnamespace WHERE n.nspname = 'billing' AND c.relname = '" + queue
                                        + "'"))
                        .contains(
                                "autovacuum_vacuum_scale_factor=0.0",
                                "autovacuum_vacuum_threshold=5000",
                                "autovacuum_analyze_threshold=5000");
            }
            // V25: the queue tables are analyzed from a sample of 3,000 rows; one column left at the default (100)
            // would make it 30,000 again (for the inbox, 30,000 payloads).
            assertThat(Sql.strings(
                            ds,
                            "SELECT c.relname || '.' || a.attname || ' ' || coalesce(a.attstattarget::text, 'default') "
                                    + "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n "
                                    + "ON n.oid = c.relnamespace WHERE n.nspname = 'billing' AND c.relname IN "
                                    + "('webhook_inbox', 'meter_reports') AND a.attnum > 0 AND NOT a.attisdropped "
                                    + "AND a.attstattarget IS DISTINCT FROM 10"))
                    .isEmpty();
            assertThat(Sql.count(
                            ds,
                            "SELECT count(*) FROM pg_attribute WHERE attrelid IN ('billing.webhook_inbox'::regclass, "
                                    + "'billing.meter_reports'::regclass) AND attnum > 0 AND attstattarget = 10"))
                    .isEqualTo(27);
            // The inbox payload is text kept out of line uncompressed (V4: no jsonb parse, no pglz per insert).
            assertThat(Sql.strings(
                            ds,
                            "SELECT format_type(a.atttypid, a.atttypmod) || ' ' || a.attstorage::text "
                                    + "FROM pg_attribute a WHERE a.attrelid = 'billing.webhook_inbox'::regclass "
                                    + "AND a.attname = 'payload'"))
                    .containsExactly("text e");
            // V18: the inbox's indexes (no index on received_at alone), and room on subscription pages for HOT
            // updates; V19: the subject's index instead of the object's.
            assertThat(Sql.strings(
                            ds,
                            "SELECT indexname FROM pg_indexes WHERE schemaname = 'billing' "
                                    + "AND tablename = 'webhook_inbox' ORDER BY indexname"))
                    .containsExactly(
                            "webhook_inbox_due_idx",
                            "webhook_inbox_pkey",
                            "webhook_inbox_status_received_idx",
                            "webhook_inbox_subject_idx");
            assertThat(Sql.strings(
                            ds,
                            "SELECT unnest(reloptions) FROM pg_class WHERE oid = 'billing.subscriptions'"
                                    + "::regclass"))
                    .containsExactly("fillfactor=80");
            // V7 and V19: the personal data export's reads find their rows in an index.
            assertThat(Sql.strings(ds, EXPORT_INDEXES))
                    .containsExactly(
                            "CREATE INDEX org_members_user_idx ON billing.org_members USING btree (user_id, org_id)",
                            "CREATE INDEX webhook_inbox_subject_idx ON billing.webhook_inbox USING btree (subject_id) "
                                    + "WHERE (subject_id IS NOT NULL)");
            // V24: the dashboard's search by email and an account's meter events find their rows in an index.
            assertThat(Sql.strings(
                            ds,
                            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'billing' AND indexname IN "
                                    + "('customers_email_lower_idx', 'meter_reports_customer_idx') ORDER BY indexname"))
                    .containsExactly(
                            "CREATE INDEX customers_email_lower_idx ON billing.customers USING btree (lower(email))",
                            "CREATE INDEX meter_reports_customer_idx ON billing.meter_reports USING btree "
                                    + "(customer_id)");
            // V8: erasure audits a link's new user, and finds the erased user's audit rows in an index.
            assertThat(Sql.strings(
                            ds,
                            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'billing.customers'::regclass "
                                    + "AND NOT tgisinternal ORDER BY tgname"))
                    .containsExactly("customers_audit_link", "customers_audit_pseudonymise");
            assertThat(Sql.strings(
                            ds,
                            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'billing' "
                                    + "AND indexname = 'audit_log_user_idx'"))
                    .containsExactly("CREATE INDEX audit_log_user_idx ON billing.audit_log USING btree (user_id) "
                            + "WHERE (user_id IS NOT NULL)");
            // V9: guest purchases are found by email, and are claimed by a user at a time, both or neither.
            assertThat(Sql.strings(
                            ds,
                            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'billing' "
                                    + "AND tablename = 'guest_purchases' ORDER BY indexname"))
                    .containsExactly(
                            "CREATE INDEX guest_purchases_claimed_idx ON billing.guest_purchases USING btree (claimed_by) "
                                    + "WHERE (claimed_by IS NOT NULL)",
                            "CREATE INDEX guest_purchases_email_idx ON billing.guest_purchases USING btree (email)",
                            "CREATE UNIQUE INDEX guest_purchases_pkey ON billing.guest_purchases USING btree (session_id)");
            assertThatThrownBy(() -> Sql.execute(
                            ds,
                            "INSERT INTO billing.guest_purchases (session_id, email, "
                                    + "price_id, quantity, amount_total, purchased_at, claimed_by) VALUES ('cs_1', 'a@example.com', "
                                    + "'price_1', 1, 0, now(), 'user_1')"))
                    .hasMessageContaining("guest_purchases_claimed_check");
            // V11: the projection's changes are audited with their cause, explicit entries once per cause.
            assertThat(Sql.strings(
                            ds,
                            "SELECT c.relname || '.' || t.tgname FROM pg_trigger t JOIN pg_class c "
                                    + "ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'billing' "
                                    + "AND NOT t.tgisinternal ORDER BY 1"))
                    .containsExactly(
                            "customers.customers_audit_link",
                            "customers.customers_audit_pseudonymise",
                            "invoices.invoices_audit_paid_insert",
                            "invoices.invoices_audit_paid_update",
                            "purchases.purchases_audit_claim",
                            "purchases.purchases_audit_insert",
                            "subscriptions.subscriptions_audit_insert",
                            "subscriptions.subscriptions_audit_update");
            assertThat(Sql.strings(
                            ds,
                            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'billing' "
                                    + "AND indexname = 'audit_log_explicit_key'"))
                    .containsExactly("CREATE UNIQUE INDEX "
                            + "audit_log_explicit_key ON billing.audit_log USING btree (entity, action, entity_id, cause) "
                            + "WHERE explicit");
            // V16: a copy's projection writes (cause system:migration) are audited by no trigger but the erasure's
            // (since V17 the condition is in the trigger functions).
            assertThat(Sql.strings(
                            ds,
                            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                                    + "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_proc f ON f.oid = t.tgfoid "
                                    + "WHERE n.nspname = 'billing' AND NOT t.tgisinternal "
                                    + "AND pg_get_triggerdef(t.oid) || f.prosrc LIKE '%system:migration%' ORDER BY 1"))
                    .containsExactly(
                            "customers_audit_link",
                            "invoices_audit_paid_insert",
                            "invoices_audit_paid_update",
                            "purchases_audit_claim",
                            "purchases_audit_insert",
                            "subscriptions_audit_insert",
                            "subscriptions_audit_update");
            // V17: those fire once per statement, over its rows as a transition table; the erasure's once per row.
            assertThat(
                            Sql.strings(
                                    ds,
                                    "SELECT t.tgname || (CASE WHEN t.tgtype & 1 = 1 THEN ' row' ELSE ' statement' "
                                            + "END) || (CASE WHEN t.tgnewtable IS NULL THEN '' ELSE ' ' || t.tgnewtable END) "
                                            + "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n "
                                            + "ON n.oid = c.relnamespace WHERE n.nspname = 'billing' AND NOT t.tgisinternal ORDER BY 1"))
                    .containsExactly(
                            "customers_audit_link statement new_rows",
                            "customers_audit_pseudonymise row",
                            "invoices_audit_paid_insert statement new_rows",
                            "invoices_audit_paid_update statement new_rows",
                            "purchases_audit_claim statement new_rows",
                            "purchases_audit_insert statement new_rows",
                            "subscriptions_audit_insert statement new_rows",
                            "subscriptions_audit_update statement new_rows");
        }
    }

    @Test
    void inboxIndexesBuiltConcurrentlyBeforeTheUpgradeAreKeptAndTheMigrationsApplyOverThem() {
        try (TestDatabase db = PostgresFixture.shared().newDatabase("migrate_v7")) {
            DataSource ds = db.dataSource();
            migrateTo(ds, "6");
            // What docs/POSTGRES.md tells the operator of a large inbox to run first, outside any transaction.
            Sql.execute(ds, "CREATE INDEX CONCURRENTLY webhook_inbox_object_idx ON billing.webhook_inbox (object_id)");
            String oid = Sql.strings(ds, "SELECT 'billing.webhook_inbox_object_idx'::regclass::oid::text")
                    .get(0);

            migrateTo(ds, "7");

            assertThat(Sql.strings(ds, "SELECT 'billing.webhook_inbox_object_idx'::regclass::oid::text"))
                    .containsExactly(oid);
            migrateTo(ds, "18");
            // V19's column and index, made beforehand as docs/POSTGRES.md shows (the backfill: InboxSubjectsIT).
            Sql.execute(ds, "ALTER TABLE billing.webhook_inbox ADD COLUMN IF NOT EXISTS subject_id text COLLATE \"C\"");
            Sql.execute(
                    ds,
                    "CREATE INDEX CONCURRENTLY IF NOT EXISTS webhook_inbox_subject_idx "
                            + "ON billing.webhook_inbox (subject_id) WHERE subject_id IS NOT NULL");
            String subjectOid = Sql.strings(ds, "SELECT 'billing.webhook_inbox_subject_idx'::regclass::oid::text")
                    .get(0);

            // V19, and whatever came after it (versions 1 to 18 all shipped).
            assertThat(PostgresBillingStores.migrate(ds)).isEqualTo(Migrations.SHIPPED_COUNT - 18);

            assertThat(Sql.strings(ds, "SELECT 'billing.webhook_inbox_subject_idx'::regclass::oid::text"))
                    .containsExactly(subjectOid);
            assertThat(Sql.strings(ds, EXPORT_INDEXES)).hasSize(2);
        }
    }

    @Test
    void anInboxWrittenBeforeV4KeepsItsEventsAndReadsThemBackAsJsonbPrintedThem() {
        try (TestDatabase db = PostgresFixture.shared().newDatabase("migrate_v4")) {
            DataSource ds = db.dataSource();
            migrateTo(ds, "3");
            Sql.execute(
                    ds,
                    "INSERT INTO billing.webhook_inbox (event_id, event_type, event_created, livemode, payload, "
                            + "status, received_at) VALUES ('evt_before_v4', 'customer.created', now(), false, "
                            + "CAST('{\"id\": \"evt_before_v4\",  \"object\":\"event\"}' AS jsonb), 'pending', now())");

            assertThat(PostgresBillingStores.migrate(ds)).isEqualTo(Migrations.SHIPPED_COUNT - 3);

            // V4 rewrote the column: the row is there, its payload is the text jsonb printed (keys by length)
            try (BillingStores stores = TestStores.open(db)) {
                assertThat(stores.inbox()
                                .find("evt_before_v4")
                                .orElseThrow()
                                .event()
                                .payload())
                        .isEqualTo("{\"id\": \"evt_before_v4\", \"object\": \"event\"}");
            }
        }
    }

    @Test
    void storesMadeWithoutMigrationsAreNotReadyWhileTheSchemaIsBehindThisJar() {
        try (TestDatabase db = PostgresFixture.shared().newDatabase("migrate_behind")) {
            DataSource ds = db.dataSource();
            try (BillingStores stores = PostgresBillingStores.create(ds, "billing", false)) {
                assertThatThrownBy(stores::ping)
                        .isInstanceOf(StoreException.class)
                        .hasMessage("The billing schema 'billing' is at version 0; this version of billing needs "
                                + Migrations.LATEST_VERSION + ". Apply the migrations: billing-server schema migrate, "
                                + "or PostgresBillingStores.migrate(dataSource, schema).");

                migrateTo(ds, "3");
                assertThatThrownBy(stores::ping)
                        .isInstanceOf(StoreException.class)
                        .hasMessageContaining(
                                "is at version 3; this version of billing needs " + Migrations.LATEST_VERSION);

                PostgresBillingStores.migrate(ds);
                stores.ping();
                // a newer schema (a later version's rolling upgrade) is fine too: only "behind" is refused
                Sql.execute(
                        ds,
                        "INSERT INTO billing.billing_schema_history (installed_rank, version, description, "
                                + "type, script, installed_by, execution_time, success) VALUES (99, '"
                                + (Migrations.LATEST_VERSION + 1)
                                + "', 'later', 'SQL', 'V_later.sql', 'test', 1, true)");
            }
            try (BillingStores again = PostgresBillingStores.create(ds, "billing", false)) {
                again.ping();
            }
        }
    }

    /** Applies the shipped migrations up to {@code version} only, as an older jar did. */
    private static void migrateTo(DataSource ds, String version) {
        Flyway.configure()
                .dataSource(ds)
                .schemas("billing")
                .defaultSchema("billing")
                .createSchemas(true)
                .table(Migrations.HISTORY_TABLE)
                .locations(Migrations.LOCATION)
                .target(version)
                .load()
                .migrate();
    }

    @Test
    void aSecondRunIsANoOp() {
        try (TestDatabase db = PostgresFixture.shared().newDatabase("migrate_twice")) {
            DataSource ds = db.dataSource();
            PostgresBillingStores.migrate(ds);
            String before = Sql.strings(
                            ds,
                            "SELECT string_agg(installed_rank || ':' || coalesce(checksum, 0), ',') FROM "
                                    + "billing.billing_schema_history")
                    .get(0);

            assertThat(PostgresBillingStores.migrate(ds)).isZero();
            assertThat(Sql.strings(
                                    ds,
                                    "SELECT string_agg(installed_rank || ':' || coalesce(checksum, 0), ',') FROM "
                                            + "billing.billing_schema_history")
                            .get(0))
                    .isEqualTo(before);
        }
    }

    @Test
    void instancesStartingTogetherMigrateOnce() {
        try (TestDatabase db = PostgresFixture.shared().newDatabase("migrate_race")) {
            List<Integer> applied = Race.run(4, i -> PostgresBillingStores.migrate(db.dataSource()));
            // Flyway takes its lock per migration, so the instances may share the pending ones out (22 and 4, once
            // in CI): what holds is that each is applied once, by one of them.
            assertThat(applied.stream().mapToInt(Integer::intValue).sum())
                    .as("migrations applied, over the four instances: %s", applied)
                    .isEqualTo(Migrations.SHIPPED_COUNT);
            assertThat(Sql.count(
                            db.dataSource(),
                            "SELECT count(DISTINCT version) FROM billing.billing_schema_history "
                                    + "WHERE version IS NOT NULL AND success"))
                    .isEqualTo(Migrations.SHIPPED_COUNT);
            assertThat(Sql.count(
                            db.dataSource(),
                            "SELECT count(*) FROM billing.billing_schema_history " + "WHERE version IS NOT NULL"))
                    .as("no version twice, none failed")
                    .isEqualTo(Migrations.SHIPPED_COUNT);
        }
    }

    @Test
    void aHostApplicationsOwnFlywayAndOursIgnoreEachOther() {
        try (TestDatabase db = PostgresFixture.shared().newDatabase("migrate_host")) {
            DataSource ds = db.dataSource();
            // The host: Flyway with every default (classpath:db/migration, flyway_schema_history in public). This
            // test's classpath has the host's V1 there, and this module's jar with our V1 and V2.
            Flyway host = Flyway.configure().dataSource(ds).load();
            assertThat(host.migrate().migrationsExecuted).isEqualTo(1);

            assertThat(PostgresBillingStores.migrate(ds)).isEqualTo(Migrations.SHIPPED_COUNT);
            assertThat(host.migrate().migrationsExecuted).isZero();
            assertThat(PostgresBillingStores.migrate(ds)).isZero();

            assertThat(tables(ds, "public")).containsExactly("flyway_schema_history", "orders");
            assertThat(Sql.strings(ds, "SELECT script FROM public.flyway_schema_history"))
                    .containsExactly("V1__host_orders.sql");
            assertThat(tables(ds, "billing")).containsExactlyElementsOf(TABLES);
            assertThat(Sql.strings(
                            ds,
                            "SELECT script FROM billing.billing_schema_history WHERE version IS NOT NULL "
                                    + "ORDER BY installed_rank"))
                    .containsExactly(
                            "V1__billing_tables.sql",
                            "V2__audit_trail.sql",
                            "V3__queue_autovacuum.sql",
                            "V4__inbox_payload_text.sql",
                            "V5__projection_changes.sql",
                            "V6__memberships.sql",
                            "V7__export_indexes.sql",
                            "V8__erasure.sql",
                            "V9__guest_purchases.sql",
                            "V10__analytics.sql",
                            "V11__audit_causes.sql",
                            "V12__refunds.sql",
                            "V13__notice_log.sql",
                            "V14__invoice_tax.sql",
                            "V15__invoice_payments.sql",
                            "V16__migration_copies.sql",
                            "V17__audit_per_statement.sql",
                            "V18__fewer_index_writes.sql",
                            "V19__inbox_subjects.sql",
                            "V20__guest_claims_move.sql",
                            "V21__membership_ids.sql",
                            "V22__service_keys.sql",
                            "V23__retention.sql",
                            "V24__growth_lookups.sql",
                            "V25__queue_statistics.sql",
                            "V26__meter_report_retention.sql",
                            "V27__past_due_since.sql",
                            "V28__detached_payment_method_subjects.sql",
                            "V29__retired_customer_links.sql",
                            "V30__seat_leases.sql");
        }
    }

    @Test
    void onlyACurrentHistorySkipsFlywayAnythingElseIsLeftToIt() throws Exception {
        try (TestDatabase db = PostgresFixture.shared().newDatabase("migrate_fast_path")) {
            DataSource ds = db.dataSource();
            try (Connection c = ds.getConnection()) {
                assertThat(Migrations.isCurrent(c, "billing"))
                        .as("no history table yet")
                        .isFalse();
            }
            assertThat(PostgresBillingStores.migrate(ds)).isEqualTo(Migrations.SHIPPED_COUNT);
            try (Connection c = ds.getConnection()) {
                assertThat(Migrations.isCurrent(c, "billing")).isTrue();
            }

            // A database one migration behind (as after deploying a newer jar): Flyway applies the last one again.
            Sql.execute(
                    ds,
                    "DELETE FROM billing.billing_schema_history WHERE version = '" + Migrations.LATEST_VERSION + "'");
            try (Connection c = ds.getConnection()) {
                assertThat(Migrations.isCurrent(c, "billing")).isFalse();
            }
            assertThat(PostgresBillingStores.migrate(ds)).isEqualTo(1);

            // A failed entry is Flyway's to report, never skipped over.
            Sql.execute(ds, "UPDATE billing.billing_schema_history SET success = false WHERE version = '1'");
            try (Connection c = ds.getConnection()) {
                assertThat(Migrations.isCurrent(c, "billing")).isFalse();
            }
            assertThatThrownBy(() -> PostgresBillingStores.migrate(ds))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("migration failed");
        }
    }

    @Test
    void anotherSchemaWorksTheSameIncludingTheAuditTriggers() {
        try (TestDatabase db = PostgresFixture.shared().newDatabase("migrate_schema")) {
            DataSource ds = db.dataSource();
            BillingStores stores = PostgresBillingStores.create(ds, "billing_eu", true);
            CustomerLink link = new CustomerLink(
                    UserId.of("user_eu"), CustomerId.of("cus_eu"), null, Instant.parse("2026-11-21T10:00:00Z"));
            assertThat(stores.customers().link(link)).isEqualTo(new LinkResult.Linked(link));

            assertThat(tables(ds, "billing_eu")).containsExactlyElementsOf(TABLES);
            assertThat(tables(ds, "billing")).isEmpty();
            assertThat(Sql.strings(ds, "SELECT user_id FROM billing_eu.audit_log"))
                    .containsExactly("user_eu");
            // V8's trigger writes into this schema's trail too.
            assertThat(stores.customers().pseudonymise(UserId.of("user_eu"), UserId.of("erased_eu")))
                    .isTrue();
            assertThat(Sql.strings(ds, "SELECT action || ':' || user_id FROM billing_eu.audit_log ORDER BY id"))
                    .containsExactly("linked:erased_eu", "pseudonymised:erased_eu");
        }
    }

    @Test
    void v20FoldsTheCopiesOldClaimsMadeIntoTheOriginalAndDropsDuplicateRefundEntriesTwiceTheSame() {
        try (TestDatabase db = PostgresFixture.shared().newDatabase("migrate_v20")) {
            DataSource ds = db.dataSource();
            migrateTo(ds, "18");
            // What a guest's purchase and its claim left before V20: the original under Stripe's guest customer,
            // the claim's copy under the claimer's customer without the payment intent, each audited as recorded;
            // and an admin refund retried with the same Idempotency-Key, audited twice.
            Sql.execute(ds, """
                    INSERT INTO billing.purchases (cause, id, customer_id, price_id, quantity, currency, amount_total,
                        payment_intent_id, purchased_at)
                    VALUES ('event:evt_guest_paid', 'cs_guest_1', 'cus_guest_1', 'price_credits_100', 2, 'usd', 2000,
                        'pi_guest_1', '2026-01-01T10:00:00Z');
                    INSERT INTO billing.guest_purchases (session_id, email, price_id, quantity, currency,
                        amount_total, customer_id, purchased_at, claimed_by, claimed_at)
                    VALUES ('cs_guest_1', 'visitor@example.com', 'price_credits_100', 2, 'usd', 2000, 'cus_guest_1',
                        '2026-01-01T10:00:00Z', 'user_ada', '2026-01-02T10:00:00Z');
                    INSERT INTO billing.purchases (cause, id, customer_id, price_id, quantity, currency, amount_total,
                        payment_intent_id, purchased_at)
                    VALUES ('request:req_claim', 'cs_guest_1_claimed', 'cus_ada', 'price_credits_100', 2, 'usd',
                        2000, NULL, '2026-01-01T10:00:00Z');
                    INSERT INTO billing.audit_log (entity, entity_id, action, cause, detail, explicit) VALUES
                        ('refund', 're_1', 'created', 'admin:req_first', '{}', true),
                        ('refund', 're_1', 'created', 'admin:req_retry', '{}', true),
                        ('refund', 're_2', 'created', 'admin:req_other', '{}', true);
                    """);
            String trail = """
                    SELECT entity || '.' || action || ' ' || entity_id || ' ' || coalesce(customer_id, '-') || ' '
                        || coalesce(cause, '-') || ' ' || ((detail ->> 'old_customer_id') IS NOT NULL)::text
                    FROM billing.audit_log ORDER BY id""";

            assertThat(PostgresBillingStores.migrate(ds)).isEqualTo(Migrations.SHIPPED_COUNT - 18);

            List<String> purchases = Sql.strings(
                    ds,
                    "SELECT id || ' ' || customer_id || ' ' || payment_intent_id "
                            + "FROM billing.purchases ORDER BY id");
            List<String> entries = Sql.strings(ds, trail);
            assertThat(purchases).containsExactly("cs_guest_1 cus_ada pi_guest_1");
            assertThat(entries)
                    .containsExactly(
                            "purchase.recorded cs_guest_1 cus_guest_1 event:evt_guest_paid false",
                            "purchase.claimed cs_guest_1 cus_ada request:req_claim true",
                            "refund.created re_1 - admin:req_first false",
                            "refund.created re_2 - admin:req_other false");

            // Applied again (a lost history row): nothing changes.
            Sql.execute(
                    ds,
                    "DELETE FROM billing.billing_schema_history WHERE version = '" + Migrations.LATEST_VERSION + "'");
            assertThat(PostgresBillingStores.migrate(ds)).isEqualTo(1);
            assertThat(Sql.strings(
                            ds,
                            "SELECT id || ' ' || customer_id || ' ' || payment_intent_id "
                                    + "FROM billing.purchases ORDER BY id"))
                    .isEqualTo(purchases);
            assertThat(Sql.strings(ds, trail)).isEqualTo(entries);
        }
    }

    @Test
    void identifiersSortByteWiseWhateverTheDatabaseCollation() {
        try (TestDatabase db = PostgresFixture.shared().newDatabase("migrate_collation")) {
            DataSource ds = db.dataSource();
            PostgresBillingStores.migrate(ds);
            List<String> keyColumns = Sql.strings(ds, """
                    SELECT table_name || '.' || column_name || '=' || coalesce(collation_name, 'default')
                    FROM information_schema.columns
                    WHERE table_schema = 'billing'
                      AND (table_name, column_name) IN (('customers', 'user_id'), ('customers', 'customer_id'),
                          ('subscriptions', 'id'), ('invoices', 'id'), ('purchases', 'id'),
                          ('webhook_inbox', 'event_id'), ('usage_counters', 'user_id'), ('usage_counters', 'meter'),
                          ('usage_keys', 'user_id'), ('usage_keys', 'idempotency_key'),
                          ('meter_reports', 'identifier'), ('org_members', 'org_id'), ('org_members', 'user_id'),
                          ('guest_purchases', 'session_id'), ('guest_purchases', 'email'), ('refunds', 'id'),
                          ('refunds', 'customer_id'), ('invoice_payments', 'invoice_id'),
                          ('invoice_payments', 'payment_intent_id'))""");
            assertThat(keyColumns).hasSize(19).allSatisfy(c -> assertThat(c).endsWith("=C"));
        }
    }

    private static List<String> tables(DataSource ds, String schema) {
        return Sql.strings(
                ds,
                "SELECT table_name FROM information_schema.tables WHERE table_schema = '" + schema
                        + "' ORDER BY table_name");
    }
}
