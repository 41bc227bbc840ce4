package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.config.DuplicateSubscriptions;
import dev.billing.core.config.RetentionOptions;
import dev.billing.testkit.auth.TestKey;
import dev.billing.testkit.auth.TestKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CLI's configuration checks, run in-process with a fake environment. */
public class CliConfigTest {
    static final TestKey KEY = TestKeys.rsa2048("ins_cli");
    static final String STRIPE_KEY = "sk_test_51abcdefSECRETSECRET";
    static final String WEBHOOK_SECRET = "whsec_topsecretvalue";
    static final String ADMIN = "admin-token-0123456789abcdef0123456789";

    /** One command's exit code and what it printed. */
    public record Run(int exit, String out, String err) {}

    /** Runs one command in-process, as the jar would, and keeps what it printed. */
    public static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(
                args,
                env,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Map<String, String> validEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("STRIPE_SECRET_KEY", STRIPE_KEY);
        env.put("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET + ",whsec_previousvalue");
        env.put("CLERK_ISSUER", "https://clerk.example.com");
        env.put("CLERK_JWT_KEY", KEY.publicKeyPem());
        env.put("DATABASE_URL", "postgres://billing:dbpassword@db.internal:5432/billing");
        env.put("BILLING_ALLOWED_ORIGINS", "https://app.example.com, https://admin.example.com");
        env.put("BILLING_ADMIN_TOKEN", ADMIN);
        return env;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "serve",
                "local",
                "check-config",
                "reconcile",
                "schema",
                "schema migrate",
                "supabase-sql",
                "migrate-supabase",
                "stripe",
                "stripe plan",
                "stripe apply"
            })
    void everySubcommandAnswersHelp(String command) {
        String[] args = (command + " --help").split(" ");

        Run run = run(Map.of(), args);

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Usage: billing-server " + command).contains("--help");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void aPortOutOfRangeIsAUsageErrorBeforeAnythingStarts(@TempDir Path dir) {
        Path data = dir.resolve("data");

        Run run = run(Map.of(), "local", "--data-dir", data.toString(), "--port", "70000", "--stripe-port", "0");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err())
                .contains("--port: a port between 1 and 65535, not 70000")
                .contains("--stripe-port: a port between 1 and 65535, not 0");
        assertThat(data).doesNotExist();
    }

    @Test
    void emptyEnvironmentListsEveryMissingSettingAtOnce() {
        Run r = run(Map.of(), "check-config");
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err())
                .contains("Invalid configuration (6 problems)")
                .contains("STRIPE_SECRET_KEY is required")
                .contains("STRIPE_WEBHOOK_SECRET is required")
                .contains("CLERK_ISSUER or CLERK_PUBLISHABLE_KEY is required")
                .contains("CLERK_JWT_KEY, CLERK_JWKS_URL or CLERK_PUBLISHABLE_KEY is required")
                .contains("DATABASE_URL is required")
                .contains("BILLING_ALLOWED_ORIGINS is required");
        assertThat(r.out()).doesNotContain("OK");
    }

    @Test
    void serveFailsTheSameWayBeforeStartingAnything() {
        Run r = run(Map.of("PORT", "99999"), "serve");
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("STRIPE_SECRET_KEY is required").contains("PORT: must be a whole number");
    }

    @Test
    void invalidValuesAreAllReportedAndSecretsNeverEchoed() {
        Map<String, String> env = validEnv();
        env.put("STRIPE_SECRET_KEY", "pk_live_notasecretkey_butsecretish");
        env.put("STRIPE_WEBHOOK_SECRET", "nope-secret-value");
        env.put("BILLING_STORE", "mysql");
        env.put("BILLING_ALLOWED_ORIGINS", "https://app.example.com/path,http://insecure.example.com");
        env.put("BILLING_ADMIN_TOKEN", "short-admin");
        env.put("PORT", "http");
        env.put("BILLING_PUBLIC_CATALOG", "maybe");
        env.put("BILLING_PLANS_FILE", "/does/not/exist.yaml");
        env.put("BILLING_LOG_FORMAT", "xml");
        env.put("BILLING_SMTP_PORT", "25x");
        Run r = run(env, "check-config");
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err())
                .contains("STRIPE_SECRET_KEY: not a Stripe secret key")
                .contains("STRIPE_WEBHOOK_SECRET: every comma-separated entry must be a whsec_")
                .contains("BILLING_STORE: must be one of postgres, supabase")
                .contains("'https://app.example.com/path' is not an origin")
                .contains("origin must use https: http://insecure.example.com")
                .contains("BILLING_ADMIN_TOKEN: must be at least 32")
                .contains("PORT: must be a whole number")
                .contains("BILLING_PUBLIC_CATALOG: must be true or false")
                .contains("BILLING_PLANS_FILE: /does/not/exist.yaml does not exist")
                .contains("BILLING_LOG_FORMAT: must be one of json, text")
                .contains("BILLING_SMTP_PORT: set, but BILLING_SMTP_HOST is not");
        assertThat(r.err())
                .doesNotContain("notasecretkey")
                .doesNotContain("nope-secret-value")
                .doesNotContain("short-admin");
    }

    /** Before Java 21 the setting is refused with the rest of the configuration; from 21 it reaches the API. */
    @Test
    void virtualThreadsNeedJava21() {
        Map<String, String> env = validEnv();
        env.put("BILLING_VIRTUAL_THREADS", "true");
        Run r = run(env, "check-config");
        int java = Runtime.version().feature();
        if (java < 21) {
            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.err())
                    .contains("BILLING_VIRTUAL_THREADS: needs Java 21 or later; this JVM is Java " + java
                            + " (run the server on a newer JDK, or unset it)");
        } else {
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("(requests on virtual threads)");
            assertThat(ServerConfig.fromEnv(env).apiSettings("test").virtualThreads())
                    .isTrue();
        }
        env.put("BILLING_VIRTUAL_THREADS", "false");
        assertThat(ServerConfig.fromEnv(env).apiSettings("test").virtualThreads())
                .isFalse();
    }

    /** What bounds the rate limiters' heap (docs/OPERATIONS.md, "Memory"): 100 000 keys unless set, 1 000 at least. */
    @Test
    void theRateLimitersRememberTheKeysTheSettingAllows() {
        Map<String, String> env = validEnv();
        assertThat(ServerConfig.fromEnv(env).apiSettings("test").rateLimitKeys())
                .isEqualTo(100_000);
        env.put("BILLING_RATE_LIMIT_KEYS", "10000");
        assertThat(ServerConfig.fromEnv(env).apiSettings("test").rateLimitKeys())
                .isEqualTo(10_000);
        assertThat(run(env, "check-config").out()).contains("10000 keys remembered each");
        env.put("BILLING_RATE_LIMIT_KEYS", "999");
        Run r = run(env, "check-config");
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("BILLING_RATE_LIMIT_KEYS: must be a whole number from 1000 to 10000000");
    }

    @Test
    void duplicateSubscriptionsCancelByDefaultOrFlagAndRefuseAnythingElse() {
        Map<String, String> env = validEnv();
        assertThat(ServerConfig.fromEnv(env).billingOptions().duplicateSubscriptions())
                .isEqualTo(DuplicateSubscriptions.CANCEL);
        assertThat(run(env, "check-config").out()).contains("cancel the newer and refund it");
        env.put("BILLING_DUPLICATE_SUBSCRIPTIONS", "flag");
        assertThat(ServerConfig.fromEnv(env).billingOptions().duplicateSubscriptions())
                .isEqualTo(DuplicateSubscriptions.FLAG);
        env.put("BILLING_DUPLICATE_SUBSCRIPTIONS", "refund");
        Run r = run(env, "check-config");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("BILLING_DUPLICATE_SUBSCRIPTIONS: must be one of cancel, flag");
    }

    @Test
    void analyticsAreKeptAMinuteByDefaultZeroComputesEveryRequestAndANegativeAgeIsRefused() {
        Map<String, String> env = validEnv();
        assertThat(ServerConfig.fromEnv(env).billingOptions().analyticsMaxAge()).isEqualTo(Duration.ofSeconds(60));
        env.put("BILLING_ANALYTICS_MAX_AGE_SECONDS", "0");
        assertThat(ServerConfig.fromEnv(env).billingOptions().analyticsMaxAge()).isZero();
        env.put("BILLING_ANALYTICS_MAX_AGE_SECONDS", "-5");
        Run r = run(env, "check-config");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("BILLING_ANALYTICS_MAX_AGE_SECONDS: must be a whole number from 0 to 86400");
    }

    @Test
    void theShutdownDelayIsNoneByDefaultSaysWhatItDoesAndRefusesMoreThanFiveMinutes() {
        Map<String, String> env = validEnv();
        assertThat(ServerConfig.fromEnv(env).shutdownDelay()).isZero();
        assertThat(run(env, "check-config").out()).contains("stops at once on SIGTERM");
        env.put("BILLING_SHUTDOWN_DELAY_SECONDS", "15");
        assertThat(ServerConfig.fromEnv(env).shutdownDelay()).isEqualTo(Duration.ofSeconds(15));
        assertThat(run(env, "check-config").out()).contains("not ready for 15 s on SIGTERM, still serving, then stops");
        env.put("BILLING_SHUTDOWN_DELAY_SECONDS", "301");
        Run r = run(env, "check-config");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("BILLING_SHUTDOWN_DELAY_SECONDS: must be a whole number from 0 to 300");
    }

    @Test
    void theInboxLeaseIsAMinuteByDefaultAndRefusesLessThanTenSeconds() {
        Map<String, String> env = validEnv();
        assertThat(ServerConfig.fromEnv(env).billingOptions().inboxLease()).isEqualTo(Duration.ofSeconds(60));
        assertThat(run(env, "check-config").out())
                .contains("BILLING_INBOX_LEASE_SECONDS")
                .contains("60 s");
        env.put("BILLING_INBOX_LEASE_SECONDS", "15");
        assertThat(ServerConfig.fromEnv(env).billingOptions().inboxLease()).isEqualTo(Duration.ofSeconds(15));
        env.put("BILLING_INBOX_LEASE_SECONDS", "5");
        Run r = run(env, "check-config");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("BILLING_INBOX_LEASE_SECONDS: must be a whole number from 10 to 3600");
    }

    @Test
    void retentionDefaultsToSafeDaysTakesZeroAsForeverAndRefusesTooShort() {
        Map<String, String> env = validEnv();
        RetentionOptions defaults = ServerConfig.fromEnv(env).billingOptions().retention();
        assertThat(defaults.inboxEvents()).contains(Duration.ofDays(30));
        assertThat(defaults.usageKeys()).contains(Duration.ofDays(7));
        assertThat(defaults.notices()).contains(Duration.ofDays(365));
        assertThat(defaults.meterReports()).contains(Duration.ofDays(90));
        assertThat(defaults.usageCounters()).contains(Duration.ofDays(400));
        assertThat(run(env, "check-config").out())
                .contains("handled events 30 days, usage keys 7 days, notices 365 days, sent meter reports 90 days,"
                        + " usage counters 400 days after their period");

        env.put("BILLING_RETENTION_INBOX_DAYS", "90");
        env.put("BILLING_RETENTION_NOTICES_DAYS", "0");
        env.put("BILLING_RETENTION_METER_REPORTS_DAYS", "400");
        env.put("BILLING_RETENTION_USAGE_COUNTERS_DAYS", "800");
        RetentionOptions set = ServerConfig.fromEnv(env).billingOptions().retention();
        assertThat(set.inboxEvents()).contains(Duration.ofDays(90));
        assertThat(set.notices()).isEmpty();
        assertThat(set.meterReports()).contains(Duration.ofDays(400));
        assertThat(set.usageCounters()).contains(Duration.ofDays(800));
        assertThat(run(env, "check-config").out()).contains("notices kept forever");

        env.put("BILLING_RETENTION_INBOX_DAYS", "3");
        env.put("BILLING_RETENTION_USAGE_KEYS_DAYS", "-1");
        env.put("BILLING_RETENTION_USAGE_COUNTERS_DAYS", "30");
        env.put("BILLING_RETENTION_NOTICES_DAYS", "7");
        Run r = run(env, "check-config");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err())
                .contains("BILLING_RETENTION_INBOX_DAYS: must be 0 (keep forever) or at least 7 (a handled event's "
                        + "row is what makes Stripe's redelivery of it, retried for up to 3 days, a duplicate); got 3")
                .contains("BILLING_RETENTION_USAGE_KEYS_DAYS: must be a whole number from 0 to 36500")
                .contains("BILLING_RETENTION_USAGE_COUNTERS_DAYS: must be 0 (keep forever) or at least 31")
                .contains("BILLING_RETENTION_NOTICES_DAYS: must be 0 (keep forever) or at least 30 (an event Stripe "
                        + "sends again");
    }

    @Test
    void poolsDefaultToTheAdaptersOwnAreSetAndRefuseWhatCannotWork() {
        Map<String, String> env = validEnv();
        ServerConfig defaults = ServerConfig.fromEnv(env);
        assertThat(defaults.pools()).isEqualTo(new PoolSettings(10, 250, 16));
        assertThat(defaults.apiSettings("test").requestThreads()).isEqualTo(250);
        assertThat(run(env, "check-config").out())
                .contains("10 database connections, 250 request threads, 16 webhook threads");

        env.put("BILLING_DB_POOL_SIZE", "3");
        env.put("BILLING_HTTP_THREADS", "40");
        env.put("BILLING_WEBHOOK_THREADS", "2");
        ServerConfig set = ServerConfig.fromEnv(env);
        assertThat(set.pools()).isEqualTo(new PoolSettings(3, 40, 2));
        assertThat(set.apiSettings("test").requestThreads()).isEqualTo(40);

        env.put("BILLING_DB_POOL_SIZE", "0");
        env.put("BILLING_HTTP_THREADS", "8");
        env.put("BILLING_WEBHOOK_THREADS", "many");
        Run r = run(env, "check-config");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err())
                .contains("BILLING_DB_POOL_SIZE: must be a whole number from 1 to 1000")
                .contains("BILLING_HTTP_THREADS: must be a whole number from 16 to 10000")
                .contains("BILLING_WEBHOOK_THREADS: must be a whole number from 1 to 256");

        env.remove("BILLING_HTTP_THREADS");
        env.remove("BILLING_WEBHOOK_THREADS");
        env.put("BILLING_DB_POOL_SIZE", "5");
        env.put("BILLING_STORE", "supabase");
        env.remove("DATABASE_URL");
        env.put("SUPABASE_URL", "https://abcdefghijklmnop.supabase.co");
        env.put("SUPABASE_SERVICE_ROLE_KEY", "sb_secret_abcdefghijklmnopqrstuvwxyz");
        Run supabase = run(env, "check-config");
        assertThat(supabase.exit()).as(supabase.err()).isEqualTo(2);
        assertThat(supabase.err()).contains("BILLING_DB_POOL_SIZE: only for BILLING_STORE=postgres");
        env.remove("BILLING_DB_POOL_SIZE");
        Run supabaseDefaults = run(env, "check-config");
        assertThat(supabaseDefaults.exit()).as(supabaseDefaults.err()).isZero();
        assertThat(supabaseDefaults.out())
                .contains("250 request threads, 16 webhook threads")
                .doesNotContain("database connections");
    }

    @Test
    void thePublishableKeyGoesToThePaymentSheetAndASecretKeyThereIsRefusedUnechoed() {
        Map<String, String> env = validEnv();
        assertThat(ServerConfig.fromEnv(env).billingOptions().stripePublishableKey())
                .isNull();
        env.put("STRIPE_PUBLISHABLE_KEY", "pk_test_abc");
        assertThat(ServerConfig.fromEnv(env).billingOptions().stripePublishableKey())
                .isEqualTo("pk_test_abc");
        env.put("STRIPE_PUBLISHABLE_KEY", "sk_test_secret123");
        Run r = run(env, "check-config");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err())
                .contains("STRIPE_PUBLISHABLE_KEY: a publishable key")
                .doesNotContain("secret123");
    }

    @Test
    void supabaseStoreNeedsItsOwnSettings() {
        Map<String, String> env = validEnv();
        env.put("BILLING_STORE", "supabase");
        env.remove("DATABASE_URL");
        Run r = run(env, "check-config");
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err())
                .contains("SUPABASE_URL is required")
                .contains("SUPABASE_SERVICE_ROLE_KEY is required")
                .doesNotContain("DATABASE_URL");
    }

    @Test
    void membershipSyncNeedsClerksWebhookSecretAndAutoSeatsNeedsSync() {
        Map<String, String> env = validEnv();
        env.put("BILLING_MEMBERSHIP_SYNC", "true");
        Run noSecret = run(env, "check-config");
        assertThat(noSecret.exit()).as(noSecret.err()).isEqualTo(2);
        assertThat(noSecret.err()).contains("CLERK_WEBHOOK_SECRET: required with BILLING_MEMBERSHIP_SYNC=true");

        env.put("CLERK_WEBHOOK_SECRET", "whsec_dGhpcy1pcy1hLXRlc3Qtc2VjcmV0,not-a-secret-value");
        Run badSecret = run(env, "check-config");
        assertThat(badSecret.err())
                .contains("CLERK_WEBHOOK_SECRET: entry #2 is not a whsec_")
                .doesNotContain("not-a-secret-value");

        env.put("CLERK_WEBHOOK_SECRET", "whsec_dGhpcy1pcy1hLXRlc3Qtc2VjcmV0");
        env.put("BILLING_AUTO_SEATS", "true");
        Run on = run(env, "check-config");
        assertThat(on.exit()).as(on.err()).isZero();
        assertThat(on.out())
                .contains("BILLING_MEMBERSHIP_SYNC")
                .contains("true (auto-seats)")
                .doesNotContain("dGhpcy1pcy1hLXRlc3Qtc2VjcmV0");

        env.remove("BILLING_MEMBERSHIP_SYNC");
        Run autoWithoutSync = run(env, "check-config");
        assertThat(autoWithoutSync.exit()).isEqualTo(2);
        assertThat(autoWithoutSync.err()).contains("BILLING_AUTO_SEATS: needs BILLING_MEMBERSHIP_SYNC=true");
    }

    @Test
    void badClerkKeyIsNamedWithoutRepeatingIt() {
        Map<String, String> env = validEnv();
        env.put("CLERK_JWT_KEY", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----");
        Run r = run(env, "check-config");
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("CLERK_JWT_KEY");
    }

    @Test
    void validEnvironmentPrintsOkAndMasksSecrets() {
        Run r = run(validEnv(), "check-config");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out())
                .startsWith("OK")
                .contains("sk_test_****")
                .contains("(test mode)")
                .contains("2 secret(s)")
                .contains("postgres://****@db.internal:5432/billing")
                .contains("sample catalog: 4 tiers")
                .contains("logged only (BILLING_SMTP_HOST unset)");
        assertThat(r.out())
                .doesNotContain(STRIPE_KEY)
                .doesNotContain(WEBHOOK_SECRET)
                .doesNotContain(ADMIN)
                .doesNotContain("dbpassword");
    }

    @Test
    void unknownCommandAndMissingReconcileTargetAreUsageErrors() {
        assertThat(run(validEnv(), "frobnicate").exit()).isEqualTo(2);
        assertThat(run(validEnv(), "reconcile").exit()).isEqualTo(2);
        assertThat(run(validEnv(), "reconcile", "--user", "u1", "--all").exit()).isEqualTo(2);
    }

    @Test
    void localModeRefusesABrokenPlanCatalogBeforeStartingAnything(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        Run r = run(
                Map.of("BILLING_PLANS_FILE", dir.resolve("missing.yaml").toString()),
                "local",
                "--data-dir",
                dir.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("BILLING_PLANS_FILE").contains("cannot be read");
        assertThat(dir.resolve("pg")).doesNotExist();
    }

    @Test
    void localModeReportsEveryProblemOfItsSettingsTogether(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path plans = dir.resolve("plans.yaml");
        java.nio.file.Files.writeString(plans, "tiers:\n  free: {rank: 0, trialDays: 3}\n");
        Run r = run(
                Map.of(
                        "BILLING_PLANS_FILE",
                        plans.toString(),
                        "BILLING_PAST_DUE_GRACE_DAYS",
                        "91",
                        "BILLING_RATE_LIMIT_IP_PER_MINUTE",
                        "lots"),
                "local",
                "--data-dir",
                dir.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err())
                .contains("Invalid configuration (3 problems)")
                .contains("BILLING_PLANS_FILE: " + plans + ": tiers.free.trialDays: the free tier (rank 0) has no "
                        + "subscription, so no trial")
                .contains("BILLING_PAST_DUE_GRACE_DAYS: must be a whole number from 0 to 90")
                .contains("BILLING_RATE_LIMIT_IP_PER_MINUTE: must be a whole number from 0 to 1000000");
        assertThat(dir.resolve("pg")).doesNotExist();
    }

    @Test
    void helpListsTheCommands() {
        Run r = run(Map.of(), "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("serve", "local", "check-config", "reconcile", "schema", "supabase-sql");
    }
}
