package dev.billing.server;

import dev.billing.clerk.ClerkConfig;
import dev.billing.core.checkout.RedirectPolicy;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.config.DuplicateSubscriptions;
import dev.billing.core.config.OrgOptions;
import dev.billing.core.config.RetentionOptions;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.privacy.ErasePersonalData;
import dev.billing.http.ApiSettings;
import dev.billing.plans.PlanCatalogYaml;
import dev.billing.plans.PlanFile;
import dev.billing.smtp.SmtpConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The standalone server's settings, read from environment variables (the table in the README). Reading collects
 * every missing or invalid setting and fails once with all of them ({@link ConfigException}). Secrets are kept
 * here but never printed: {@link #describe()} masks them.
 *
 * <p>Usage: {@code ServerConfig config = ServerConfig.fromEnv(System.getenv());}
 */
public record ServerConfig(
        String stripeSecretKey,
        List<String> webhookSecrets,
        URI stripeApiBase,
        int stripeRequestsPerSecond,
        ClerkConfig clerk,
        Store store,
        String databaseUrl,
        URI supabaseUrl,
        String supabaseServiceRoleKey,
        List<String> allowedOrigins,
        String adminToken,
        Path plansFile,
        PlanCatalog plans,
        String host,
        int port,
        boolean publicCatalog,
        int userRequestsPerMinute,
        int ipRequestsPerMinute,
        int serviceKeyRequestsPerMinute,
        long rateLimitKeys,
        NetworkSettings network,
        Duration pastDueGrace,
        boolean refetchOnWebhook,
        String successUrl,
        String cancelUrl,
        String returnUrl,
        long maxBodyBytes,
        long maxWebhookBytes,
        LogFormat logFormat,
        Optional<SmtpConfig> smtp,
        Duration storeStartTimeout,
        Duration shutdownDelay,
        Duration entitlementsCacheTtl,
        Duration analyticsMaxAge,
        Duration inboxLease,
        OrgOptions orgs,
        List<String> clerkWebhookSecrets,
        ErasePersonalData.Options erasure,
        int guestCheckoutsPerMinute,
        PlanFile planFile,
        URI webhookUrl,
        WebhookApiVersionCheck webhookApiVersionCheck,
        boolean stripeTax,
        boolean virtualThreads,
        DuplicateSubscriptions duplicateSubscriptions,
        RetentionOptions retention,
        String stripePublishableKey,
        PoolSettings pools) {

    public static final int MIN_ADMIN_TOKEN_CHARS = 32;
    static final int DEFAULT_PAST_DUE_GRACE_DAYS = 7;
    static final int MAX_PAST_DUE_GRACE_DAYS = 90;
    static final int MIN_VIRTUAL_THREADS_JAVA = 21;
    static final int DEFAULT_RATE_LIMIT_KEYS = 100_000;

    /** Where the billing data lives. */
    public enum Store {
        POSTGRES,
        SUPABASE
    }

    /**
     * What start-up does when the webhook endpoint at {@code BILLING_WEBHOOK_URL} sends another API version than
     * the SDK reads ({@code BILLING_WEBHOOK_API_VERSION_CHECK}).
     */
    public enum WebhookApiVersionCheck {
        WARN,
        REFUSE,
        OFF
    }

    /** How log lines are written. */
    public enum LogFormat {
        JSON,
        TEXT
    }

    /** True for live Stripe keys ({@code sk_live_}, {@code rk_live_}): test-mode events are then ignored. */
    public boolean livemode() {
        return stripeSecretKey.startsWith("sk_live_") || stripeSecretKey.startsWith("rk_live_");
    }

    public static ServerConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        StripeSettings stripe = StripeSettings.read(r);
        ClerkConfig clerk = ClerkSettings.read(r);
        Store store = r.choice("BILLING_STORE", Store.class, Store.POSTGRES);
        String databaseUrl = null;
        URI supabaseUrl = null;
        String serviceRoleKey = null;
        if (store == Store.POSTGRES) {
            databaseUrl = r.required("DATABASE_URL", "postgres://user:password@host:5432/db (BILLING_STORE=postgres)");
            if (databaseUrl != null) {
                try {
                    dev.billing.postgres.PostgresConfig.fromDatabaseUrl(databaseUrl);
                } catch (IllegalArgumentException e) {
                    r.problem("DATABASE_URL: " + e.getMessage());
                }
            }
        } else if (store == Store.SUPABASE) {
            SupabaseSettings supabase =
                    SupabaseSettings.read(r, "the project's service_role key " + "(BILLING_STORE=supabase)");
            if (supabase != null) {
                supabaseUrl = supabase.url();
                serviceRoleKey = supabase.serviceRoleKey();
            }
        }
        List<String> origins = r.origins("BILLING_ALLOWED_ORIGINS");
        String adminToken = r.optional("BILLING_ADMIN_TOKEN");
        if (adminToken != null && adminToken.length() < MIN_ADMIN_TOKEN_CHARS) {
            r.problem("BILLING_ADMIN_TOKEN: must be at least " + MIN_ADMIN_TOKEN_CHARS
                    + " characters (e.g. openssl rand -hex 32), or unset to disable the admin routes");
        }
        Path plansFile = null;
        String plansPath = r.optional("BILLING_PLANS_FILE");
        if (plansPath != null) {
            plansFile = Path.of(plansPath);
            if (!Files.isReadable(plansFile)) {
                r.problem("BILLING_PLANS_FILE: " + plansPath + " does not exist or cannot be read");
                plansFile = null;
            }
        }
        PlanCatalog plans = null;
        PlanFile planFile = null;
        if (plansPath == null || plansFile != null) {
            try {
                planFile = plansFile != null ? PlanCatalogYaml.read(plansFile, env) : PlanCatalogYaml.readSample(env);
                // With prices by amount these ids are placeholders until ServeMode.plans resolves them.
                plans = planFile.checkedCatalog();
            } catch (PlanCatalogYaml.InvalidCatalogException e) {
                e.problems().forEach(p -> r.problem("BILLING_PLANS_FILE: " + p));
            }
        }
        String host = r.optionalOr("BILLING_HOST", "0.0.0.0");
        int port = r.integer("PORT", 8080, 1, 65535);
        boolean publicCatalog = r.bool("BILLING_PUBLIC_CATALOG", false);
        int perUser = r.integer("BILLING_RATE_LIMIT_USER_PER_MINUTE", 300, 0, 1_000_000);
        int perIp = r.integer("BILLING_RATE_LIMIT_IP_PER_MINUTE", 1200, 0, 1_000_000);
        int perKey = r.integer("BILLING_RATE_LIMIT_SERVICE_KEY_PER_MINUTE", 3000, 0, 1_000_000);
        // Each remembered key holds a bucket of about half a KiB of heap: the bound is what a small heap is sized by.
        long limitKeys = r.integer("BILLING_RATE_LIMIT_KEYS", DEFAULT_RATE_LIMIT_KEYS, 1_000, 10_000_000);
        NetworkSettings network = NetworkSettings.read(r);
        int graceDays =
                r.integer("BILLING_PAST_DUE_GRACE_DAYS", DEFAULT_PAST_DUE_GRACE_DAYS, 0, MAX_PAST_DUE_GRACE_DAYS);
        boolean refetch = r.bool("BILLING_REFETCH_ON_WEBHOOK", true);
        String success = r.optional("BILLING_SUCCESS_URL");
        String cancel = r.optional("BILLING_CANCEL_URL");
        String returnUrl = r.optional("BILLING_RETURN_URL");
        if (!origins.isEmpty()) {
            RedirectPolicy policy = RedirectPolicy.of(origins, true);
            r.redirect(policy, "BILLING_SUCCESS_URL", success);
            r.redirect(policy, "BILLING_CANCEL_URL", cancel);
            r.redirect(policy, "BILLING_RETURN_URL", returnUrl);
        }
        long maxBody = r.integer("BILLING_MAX_BODY_BYTES", 1_000_000, 1024, 100_000_000);
        long maxWebhook = r.integer("BILLING_MAX_WEBHOOK_BYTES", 2_000_000, 1024, 100_000_000);
        LogFormat logFormat = r.choice("BILLING_LOG_FORMAT", LogFormat.class, LogFormat.JSON);
        int storeStartSeconds = r.integer("BILLING_STORE_START_TIMEOUT_SECONDS", 300, 0, 86_400);
        int shutdownDelaySeconds = r.integer("BILLING_SHUTDOWN_DELAY_SECONDS", 0, 0, 300);
        int cacheSeconds = r.integer("BILLING_ENTITLEMENTS_CACHE_SECONDS", 30, 0, 86_400);
        int analyticsSeconds = r.integer("BILLING_ANALYTICS_MAX_AGE_SECONDS", 60, 0, 86_400);
        int leaseSeconds = r.integer("BILLING_INBOX_LEASE_SECONDS", 60, 10, 3_600);
        Optional<SmtpConfig> smtp = SmtpSettings.read(r);
        OrgOptions orgs = orgs(r);
        ErasePersonalData.Options erasure = new ErasePersonalData.Options(
                r.bool("BILLING_ERASE_CANCELS_SUBSCRIPTIONS", false),
                r.bool("BILLING_ERASE_DELETES_STRIPE_CUSTOMER", false));
        int guestCheckouts = r.integer("BILLING_GUEST_CHECKOUTS_PER_MINUTE", 10, 0, 1_000_000);
        List<String> clerkSecrets = r.secretList("CLERK_WEBHOOK_SECRET");
        if (orgs != null && orgs.membershipSync() && clerkSecrets.isEmpty()) {
            r.problem("CLERK_WEBHOOK_SECRET: required with BILLING_MEMBERSHIP_SYNC=true (the signing secret of the "
                    + "Clerk webhook endpoint that sends organizationMembership events, whsec_...)");
        }
        URI webhookUrl = r.url("BILLING_WEBHOOK_URL", false);
        WebhookApiVersionCheck versionCheck = r.choice(
                "BILLING_WEBHOOK_API_VERSION_CHECK", WebhookApiVersionCheck.class, WebhookApiVersionCheck.WARN);
        boolean stripeTax = r.bool("BILLING_STRIPE_TAX", false);
        String publishableKey = r.optional("STRIPE_PUBLISHABLE_KEY");
        if (publishableKey != null && !publishableKey.startsWith("pk_")) {
            r.problem("STRIPE_PUBLISHABLE_KEY: a publishable key (pk_...), which the mobile PaymentSheet is given");
        }
        DuplicateSubscriptions duplicates = r.choice(
                "BILLING_DUPLICATE_SUBSCRIPTIONS", DuplicateSubscriptions.class, DuplicateSubscriptions.CANCEL);
        boolean virtualThreads = r.bool("BILLING_VIRTUAL_THREADS", false);
        RetentionOptions retention = RetentionSettings.read(r);
        PoolSettings pools = PoolSettings.read(r, store);
        if (virtualThreads && Runtime.version().feature() < MIN_VIRTUAL_THREADS_JAVA) {
            r.problem("BILLING_VIRTUAL_THREADS: needs Java " + MIN_VIRTUAL_THREADS_JAVA + " or later; this JVM is Java "
                    + Runtime.version().feature() + " (run the server on a newer JDK, or unset it)");
        }
        r.failIfAny();
        return new ServerConfig(
                stripe.secretKey(),
                stripe.webhookSecrets(),
                stripe.apiBase(),
                stripe.requestsPerSecond(),
                clerk,
                store,
                databaseUrl,
                supabaseUrl,
                serviceRoleKey,
                origins,
                adminToken,
                plansFile,
                plans,
                host,
                port,
                publicCatalog,
                perUser,
                perIp,
                perKey,
                limitKeys,
                network,
                Duration.ofDays(graceDays),
                refetch,
                success,
                cancel,
                returnUrl,
                maxBody,
                maxWebhook,
                logFormat,
                smtp,
                Duration.ofSeconds(storeStartSeconds),
                Duration.ofSeconds(shutdownDelaySeconds),
                Duration.ofSeconds(cacheSeconds),
                Duration.ofSeconds(analyticsSeconds),
                Duration.ofSeconds(leaseSeconds),
                orgs,
                clerkSecrets,
                erasure,
                guestCheckouts,
                planFile,
                webhookUrl,
                versionCheck,
                stripeTax,
                virtualThreads,
                duplicates,
                retention,
                publishableKey != null && publishableKey.startsWith("pk_") ? publishableKey : null,
                pools);
    }

    /** Who manages an organization's billing, and membership sync (also read by local mode). */
    static OrgOptions orgs(EnvReader r) {
        OrgOptions defaults = OrgOptions.defaults();
        List<String> roles = r.list("BILLING_ORG_BILLING_ROLES", defaults.billingRoles());
        List<String> permissions = r.list("BILLING_ORG_BILLING_PERMISSIONS", defaults.billingPermissions());
        boolean sync = r.bool("BILLING_MEMBERSHIP_SYNC", false);
        boolean autoSeats = r.bool("BILLING_AUTO_SEATS", false);
        if (autoSeats && !sync) {
            r.problem("BILLING_AUTO_SEATS: needs BILLING_MEMBERSHIP_SYNC=true (seats follow the members it keeps)");
            return null;
        }
        return new OrgOptions(roles, permissions, sync, autoSeats);
    }

    /** The core's options for this deployment. */
    public BillingOptions billingOptions() {
        return BillingOptions.builder()
                .allowedOrigins(allowedOrigins)
                .requireHttps(true)
                .defaultSuccessUrl(successUrl)
                .defaultCancelUrl(cancelUrl)
                .defaultReturnUrl(returnUrl)
                .livemode(livemode())
                .refetchOnWebhook(refetchOnWebhook)
                .pastDueGrace(pastDueGrace)
                .entitlementsCacheTtl(entitlementsCacheTtl)
                .analyticsMaxAge(analyticsMaxAge)
                .inboxLease(inboxLease)
                .stripeTax(stripeTax)
                .duplicateSubscriptions(duplicateSubscriptions)
                .retention(retention)
                .stripePublishableKey(stripePublishableKey)
                .build();
    }

    /** The HTTP API's settings for this deployment. */
    public ApiSettings apiSettings(String version) {
        return network.apply(ApiSettings.builder())
                .allowedOrigins(allowedOrigins)
                .publicCatalog(publicCatalog)
                .maxBodyBytes(maxBodyBytes)
                .maxWebhookBytes(maxWebhookBytes)
                .adminToken(adminToken)
                .userRequestsPerMinute(userRequestsPerMinute)
                .ipRequestsPerMinute(ipRequestsPerMinute)
                .serviceKeyRequestsPerMinute(serviceKeyRequestsPerMinute)
                .rateLimitKeys(rateLimitKeys)
                .version(version)
                .erasure(erasure)
                .guestCheckoutsPerMinute(guestCheckoutsPerMinute)
                .virtualThreads(virtualThreads)
                .requestThreads(pools.requestThreads())
                .build();
    }

    /** A printable summary with every secret masked. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        line(b, "STRIPE_SECRET_KEY", mask(stripeSecretKey) + (livemode() ? " (live mode)" : " (test mode)"));
        line(b, "STRIPE_WEBHOOK_SECRET", webhookSecrets.size() + " secret(s)");
        line(
                b,
                "BILLING_MEMBERSHIP_SYNC",
                orgs.membershipSync()
                        + (orgs.autoSeats() ? " (auto-seats)" : "")
                        + (clerkWebhookSecrets.isEmpty()
                                ? ""
                                : ", CLERK_WEBHOOK_SECRET " + clerkWebhookSecrets.size() + " secret(s)"));
        line(b, "STRIPE_API_BASE", stripeApiBase == null ? "(Stripe)" : stripeApiBase.toString());
        line(
                b,
                "STRIPE_REQUESTS_PER_SECOND",
                stripeRequestsPerSecond < 0
                        ? "(80 with a live key, 20 with a test key, on Stripe's API; no limit elsewhere)"
                        : stripeRequestsPerSecond == 0 ? "0 (no limit)" : Integer.toString(stripeRequestsPerSecond));
        line(
                b,
                "Clerk",
                "issuer " + clerk.issuer() + ", "
                        + (clerk.networkless() ? "PEM key (networkless)" : "JWKS " + clerk.jwksUrl())
                        + (clerk.authorizedParties().isEmpty()
                                ? ""
                                : ", authorized parties " + clerk.authorizedParties()));
        line(
                b,
                "BILLING_STORE",
                store.name().toLowerCase(Locale.ROOT)
                        + (store == Store.POSTGRES
                                ? " (DATABASE_URL " + redactUrl(databaseUrl) + ")"
                                : " (" + supabaseUrl + ", service role key " + mask(supabaseServiceRoleKey) + ")"));
        line(b, "BILLING_ALLOWED_ORIGINS", String.join(", ", allowedOrigins));
        line(b, "BILLING_ADMIN_TOKEN", adminToken == null ? "unset (admin routes and /metrics disabled)" : "set");
        line(
                b,
                "Plans",
                (plansFile == null ? "sample catalog" : plansFile.toString()) + ": "
                        + plans.tiers().size() + " tiers, " + plans.plans().size() + " prices, "
                        + plans.items().size()
                        + " items, " + plans.meters().size() + " meters"
                        + (planFile.needsLookup()
                                ? " (" + planFile.managedPrices().size() + " prices by lookup key, resolved at start)"
                                : ""));
        line(
                b,
                "BILLING_WEBHOOK_URL",
                webhookUrl == null
                        ? "unset (no API-version check at start)"
                        : webhookUrl + " (API-version check: "
                                + webhookApiVersionCheck.name().toLowerCase(Locale.ROOT) + ")");
        line(b, "Listen", host + ":" + port + (virtualThreads ? " (requests on virtual threads)" : ""));
        line(
                b,
                "Rate limits",
                userRequestsPerMinute + "/min per user, " + ipRequestsPerMinute + "/min per IP, "
                        + serviceKeyRequestsPerMinute + "/min per service key; " + rateLimitKeys
                        + " keys remembered each");
        line(b, "Client address", network.describeProxies());
        line(b, "Stripe webhook allowlist", network.describeAllowlist());
        line(b, "Catalog routes", publicCatalog ? "public" : "signed-in users");
        line(b, "Past-due grace", pastDueGrace.toDays() + " days");
        line(b, "Refetch on webhook", Boolean.toString(refetchOnWebhook));
        line(b, "BILLING_INBOX_LEASE_SECONDS", inboxLease.toSeconds() + " s");
        line(b, "Stripe Tax", stripeTax ? "on (Checkout: automatic tax, tax ids, billing address)" : "off");
        line(
                b,
                "Duplicate subscriptions",
                duplicateSubscriptions == DuplicateSubscriptions.CANCEL
                        ? "cancel the newer and refund it"
                        : "flag the newer, keep both");
        line(
                b,
                "Pools",
                (store == Store.POSTGRES ? pools.databaseConnections() + " database connections, " : "")
                        + pools.requestThreads() + " request threads, " + pools.webhookThreads()
                        + " webhook threads");
        line(b, "Retention", RetentionSettings.describe(retention));
        line(b, "Logs", logFormat.name().toLowerCase(Locale.ROOT));
        line(b, "Store at start", "waits up to " + storeStartTimeout.toSeconds() + " s for it");
        line(
                b,
                "Shutdown",
                shutdownDelay.isZero()
                        ? "stops at once on SIGTERM"
                        : "not ready for " + shutdownDelay.toSeconds() + " s on SIGTERM, still serving, then stops");
        line(
                b,
                "Notices",
                smtp.map(c -> "SMTP " + c.host() + ":" + c.port() + " from " + c.from()
                                + (c.authenticates() ? " (authenticated)" : ""))
                        .orElse("logged only (BILLING_SMTP_HOST unset)"));
        return b.toString();
    }

    @Override
    public String toString() {
        return "ServerConfig[" + describe().replace('\n', ' ').strip() + "]";
    }

    private static void line(StringBuilder b, String name, String value) {
        b.append(String.format(Locale.ROOT, "  %-24s %s%n", name, value));
    }

    static String mask(String secret) {
        if (secret == null) {
            return "unset";
        }
        int underscore = secret.lastIndexOf('_', Math.min(secret.length() - 1, 8));
        String prefix = underscore > 0 ? secret.substring(0, underscore + 1) : "";
        return prefix + "****";
    }

    static String redactUrl(String url) {
        return url == null
                ? "unset"
                : url.replaceAll("//[^@/]*@", "//****@").replaceAll("(?i)(password=)[^&]*", "$1****");
    }
}
