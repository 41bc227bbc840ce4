package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.core.error.StoreException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.UserId;
import dev.billing.core.model.migration.MigrationRecordType;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.MigrationCheckpoint.Position;
import dev.billing.emulator.StripeEmulator;
import dev.billing.postgres.PostgresBillingStores;
import dev.billing.postgres.PostgresConfig;
import dev.billing.server.SupabaseSeed.Kind;
import dev.billing.server.SupabaseSeed.User;
import dev.billing.supabase.SupabaseSql;
import dev.billing.testkit.Await;
import dev.billing.testkit.auth.TokenMinter;
import dev.billing.testkit.http.Http;
import dev.billing.testkit.postgres.PostgresFixture;
import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.testkit.supabase.SupabaseFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The acceptance of {@code billing-server migrate-supabase}: a Supabase project (real PostgREST over a database
 * prepared like Supabase) with 10,000 customers and their subscriptions, invoices, purchases, inbox events and
 * usage is copied into Postgres by the real jar in its own JVM, which is stopped by SIGTERM and later killed with
 * SIGKILL mid-copy; the same command resumes from the checkpoint and verifies, a re-run writes nothing, a second
 * pass catches up with records changed in Supabase meanwhile, and the HTTP server answers
 * {@code GET /me/entitlements} identically on the migrated Postgres store and on Supabase. A dry run writes
 * nothing; a row changed in the target is a mismatch that names its record type, until the next pass puts the
 * source's back. The audit trail (011's trigger rows
 * and explicit entries) and the notice log arrive with their ids, times and causes, and nothing besides.
 */
class MigrateSupabaseIT {
    static final int CUSTOMERS = 10_000;
    static final long SEED = 6;
    static final Path JAR = Path.of("target", "billing-server.jar");
    /** How long a step may take before the test calls it a hang. */
    static final Duration HANG = Duration.ofMinutes(10);
    /** Map a record type to its Postgres table, to count what the target holds. */
    static final Map<MigrationRecordType, String> TABLES = Map.ofEntries(
            Map.entry(MigrationRecordType.CUSTOMER_LINKS, "customers"),
            Map.entry(MigrationRecordType.SUBSCRIPTIONS, "subscriptions"),
            Map.entry(MigrationRecordType.INVOICES, "invoices"),
            Map.entry(MigrationRecordType.PURCHASES, "purchases"),
            Map.entry(MigrationRecordType.INBOX_ENTRIES, "webhook_inbox"),
            Map.entry(MigrationRecordType.USAGE_COUNTERS, "usage_counters"),
            Map.entry(MigrationRecordType.USAGE_KEYS, "usage_keys"),
            Map.entry(MigrationRecordType.METER_REPORTS, "meter_reports"),
            Map.entry(MigrationRecordType.MEMBERSHIPS, "org_members"),
            Map.entry(MigrationRecordType.GUEST_PURCHASES, "guest_purchases"),
            Map.entry(MigrationRecordType.REFUNDS, "refunds"),
            Map.entry(MigrationRecordType.INVOICE_PAYMENTS, "invoice_payments"),
            Map.entry(MigrationRecordType.AUDIT_ENTRIES, "audit_log"),
            Map.entry(MigrationRecordType.NOTICES, "notice_log"),
            Map.entry(MigrationRecordType.SERVICE_KEYS, "service_keys"));

    static final Pattern REPORT_LINE = Pattern.compile("(?m)^([a-z_]+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+"
            + "(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(ok|MISMATCH)$");

    static TestDatabase sourceDb;
    static SupabaseFixture supabase;
    static SupabaseSeed seed;

    @TempDir
    Path dir;

    @BeforeAll
    static void seedSupabase() {
        sourceDb = PostgresFixture.shared().newDatabase("migrate_src");
        supabase =
                SupabaseFixture.builder(sourceDb).schemaSql(SupabaseSql.all()).start();
        long t0 = System.nanoTime();
        PGSimpleDataSource ds = sourceDb.dataSource();
        ds.setReWriteBatchedInserts(true);
        seed = SupabaseSeed.insert(ds, CUSTOMERS, SEED, Instant.now());
        System.out.printf(
                "Seeded Supabase with SQL: %,d records for %,d customers in %d ms %s%n",
                seed.total(), CUSTOMERS, (System.nanoTime() - t0) / 1_000_000, seed.counts());
    }

