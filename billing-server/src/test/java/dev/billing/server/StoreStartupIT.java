package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.StripeEmulator;
import dev.billing.supabase.SupabaseSql;
import dev.billing.testkit.Await;
import dev.billing.testkit.auth.TestKeys;
import dev.billing.testkit.http.Http;
import dev.billing.testkit.postgres.DedicatedPostgres;
import dev.billing.testkit.postgres.PostgresFixture;
import dev.billing.testkit.postgres.TestDatabase;
import dev.billing.testkit.supabase.SupabaseFixture;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@code serve} started while its database (or Supabase project) is down waits for it (logging each attempt, not
 * listening meanwhile) and comes up with it; it gives up only after the start timeout, and a missing database or privilege is a
 * configuration error at once.
 */
class StoreStartupIT {
    StripeEmulator emulator;
    ListAppender<ILoggingEvent> logs;
    Logger logger;

    @BeforeEach
    void start() {
        emulator = StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed());
        logger = (Logger) LoggerFactory.getLogger(StoreStartup.class);
        logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void stop() {
        logger.detachAppender(logs);
        emulator.close();
    }

    Map<String, String> env(String databaseUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("STRIPE_SECRET_KEY", emulator.apiKey());
        env.put("STRIPE_API_BASE", emulator.baseUrl());
        env.put("STRIPE_WEBHOOK_SECRET", "whsec_storestartupsecret");
        env.put("CLERK_ISSUER", "https://clerk.startup.test");
        env.put("CLERK_JWT_KEY", TestKeys.rsa2048("ins_startup").publicKeyPem());
        env.put("DATABASE_URL", databaseUrl);
        env.put("BILLING_ALLOWED_ORIGINS", "https://app.example.com");
        env.put("BILLING_HOST", "127.0.0.1");
        env.put("PORT", Integer.toString(ServeModeIT.freePort()));
        return env;
    }

    long waits() {
        return logs.list.stream()
                .filter(e -> e.getFormattedMessage().startsWith("The store is not reachable yet"))
                .count();
    }

    @Test
    void serveWaitsForADatabaseThatIsDownAtStartAndComesUpWithIt() throws Exception {
        try (DedicatedPostgres pg = PostgresFixture.startDedicated()) {
            TestDatabase db = pg.newDatabase("startup");
            Map<String, String> env = env(db.postgresUrl());
            pg.stop();

            CompletableFuture<BillingServer> starting =
                    CompletableFuture.supplyAsync(() -> ServeMode.start(ServerConfig.fromEnv(env), "test"));
            Await.until("two attempts failed and were logged", () -> waits() >= 2);
            assertThat(starting).as("still waiting, not listening").isNotDone();

            pg.start();

            try (BillingServer server = starting.get(Await.DEFAULT.toSeconds(), TimeUnit.SECONDS)) {
                assertThat(Http.local(server.port()).get("/health/ready", null).status())
                        .isEqualTo(200);
                assertThat(logs.list)
                        .anySatisfy(
                                e -> assertThat(e.getFormattedMessage()).startsWith("The store is reachable (attempt"));
            }
        }
    }

    /** Supabase's stores connect lazily; serve's start pings the project, so it waits for it the same way. */
    @Test
    void serveWaitsForASupabaseProjectThatIsDownAtStartAndComesUpWithIt() throws Exception {
        try (TestDatabase db = PostgresFixture.shared().newDatabase("startup_supabase");
                SupabaseFixture supabase =
                        SupabaseFixture.builder(db).schemaSql(SupabaseSql.all()).start()) {
            Map<String, String> env = env("unused");
            env.remove("DATABASE_URL");
            env.put("BILLING_STORE", "supabase");
            env.put("SUPABASE_URL", supabase.url());
            env.put("SUPABASE_SERVICE_ROLE_KEY", supabase.serviceRoleKey());
            supabase.stopPostgrest();
            try {
                CompletableFuture<BillingServer> starting =
                        CompletableFuture.supplyAsync(() -> ServeMode.start(ServerConfig.fromEnv(env), "test"));
                Await.until("two attempts failed and were logged", () -> waits() >= 2);
                assertThat(starting).as("still waiting, not listening").isNotDone();

                supabase.startPostgrest();

                try (BillingServer server = starting.get(Await.DEFAULT.toSeconds(), TimeUnit.SECONDS)) {
                    assertThat(Http.local(server.port())
                                    .get("/health/ready", null)
                                    .status())
                            .isEqualTo(200);
                }
            } finally {
                if (!supabase.isPostgrestRunning()) {
                    supabase.startPostgrest();
                }
            }
        }
    }

    @Test
    void serveGivesUpAfterTheStartTimeoutWithExitOne() throws Exception {
        int closed = ServeModeIT.freePort();
        Map<String, String> env = env("postgres://billing:secret@127.0.0.1:" + closed + "/billing");
        env.put("BILLING_STORE_START_TIMEOUT_SECONDS", "2");

        CliConfigTest.Run run = CliConfigTest.run(env, "serve");

        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(waits()).isPositive();
        assertThat(logs.list)
                .anySatisfy(e -> assertThat(e.getFormattedMessage())
                        .contains("still not reachable after 2 s")
                        .doesNotContain("secret"));
    }

    @Test
    void aMissingDatabaseIsAConfigurationErrorAtOnce() {
        try (TestDatabase db = PostgresFixture.shared().newDatabase("exists")) {
            String missing = db.postgresUrl().replace(db.name(), "no_such_database");

            CliConfigTest.Run run = CliConfigTest.run(env(missing), "serve");

            assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(2);
            assertThat(run.err()).contains("DATABASE_URL: the database does not exist");
            assertThat(waits()).isZero();
        }
    }

    /** A schema migrated by one role and served by another that may not use it: waiting would not fix it. */
    @Test
    void aMissingPrivilegeIsAConfigurationErrorAtOnce() throws Exception {
        try (TestDatabase db = PostgresFixture.shared().newDatabase("privilege");
                UngrantedRole role = UngrantedRole.on(db)) {
            CliConfigTest.Run run = CliConfigTest.run(env(role.postgresUrl()), "serve");

            assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(2);
            assertThat(run.err())
                    .contains("DATABASE_URL: the database user lacks a privilege")
                    .doesNotContain(UngrantedRole.PASSWORD);
            assertThat(waits()).isZero();
        }
    }
}