    @AfterAll
    static void stop() {
        if (supabase != null) {
            supabase.close();
        }
        if (sourceDb != null) {
            sourceDb.close();
        }
    }

    @Test
    void aDryRunReadsAndComparesEverythingAndWritesNothing() throws Exception {
        try (TestDatabase target = PostgresFixture.shared().newDatabase("migrate_dry")) {
            Path checkpoint = dir.resolve("dry").resolve("migrate.checkpoint");

            CliConfigTest.Run dry = CliConfigTest.run(
                    env(target), "migrate-supabase", "--dry-run", "--checkpoint", checkpoint.toString());

            assertThat(dry.exit()).as(dry.out() + dry.err()).isZero();
            assertThat(dry.out())
                    .contains("does not exist yet: counted as empty")
                    .contains("migrate-supabase: dry run")
                    .contains("Nothing was written. Source and target DIFFER.");
            Map<MigrationRecordType, Row> rows = rows(dry.out());
            for (MigrationRecordType type : MigrationRecordType.values()) {
                assertThat(rows.get(type).source())
                        .as(type.wireName())
                        .isEqualTo(seed.counts().get(type));
                assertThat(rows.get(type).read())
                        .as(type.wireName())
                        .isEqualTo(seed.counts().get(type));
                // what a copy would write: everything
                assertThat(rows.get(type).written())
                        .as(type.wireName())
                        .isEqualTo(seed.counts().get(type));
                assertThat(rows.get(type).removed()).isZero();
                assertThat(rows.get(type).target()).isZero();
            }
            assertThat(checkpoint.getParent()).doesNotExist();
            // not even the billing schema: a dry run does not migrate the target
            assertThat(query(target, "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'billing'"))
                    .isEqualTo(0);
            assertThat(query(
                            target,
                            "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                                    + "ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
                                    + "AND n.nspname NOT LIKE 'pg_toast%'"))
                    .isEqualTo(0);
        }
    }

    /** A source the build's SQL was not applied to would be read through older functions: refused before any copy. */
    @Test
    void aSourceWhoseSqlIsOlderThanTheBuildIsAConfigurationError() throws Exception {
        try (TestDatabase target = PostgresFixture.shared().newDatabase("migrate_older")) {
            supabase.claimSqlVersion(SupabaseSql.VERSION - 1);
            Path checkpoint = dir.resolve("older").resolve("migrate.checkpoint");

            CliConfigTest.Run run =
                    CliConfigTest.run(env(target), "migrate-supabase", "--checkpoint", checkpoint.toString());

            assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(2);
            assertThat(run.err())
                    .contains("older than this build's (" + SupabaseSql.VERSION + ")")
                    .contains("billing-server supabase-sql");
            assertThat(checkpoint).as("nothing copied").doesNotExist();
            assertThat(query(target, "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'billing'"))
                    .as("the target is not migrated for a copy that cannot go ahead")
                    .isEqualTo(0);
        } finally {
            supabase.claimSqlVersion(SupabaseSql.VERSION);
        }
    }

    /** A target whose billing schema another role owns (no grants) is a configuration error, before any copy. */
    @Test
    void aTargetUserWithoutPrivilegesIsAConfigurationError() throws Exception {
        try (TestDatabase target = PostgresFixture.shared().newDatabase("migrate_denied");
                UngrantedRole role = UngrantedRole.on(target)) {
            Map<String, String> env = env(target);
            env.put("DATABASE_URL", role.postgresUrl());

            CliConfigTest.Run run = CliConfigTest.run(
                    env,
                    "migrate-supabase",
                    "--checkpoint",
                    dir.resolve("denied.checkpoint").toString());

            assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(2);
            assertThat(run.err())
                    .contains("the database user lacks a privilege")
                    .doesNotContain(UngrantedRole.PASSWORD);
            assertThat(query(
                            target,
                            "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                                    + "ON n.oid = c.relnamespace WHERE n.nspname = 'billing'"))
                    .isEqualTo(0);
        }
    }

    @Test
    void tenThousandCustomersMigrateThroughAKillAndServeTheSameEntitlementsOnPostgres() throws Exception {
        long started = System.nanoTime();
        try (TestDatabase target = PostgresFixture.shared().newDatabase("migrate_dst");
                StripeEmulator emulator = StripeEmulator.start()) {
            Map<String, String> env = env(target);
            Path checkpoint = dir.resolve("state").resolve("migrate-supabase.checkpoint");
            String[] command = {"migrate-supabase", "--checkpoint", checkpoint.toString()};
            long total = seed.total();

            // 1. SIGTERM about 15% in, in the middle of a batch: the run stops once that batch is written and
            //    checkpointed.
            Path firstLog = dir.resolve("first.log");
            Process first = launch(env, firstLog, command);
            awaitMidBatch(checkpoint, target, total * 15 / 100, first, firstLog);
            first.destroy();
            resume(first); // the SIGTERM is handled once the process runs again
            assertThat(first.waitFor(HANG.toSeconds(), TimeUnit.SECONDS))
                    .as("stopped after SIGTERM")
                    .isTrue();
            assertThat(first.exitValue()).as("the JVM's status for SIGTERM").isEqualTo(143);
            String firstOutput = Files.readString(firstLog, StandardCharsets.UTF_8);
            assertThat(firstOutput)
                    .contains("stopped by a signal")
                    .contains("run the same command again to resume")
                    .doesNotContain(supabase.serviceRoleKey())
                    .doesNotContain(":" + target.password() + "@");
            // no terminal: plain log lines, no carriage returns redrawing a bar
            assertThat(firstOutput).doesNotContain("\r").containsPattern("INFO .*customer_links .*%");
            Map<MigrationRecordType, Position> afterTerm = positions(checkpoint);
            for (MigrationRecordType type : MigrationRecordType.values()) {
                assertThat(count(target, type))
                        .as("what the checkpoint says of " + type.wireName() + " is exactly what the target holds")
                        .isEqualTo(copied(afterTerm, type));
            }

            // 2. SIGKILL in the middle of a batch, from where the type holding the record 55% in ends: most often in
            //    the next type's first page, which has no checkpoint yet.
            Path secondLog = dir.resolve("second.log");
            Process second = launch(env, secondLog, command);
            long nextType = endOfTypeHolding(seed.counts(), total * 55 / 100);
            Map<MigrationRecordType, Position> atKill = awaitMidBatch(checkpoint, target, nextType, second, secondLog);
            second.destroyForcibly();
            assertThat(second.waitFor(HANG.toSeconds(), TimeUnit.SECONDS)).isTrue();
            String secondOutput = Files.readString(secondLog, StandardCharsets.UTF_8);
            assertThat(secondOutput).contains("Resuming from the checkpoint");
            Map<MigrationRecordType, Position> afterKill = positions(checkpoint);
            assertThat(copied(afterKill)).isGreaterThanOrEqualTo(copied(atKill)).isGreaterThan(copied(afterTerm));
            long inFlight = 0;
            MigrationRecordType cut = null;
            for (MigrationRecordType type : MigrationRecordType.values()) {
                long held = count(target, type);
                long copied = copied(afterKill, type);
                assertThat(held).as(type.wireName()).isBetween(copied, copied + 500);
                inFlight += held - copied;
                cut = held > copied ? type : cut;
            }
            assertThat(inFlight)
                    .as("the kill cut a batch: some of its records had reached Postgres")
                    .isPositive();
            System.out.printf(
                    "Killed (SIGKILL) with %,d of %,d records checkpointed; %d more had reached Postgres "
                            + "in the batch of %s being written (%s)%n",
                    copied(afterKill),
                    total,
                    inFlight,
                    cut.wireName(),
                    afterKill.containsKey(cut) ? "a later page" : "its first page, before any checkpoint of it");

            // 3. The same command resumes, copies the rest once, and verifies.
            CliConfigTest.Run resumed = CliConfigTest.run(env, command);
            assertThat(resumed.exit()).as(resumed.out() + resumed.err()).isZero();
            assertThat(resumed.out())
                    .contains("Resuming from the checkpoint")
                    .contains("Source and target hold the same records.")
                    .contains("Verified:");
            Map<MigrationRecordType, Row> rows = rows(resumed.out());
            long read = 0;
            long written = 0;
            long present = 0;
            for (MigrationRecordType type : MigrationRecordType.values()) {
                Row row = rows.get(type);
                assertThat(row.source())
                        .as(type.wireName())
                        .isEqualTo(seed.counts().get(type));
                assertThat(row.target())
                        .as(type.wireName())
                        .isEqualTo(seed.counts().get(type));
                assertThat(row.conflicts()).isZero();
                Position before = afterKill.get(type);
                if (before != null && before.done()) {
                    assertThat(row.read())
                            .as(type.wireName() + " was done before the kill")
                            .isZero();
                }
                read += row.read();
                written += row.written();
                present += row.alreadyPresent();
            }
            assertThat(read).isEqualTo(total - copied(afterKill));
            assertThat(present)
                    .as("the batch cut by the kill is found, not duplicated")
                    .isEqualTo(inFlight);
            assertThat(written + present).isEqualTo(read);
            assertThat(rows)
                    .allSatisfy((type, row) ->
                            assertThat(row.removed()).as(type.wireName()).isZero());
            System.out.print(resumed.out()
                            .lines()
                            .filter(l -> l.startsWith("Copied "))
                            .findFirst()
                            .orElse("") + "\n");

            // The links of customers deleted at Stripe came as they are, under their holder ids.
            assertThat(seed.retiredLinks()).isPositive();
            assertThat(query(target, "SELECT count(*) FROM billing.customers WHERE user_id LIKE '%~deleted\\_1'"))
                    .isEqualTo(seed.retiredLinks());

            // 4. Running it again is a new pass that finds everything present, writes nothing and verifies.
            CliConfigTest.Run again = CliConfigTest.run(env, command);
            assertThat(again.exit()).as(again.out() + again.err()).isZero();
            assertThat(again.out()).contains("The last run finished: copying everything again");
            assertThat(rows(again.out())).allSatisfy((type, row) -> {
                assertThat(row.read())
                        .as(type.wireName())
                        .isEqualTo(seed.counts().get(type));
                assertThat(row.written()).as(type.wireName()).isZero();
                assertThat(row.verified()).isEqualTo("ok");
            });
            // The trail is exactly Supabase's, ids included: the copy's own projection writes recorded nothing, and
            // what Postgres records next comes after it.
            assertThat(query(target, "SELECT count(*) FROM billing.audit_log WHERE cause = 'system:migration'"))
                    .isZero();
            assertThat(text(target, "SELECT max(id) FROM billing.audit_log"))
                    .isEqualTo(text(sourceDb, "SELECT max(id) FROM public.billing_audit_log"));
            assertThat(text(
                            target,
                            "SELECT count(*) FILTER (WHERE explicit) || '/' || count(*) FILTER (WHERE cause "
                                    + "IS NULL) FROM billing.audit_log"))
                    .isEqualTo(
                            text(
                                    sourceDb,
                                    "SELECT count(*) FILTER (WHERE "
                                            + "explicit) || '/' || count(*) FILTER (WHERE cause IS NULL) FROM public.billing_audit_log"));
            assertThat(text(target, "SELECT max(id) FROM billing.notice_log"))
                    .isEqualTo(text(sourceDb, "SELECT max(id) FROM public.billing_notice_log"));

            // 4b. Copy while live: Supabase kept serving (a counter grew, an event was retried), so the target is
            // behind; the next run updates both and verifies clean (values change, counts do not).
            String counter = text(
                    sourceDb,
                    "UPDATE public.billing_usage_counters SET used = used + 7 WHERE "
                            + "(user_id, meter, period_start) = (SELECT user_id, meter, period_start FROM "
                            + "public.billing_usage_counters ORDER BY 1, 2, 3 LIMIT 1) RETURNING user_id || ' / ' || meter");
            String event = text(
                    sourceDb,
                    "UPDATE public.stripe_webhook_events SET attempts = attempts + 1, "
                            + "last_error = 'retried while copying' WHERE stripe_event_id = (SELECT min(stripe_event_id) "
                            + "FROM public.stripe_webhook_events) RETURNING stripe_event_id");
            CliConfigTest.Run behind = CliConfigTest.run(env, "migrate-supabase", "--verify-only");
            assertThat(behind.exit()).as(behind.out() + behind.err()).isEqualTo(MigrateSupabaseCommand.MISMATCH);
            assertThat(behind.out())
                    .contains("MISMATCH in inbox_entries, usage_counters.")
                    .contains("different: " + event)
                    .contains("different: " + counter);
            // The catching-up pass is stopped (SIGTERM) in its first pages: the run that resumes it must resume the
            // type it stopped in and copy every type after it, although the pass before had finished them.
            Path thirdLog = dir.resolve("third.log");
            Process third = launch(env, thirdLog, command);
            awaitNewPassSaved(checkpoint, third, thirdLog);
            third.destroy();
            resume(third);
            assertThat(third.waitFor(HANG.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(third.exitValue())
                    .as(Files.readString(thirdLog, StandardCharsets.UTF_8))
                    .isEqualTo(143);
            MigrationRecordType stopped = Arrays.stream(MigrationRecordType.values())
                    .filter(type -> !positions(checkpoint).get(type).done())
                    .findFirst()
                    .orElseThrow();
            assertThat(stopped).isLessThan(MigrationRecordType.INBOX_ENTRIES);
            System.out.printf("Stopped (SIGTERM) the catching-up pass in %s%n", stopped.wireName());
            CliConfigTest.Run caughtUp = CliConfigTest.run(env, command);
            assertThat(caughtUp.exit()).as(caughtUp.out() + caughtUp.err()).isZero();
            assertThat(caughtUp.out())
                    .contains("Resuming from the checkpoint: customer_links ")
                    .contains(stopped.wireName() + " ")
                    .doesNotContain("usage_counters done")
                    .contains("Verified: Postgres holds exactly what Supabase holds.");
            assertThat(rows(caughtUp.out())).allSatisfy((type, row) -> {
                long expected =
                        type == MigrationRecordType.INBOX_ENTRIES || type == MigrationRecordType.USAGE_COUNTERS ? 1 : 0;
                assertThat(row.written()).as(type.wireName()).isEqualTo(expected);
                assertThat(row.changed()).as(type.wireName()).isEqualTo(expected);
            });

            // 5. The server on the migrated Postgres answers what it answers on Supabase.
            sameEntitlementsOnBothStores(target, emulator);

            // 6. A row changed in the target: the verification names its type and key (exit 3); the next pass puts
            //    Supabase's back (the source is the authority until the switch).
            String changed = text(
                    target,
                    "UPDATE billing.subscriptions SET quantity = quantity + 1 WHERE id = "
                            + "(SELECT min(id) FROM billing.subscriptions) RETURNING id");
            CliConfigTest.Run verify = CliConfigTest.run(env, "migrate-supabase", "--verify-only");
            assertThat(verify.exit()).as(verify.out() + verify.err()).isEqualTo(MigrateSupabaseCommand.MISMATCH);
            assertThat(verify.out())
                    .contains("MISMATCH in subscriptions.")
                    .contains("different: " + changed)
                    .contains("migrate-supabase: verify only")
                    .doesNotContain("Dry run")
                    .doesNotContain("dry run");
            assertThat(rows(verify.out()))
                    .allSatisfy((type, row) -> assertThat(row.verified())
                            .isEqualTo(type == MigrationRecordType.SUBSCRIPTIONS ? "MISMATCH" : "ok"));
            CliConfigTest.Run rerun = CliConfigTest.run(env, command);
            assertThat(rerun.exit()).as(rerun.out() + rerun.err()).isZero();
            assertThat(rows(rerun.out()).get(MigrationRecordType.SUBSCRIPTIONS).changed())
                    .isEqualTo(1);
            assertThat(text(target, "SELECT quantity FROM billing.subscriptions WHERE id = '" + changed + "'"))
                    .isEqualTo(text(
                            sourceDb,
                            "SELECT quantity FROM public.billing_subscriptions WHERE id = '" + changed + "'"));

            // 7. What a dry run and a verification open cannot write, whatever the engine did.
            PostgresConfig readOnly =
                    MigrateSupabaseCommand.Stores.readOnly(PostgresConfig.fromDatabaseUrl(target.postgresUrl()));
            long links = count(target, MigrationRecordType.CUSTOMER_LINKS);
            try (BillingStores stores = PostgresBillingStores.create(readOnly)) {
                assertThat(stores.customers().count()).isEqualTo(links);
                assertThatThrownBy(() -> stores.customers()
                                .link(new CustomerLink(
                                        UserId.of("user_dry"), CustomerId.of("cus_dry"), null, Instant.now())))
                        .isInstanceOf(StoreException.class)
                        .satisfies(e -> assertThat(DatabaseRefusal.sqlState(e)).isEqualTo("25006"));
            }
            assertThat(count(target, MigrationRecordType.CUSTOMER_LINKS)).isEqualTo(links);
        }
        System.out.printf(
                "Migration acceptance (%,d customers): %.1f s%n", CUSTOMERS, (System.nanoTime() - started) / 1e9);
    }

    /** 200 random users and the edge cases: the same JSON from a server on each store. */
    private void sameEntitlementsOnBothStores(TestDatabase target, StripeEmulator emulator) throws Exception {
        Map<String, String> common = new HashMap<>();
        common.put("STRIPE_SECRET_KEY", emulator.apiKey());
        common.put("STRIPE_API_BASE", emulator.baseUrl());
        common.put("STRIPE_WEBHOOK_SECRET", ServeModeIT.SECRET);
        common.put("CLERK_ISSUER", ServeModeIT.ISSUER);
        common.put("CLERK_JWT_KEY", ServeModeIT.KEY.publicKeyPem());
        common.put("BILLING_ALLOWED_ORIGINS", "https://app.example.com");
        common.put("BILLING_HOST", "127.0.0.1");
        common.put("BILLING_RATE_LIMIT_IP_PER_MINUTE", "0");
        Map<String, String> onPostgres = new HashMap<>(common);
        onPostgres.put("BILLING_STORE", "postgres");
        onPostgres.put("DATABASE_URL", target.postgresUrl());
        onPostgres.put("PORT", Integer.toString(ServeModeIT.freePort()));
        Map<String, String> onSupabase = new HashMap<>(common);
        onSupabase.put("BILLING_STORE", "supabase");
        onSupabase.put("SUPABASE_URL", supabase.url());
        onSupabase.put("SUPABASE_SERVICE_ROLE_KEY", supabase.serviceRoleKey());
        onSupabase.put("PORT", Integer.toString(ServeModeIT.freePort()));
        TokenMinter minter = new TokenMinter(ServeModeIT.KEY, ServeModeIT.ISSUER, Clock.systemUTC());
        try (BillingServer postgres = ServeMode.start(ServerConfig.fromEnv(onPostgres), "test");
                BillingServer supabaseServer = ServeMode.start(ServerConfig.fromEnv(onSupabase), "test")) {
            Http a = Http.local(supabaseServer.port());
            Http b = Http.local(postgres.port());
            List<User> sample = sample();
            Set<String> tiers = new LinkedHashSet<>();
            List<Future<Http.Response[]>> answers = new ArrayList<>();
            ExecutorService clients = Executors.newFixedThreadPool(4);
            try {
                for (User user : sample) {
                    String token = minter.token().subject(user.userId()).sign();
                    answers.add(clients.submit(() ->
                            new Http.Response[] {a.get("/me/entitlements", token), b.get("/me/entitlements", token)}));
                }
            } finally {
                clients.shutdown();
            }
            for (int i = 0; i < sample.size(); i++) {
                User user = sample.get(i);
                Http.Response fromSupabase = answers.get(i).get(60, TimeUnit.SECONDS)[0];
                Http.Response fromPostgres = answers.get(i).get()[1];
                assertThat(fromSupabase.status()).as(fromSupabase.body()).isEqualTo(200);
                assertThat(fromPostgres.status()).as(fromPostgres.body()).isEqualTo(200);
                assertThat(fromPostgres.json()).as(user.toString()).isEqualTo(fromSupabase.json());
                expectations(user, fromPostgres.json());
                tiers.add(fromPostgres.json().path("tier").asText());
            }
            assertThat(tiers).containsExactlyInAnyOrder("free", "basic", "pro", "enterprise");
            String nobody =
                    minter.token().subject("user_never_migrated_anywhere").sign();
            assertThat(b.get("/me/entitlements", nobody).json())
                    .isEqualTo(a.get("/me/entitlements", nobody).json());
            System.out.printf(
                    "GET /me/entitlements: %d users, the same JSON from Postgres and Supabase%n", sample.size() + 1);
        }
    }

    /** What the seed says each kind of user must see, so that "the same on both" cannot pass by being empty. */
    private static void expectations(User user, JsonNode me) {
        assertThat(me.path("tier").asText()).as(user.toString()).isEqualTo(user.tier());
        switch (user.kind()) {
            case PAST_DUE_IN_GRACE -> {
                assertThat(me.path("status").asText()).isEqualTo("past_due");
                assertThat(me.hasNonNull("graceEndsAt")).as(me.toString()).isTrue();
            }
            case PAST_DUE_AFTER_GRACE -> assertThat(me.path("status").asText()).isEqualTo("past_due");
            case FREE_AFTER_CANCEL -> assertThat(me.path("status").asText()).isEqualTo("canceled");
            case TRIALING -> {
                assertThat(me.path("status").asText()).isEqualTo("trialing");
                assertThat(me.hasNonNull("trialEnd")).as(me.toString()).isTrue();
            }
            case ACTIVE_CANCELING ->
                assertThat(me.path("cancelAtPeriodEnd").asBoolean()).isTrue();
            case FREE -> assertThat(me.has("status")).as(me.toString()).isFalse(); // absent: no subscription
            default -> {}
        }
        if (user.purchases()) {
            assertThat(me.path("ownedItems")).as(me.toString()).isNotEmpty();
        }
        if (user.usage()) {
            long used = 0;
            for (JsonNode quota : me.path("quotas")) {
                used += quota.path("used").asLong();
            }
            assertThat(used).as("usage in the period in force: " + me).isPositive();
        }
    }

    /** 200 random users plus up to three of every kind, three buyers and three enterprise customers. */
    private static List<User> sample() {
        List<User> all = new ArrayList<>(seed.users());
        Collections.shuffle(all, new Random(SEED));
        Set<User> sample = new LinkedHashSet<>(all.subList(0, 200));
        for (Kind kind : Kind.values()) {
            all.stream().filter(u -> u.kind() == kind).limit(3).forEach(sample::add);
        }
        all.stream().filter(User::purchases).limit(3).forEach(sample::add);
        all.stream().filter(u -> u.tier().equals("enterprise")).limit(3).forEach(sample::add);
        return List.copyOf(sample);
    }

    // --- helpers --------------------------------------------------------------------------------------------------

    static Map<String, String> env(TestDatabase target) {
        Map<String, String> env = new HashMap<>();
        env.put("SUPABASE_URL", supabase.url());
        env.put("SUPABASE_SERVICE_ROLE_KEY", supabase.serviceRoleKey());
        env.put("DATABASE_URL", target.postgresUrl());
        env.put("BILLING_LOG_FORMAT", "text");
        return env;
    }

    /** The jar in its own JVM, as an operator runs it: no terminal, no stdin, output into a file. */
    static Process launch(Map<String, String> env, Path log, String... args) throws IOException {
        assertThat(JAR).exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().put("HOME", System.getProperty("user.home"));
        builder.environment().putAll(env);
        return builder.start();
    }

    /**
     * Waits until the checkpoint says at least {@code records} were copied; returns what it said then. The bound only
     * stops a hang (the process is watched too): a loaded machine copies slowly, never wrongly.
     */
    static Map<MigrationRecordType, Position> awaitCopied(Path checkpoint, long records, Process process, Path log)
            throws Exception {
        long deadline = System.nanoTime() + HANG.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the migration ended (exit " + process.exitValue() + ") before " + records
                        + " records were copied:\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            if (Files.exists(checkpoint)) {
                Map<MigrationRecordType, Position> positions = positions(checkpoint);
                if (copied(positions) >= records) {
                    return positions;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no progress to " + records + " records within " + HANG.toSeconds() + " s");
    }

    /**
     * Waits until the copy has passed {@code records} and a batch is being written (the target holds records the
     * checkpoint does not count yet), and freezes the process there (SIGSTOP) so that whatever signal comes next
     * meets it in the middle of that batch however busy the machine is. The caller sends its signal, then
     * {@link #resume}s a process it wants to handle it.
     */
    static Map<MigrationRecordType, Position> awaitMidBatch(
            Path checkpoint, TestDatabase target, long records, Process process, Path log) throws Exception {
        awaitCopied(checkpoint, records, process, log);
        long deadline = System.nanoTime() + HANG.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            if (midBatch(checkpoint, target)) {
                signal(process, "STOP");
                Map<MigrationRecordType, Position> frozen = positions(checkpoint);
                if (midBatch(checkpoint, target)) {
                    return frozen;
                }
                signal(process, "CONT"); // the batch finished before the stop: catch the next one
            }
            Thread.onSpinWait();
        }
        throw new AssertionError(
                "never caught a batch being written:\n" + Files.readString(log, StandardCharsets.UTF_8));
    }

    private static boolean midBatch(Path checkpoint, TestDatabase target) throws Exception {
        Map<MigrationRecordType, Position> positions = positions(checkpoint);
        MigrationRecordType current = null;
        for (MigrationRecordType type : MigrationRecordType.values()) {
            if (!positions.containsKey(type) || !positions.get(type).done()) {
                current = type;
                break;
            }
        }
        assertThat(current).as("the copy is still running").isNotNull();
        long copied = positions.containsKey(current) ? positions.get(current).copied() : 0;
        long ahead = count(target, current) - copied;
        return ahead >= 1 && ahead <= 250;
    }

    /**
     * Waits until a pass after a finished one has saved its first page of links (set back to their start when the
     * pass began, then part-copied), and freezes the process there (SIGSTOP), as {@link #awaitMidBatch} does.
     */
    static void awaitNewPassSaved(Path checkpoint, Process process, Path log) throws Exception {
        Await.until("the new pass saved a position, or ended", HANG, () -> {
            if (!process.isAlive()) {
                return true;
            }
            Position links = positions(checkpoint).get(MigrationRecordType.CUSTOMER_LINKS);
            return !links.done() && links.copied() > 0;
        });
        if (!process.isAlive()) {
            throw new AssertionError(
                    "the new pass ended before it saved a position:\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        signal(process, "STOP");
    }

    static void resume(Process process) throws Exception {
        signal(process, "CONT");
    }

    private static void signal(Process process, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                .inheritIO()
                .start();
        assertThat(kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0)
                .as("kill -" + signal)
                .isTrue();
    }

    static Map<MigrationRecordType, Position> positions(Path checkpoint) {
        FileMigrationCheckpoint file = new FileMigrationCheckpoint(checkpoint);
        Map<MigrationRecordType, Position> positions = new EnumMap<>(MigrationRecordType.class);
        for (MigrationRecordType type : MigrationRecordType.values()) {
            Optional<Position> position = file.load(type);
            position.ifPresent(p -> positions.put(type, p));
        }
        return positions;
    }

    static long copied(Map<MigrationRecordType, Position> positions) {
        return positions.values().stream().mapToLong(Position::copied).sum();
    }

    /** A type the checkpoint does not name yet has copied nothing, though its first page may be in the target. */
    static long copied(Map<MigrationRecordType, Position> positions, MigrationRecordType type) {
        Position position = positions.get(type);
        return position == null ? 0 : position.copied();
    }

    /** How many records the copy has read once the type holding the given record (copied in type order) is done. */
    static long endOfTypeHolding(Map<MigrationRecordType, Long> counts, long record) {
        long end = 0;
        for (MigrationRecordType type : MigrationRecordType.values()) {
            end += counts.get(type);
            if (end > record) {
                return end;
            }
        }
        throw new IllegalArgumentException("record " + record + " is past the last of " + end);
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
            String verified) {}

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

    static long count(TestDatabase db, MigrationRecordType type) throws SQLException {
        return query(db, "SELECT count(*) FROM billing." + TABLES.get(type));
    }

    static long query(TestDatabase db, String sql) throws SQLException {
        return Long.parseLong(text(db, sql));
    }

    static String text(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            assertThat(r.next()).isTrue();
            return r.getString(1);
        }
    }
}
