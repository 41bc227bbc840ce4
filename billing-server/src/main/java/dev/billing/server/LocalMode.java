package dev.billing.server;

import dev.billing.clerk.ClerkConfig;
import dev.billing.clerk.ClerkIdentityVerifier;
import dev.billing.clerk.ClerkWebhookVerifier;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.config.DuplicateSubscriptions;
import dev.billing.core.config.OrgOptions;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.Page;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.MembershipWebhookVerifier;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.WebhookVerifier;
import dev.billing.core.projection.ReconcileReport;
import dev.billing.embeddedpostgres.EmbeddedPostgresServer;
import dev.billing.embeddedpostgres.FreePorts;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.StripeEmulator;
import dev.billing.http.ApiSettings;
import dev.billing.plans.PlanCatalogYaml;
import dev.billing.plans.PlanFile;
import dev.billing.smtp.SmtpConfig;
import dev.billing.stripe.StripeCatalogSync;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code billing-server local}: the whole system on one machine with no network and no accounts. Embedded Postgres
 * (data under {@code <data-dir>/pg}, kept across restarts) with the Postgres stores; the Stripe emulator seeded with
 * the sample catalog, driven through the real Stripe adapter and delivering real signed webhooks to this server's
 * {@code /webhooks/stripe} (verified by the real verifier with a secret generated at start); a local token issuer
 * whose RSA key lives under {@code <data-dir>/keys} and a Clerk verifier in PEM mode on it;
 * {@code POST /local/token}, which exists only here; and Clerk's membership webhooks at {@code /webhooks/clerk}
 * (membership sync on, as {@code serve} turns it on), verified by the real Svix verifier with a secret generated at
 * start (or {@code CLERK_WEBHOOK_SECRET}) that the banner prints, so a developer can sign deliveries.
 *
 * <p>The emulator keeps its state in {@code <data-dir>/stripe-emulator.json} (saved every 2 s and at shutdown), so a
 * restart knows every customer, subscription, invoice and meter event of the last run, and its clock keeps its lead.
 * Then this run's webhook endpoint replaces the last run's, customers Postgres links but the emulator does not know
 * (a deleted state file) are re-created with the same ids, and after a restore every customer is reconciled once
 * (webhooks still queued when the last run stopped are not redelivered).
 *
 * <p>Usage: {@code try (LocalMode local = LocalMode.start(new LocalMode.Options(dir, 8080, 12111, env), "dev")) { ... }}
 */
public final class LocalMode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalMode.class);
    static final String DATABASE = "billing";
    static final String FRONTEND_ORIGIN = "http://localhost:3000";
    static final String LOCAL_ISSUER = "billing-local";
    /** The Stripe emulator's state, under the data directory. */
    static final String STRIPE_STATE_FILE = "stripe-emulator.json";

    private final BillingServer server;
    private final StripeEmulator emulator;
    private final EmbeddedPostgresServer postgres;
    private final String adminToken;
    private final Path dataDir;
    private final Duration postgresStart;
    private final Duration totalStart;
    private final int reseeded;
    private final String webhookSecret;
    private final String clerkWebhookSecret;
    private final ReconcileReport caughtUp;

    /** Where and on which ports to run; {@code 0} picks a free port. */
    public record Options(Path dataDir, int port, int stripePort, Map<String, String> env) {
        public Options {
            env = Map.copyOf(env);
        }
    }

    private LocalMode(
            BillingServer server,
            StripeEmulator emulator,
            EmbeddedPostgresServer postgres,
            String adminToken,
            Path dataDir,
            Duration postgresStart,
            Duration totalStart,
            int reseeded,
            String webhookSecret,
            String clerkWebhookSecret,
            ReconcileReport caughtUp) {
        this.server = server;
        this.emulator = emulator;
        this.postgres = postgres;
        this.adminToken = adminToken;
        this.dataDir = dataDir;
        this.postgresStart = postgresStart;
        this.totalStart = totalStart;
        this.reseeded = reseeded;
        this.webhookSecret = webhookSecret;
        this.clerkWebhookSecret = clerkWebhookSecret;
        this.caughtUp = caughtUp;
    }

    public static LocalMode start(Options options, String version) {
        long t0 = System.nanoTime();
        Path dataDir = options.dataDir().toAbsolutePath().normalize();
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dataDir, e);
        }
        // Every setting local mode honours is read first, and all problems are reported together.
        EnvReader settings = new EnvReader(options.env());
        String plansFile = settings.optional("BILLING_PLANS_FILE");
        PlanFile planFile = null;
        try {
            planFile = plansFile == null
                    ? PlanCatalogYaml.readSample(options.env())
                    : PlanCatalogYaml.read(Path.of(plansFile), options.env());
        } catch (PlanCatalogYaml.InvalidCatalogException e) {
            e.problems().forEach(p -> settings.problem("BILLING_PLANS_FILE: " + p));
        }
        Optional<SmtpConfig> smtp = SmtpSettings.read(settings);
        ApiSettings defaults = ApiSettings.builder().build();
        int userLimit =
                settings.integer("BILLING_RATE_LIMIT_USER_PER_MINUTE", defaults.userRequestsPerMinute(), 0, 1_000_000);
        int ipLimit =
                settings.integer("BILLING_RATE_LIMIT_IP_PER_MINUTE", defaults.ipRequestsPerMinute(), 0, 1_000_000);
        int keyLimit = settings.integer(
                "BILLING_RATE_LIMIT_SERVICE_KEY_PER_MINUTE", defaults.serviceKeyRequestsPerMinute(), 0, 1_000_000);
        int graceDays = settings.integer(
                "BILLING_PAST_DUE_GRACE_DAYS",
                ServerConfig.DEFAULT_PAST_DUE_GRACE_DAYS,
                0,
                ServerConfig.MAX_PAST_DUE_GRACE_DAYS);
        // The emulator's rate is 0 until set (POST /_emulator/tax), so taxed invoices show tax 0 by default.
        boolean stripeTax = settings.bool("BILLING_STRIPE_TAX", false);
        DuplicateSubscriptions duplicates = settings.choice(
                "BILLING_DUPLICATE_SUBSCRIPTIONS", DuplicateSubscriptions.class, DuplicateSubscriptions.CANCEL);
        // Clerk's membership webhooks are always served, with membership sync on as serve turns it on with
        // BILLING_MEMBERSHIP_SYNC=true; the secret is generated like the Stripe one unless the developer brings
        // theirs (a Clerk dev instance's). Who manages an organization's billing, and auto-seats, are as configured.
        List<String> clerkSecrets = settings.secretList("CLERK_WEBHOOK_SECRET");
        OrgOptions defaultOrgs = OrgOptions.defaults();
        OrgOptions orgs = new OrgOptions(
                settings.list("BILLING_ORG_BILLING_ROLES", defaultOrgs.billingRoles()),
                settings.list("BILLING_ORG_BILLING_PERMISSIONS", defaultOrgs.billingPermissions()),
                true,
                settings.bool("BILLING_AUTO_SEATS", false));
        settings.failIfAny();
        String clerkWebhookSecret = clerkSecrets.isEmpty()
                ? "whsec_" + Base64.getEncoder().encodeToString(randomBytes(24))
                : clerkSecrets.get(0);
        MembershipWebhookVerifier clerkWebhooks;
        try {
            clerkWebhooks =
                    ClerkWebhookVerifier.create(clerkSecrets.isEmpty() ? List.of(clerkWebhookSecret) : clerkSecrets);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of("CLERK_WEBHOOK_SECRET: " + e.getMessage()));
        }
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            // The emulator runs on the JDK's HttpServer, whose Nagle default costs ~40 ms per loopback call.
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        long pgStarted = System.nanoTime();
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.builder()
                .dataDirectory(dataDir.resolve("pg"))
                .start();
        Duration postgresStart = Duration.ofNanos(System.nanoTime() - pgStarted);
        StripeEmulator emulator = null;
        BillingStores stores = null;
        try {
            postgres.createDatabaseIfMissing(DATABASE);
            emulator = StripeEmulator.start(EmulatorOptions.defaults()
                    .withSampleSeed()
                    .withPort(options.stripePort())
                    .withSignWithEmulatedTime(true)
                    .withStateFile(dataDir.resolve(STRIPE_STATE_FILE)));
            // The endpoint of the last run (its port and secret) is gone; this run registers its own.
            emulator.removeWebhookEndpoints();
            stores = Adapters.postgres(postgres.postgresUrl(DATABASE));
            int reseeded = reseedCustomers(stores, emulator);
            String webhookSecret = "whsec_local" + random(24);
            PlanCatalog plans = localCatalog(planFile, emulator);
            PaymentGateway gateway =
                    Adapters.stripe(emulator.apiKey(), URI.create(emulator.baseUrl()), emulator.clock());
            WebhookVerifier webhooks = Adapters.stripeWebhooks(List.of(webhookSecret), emulator.clock());
            // Picked only now, just before the server binds it: picked before Postgres and the emulator started
            // (seconds), another process, or this one's emulator, could take it meanwhile.
            int port = options.port() == 0 ? freePort() : options.port();
            String base = "http://localhost:" + port;
            // The issuer must not depend on the port: tokens survive a restart on another port.
            LocalKeys keys = LocalKeys.loadOrCreate(dataDir.resolve("keys"), LOCAL_ISSUER, Clock.systemUTC());
            ClerkIdentityVerifier identities = ClerkIdentityVerifier.create(
                    ClerkConfig.builder()
                            .issuer(keys.issuer())
                            .jwtKey(keys.publicKeyPem())
                            .build(),
                    Clock.systemUTC());
            List<String> origins = List.of(base, FRONTEND_ORIGIN);
            BillingOptions billingOptions = BillingOptions.builder()
                    .allowedOrigins(origins)
                    .requireHttps(false)
                    .defaultSuccessUrl(FRONTEND_ORIGIN + "/billing/success?session_id={CHECKOUT_SESSION_ID}")
                    .defaultCancelUrl(FRONTEND_ORIGIN + "/billing/cancel")
                    .defaultReturnUrl(FRONTEND_ORIGIN + "/account")
                    .livemode(false)
                    .pastDueGrace(Duration.ofDays(graceDays))
                    .stripeTax(stripeTax)
                    .duplicateSubscriptions(duplicates)
                    // The emulator takes any publishable key: the app's PaymentSheet only needs one to start.
                    .stripePublishableKey("pk_test_emulator")
                    .build();
            String adminToken =
                    options.env().getOrDefault("BILLING_ADMIN_TOKEN", "").isBlank()
                            ? "local-admin-" + random(16)
                            : options.env().get("BILLING_ADMIN_TOKEN").strip();
            ApiSettings api = ApiSettings.builder()
                    .allowedOrigins(origins)
                    .adminToken(adminToken)
                    .publicCatalog(true)
                    .version(version)
                    .userRequestsPerMinute(userLimit)
                    .ipRequestsPerMinute(ipLimit)
                    .serviceKeyRequestsPerMinute(keyLimit)
                    .build();
            List<AutoCloseable> resources = new ArrayList<>();
            resources.add(postgres);
            resources.add(emulator);
            TracingSettings.Tracing tracing =
                    TracingSettings.from(options.env()).open();
            resources.add(0, tracing); // closed last: the spans of the last work are flushed
            // Billing time is the emulator's, which `clock advance` moves by days; the inbox's leases and retries
            // stay on real time, so an advance does not take the events being processed from under their workers.
            BillingServer server = BillingServer.start(
                    new BillingServer.Parts(
                            stores,
                            gateway,
                            webhooks,
                            identities,
                            plans,
                            billingOptions,
                            api,
                            emulator.clock(),
                            "127.0.0.1",
                            port,
                            keys,
                            Duration.ofSeconds(1),
                            ServeMode.notifier(smtp),
                            resources,
                            orgs,
                            clerkWebhooks,
                            Clock.systemUTC()),
                    tracing.openTelemetry());
            emulator.registerWebhookEndpoint("http://127.0.0.1:" + server.port() + "/webhooks/stripe", webhookSecret);
            ReconcileReport caughtUp = null;
            if (emulator.restoredFromStateFile()) {
                // Webhooks the emulator emitted while the last run was stopping were never delivered (Stripe
                // would retry them for days; the emulator does not keep its delivery queue): read every
                // customer's subscriptions and invoices once instead.
                caughtUp = server.billing().useCases().reconcile().all();
                LOG.info(
                        "Stripe emulator state restored from {}: {} customer(s) reconciled ({} subscription(s) and "
                                + "{} invoice(s) updated)",
                        dataDir.resolve(STRIPE_STATE_FILE),
                        caughtUp.customers(),
                        caughtUp.subscriptionsApplied(),
                        caughtUp.invoicesApplied());
            }
            Duration total = Duration.ofNanos(System.nanoTime() - t0);
            LOG.atInfo()
                    .addKeyValue("startupMs", total.toMillis())
                    .addKeyValue("postgresMs", postgresStart.toMillis())
                    .log(
                            "local mode ready in {} ms (embedded Postgres {} ms, server {} ms)",
                            total.toMillis(),
                            postgresStart.toMillis(),
                            server.startupTime().toMillis());
            return new LocalMode(
                    server,
                    emulator,
                    postgres,
                    adminToken,
                    dataDir,
                    postgresStart,
                    total,
                    reseeded,
                    webhookSecret,
                    clerkWebhookSecret,
                    caughtUp);
        } catch (RuntimeException e) {
            BillingServer.closeQuietly(stores);
            BillingServer.closeQuietly(emulator);
            BillingServer.closeQuietly(postgres);
            throw e;
        }
    }

    /**
     * The catalog; prices the file gives by amount are first applied to the emulator (it is local: nothing to
     * review), the way {@code billing-server stripe apply} does to Stripe, then resolved by lookup key.
     */
    private static PlanCatalog localCatalog(PlanFile file, StripeEmulator emulator) {
        if (!file.needsLookup()) {
            return file.catalog();
        }
        StripeCatalogSync sync = Adapters.stripeSync(emulator.apiKey(), URI.create(emulator.baseUrl()));
        StripeCatalogSync.Result applied = sync.apply(StripeSetup.spec(file, null), change -> {});
        if (!applied.noChanges()) {
            LOG.info(
                    "Plan file applied to the Stripe emulator: {} change(s)",
                    applied.changes().size());
        }
        return StripeSetup.resolve(file, sync);
    }

    /**
     * Re-creates in the emulator, with the same ids, the customers Postgres links that it does not know: all of
     * them when its state file is missing (first run after an upgrade, or the file was deleted), none normally.
     */
    private static int reseedCustomers(BillingStores stores, StripeEmulator emulator) {
        List<Map<String, Object>> customers = new ArrayList<>();
        String cursor = null;
        do {
            Page<CustomerLink> page = stores.customers().list(cursor, 100);
            for (CustomerLink link : page.items()) {
                if (emulator.objectJson(link.customerId().value()) != null) {
                    continue;
                }
                Map<String, Object> customer = new LinkedHashMap<>();
                customer.put("id", link.customerId().value());
                if (link.email() != null) {
                    customer.put("email", link.email());
                }
                customer.put("metadata", Map.of("user_id", link.userId().value()));
                customers.add(customer);
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        if (!customers.isEmpty()) {
            emulator.seedDocument(new dev.billing.http.JsonCodec().writeString(Map.of("customers", customers)));
        }
        return customers.size();
    }

    public int port() {
        return server.port();
    }

    public String baseUrl() {
        return "http://localhost:" + server.port();
    }

    public StripeEmulator emulator() {
        return emulator;
    }

    /** The embedded Postgres database the stores use, as a {@code DATABASE_URL} (tests run the CLI against it). */
    String postgresUrl() {
        return postgres.postgresUrl(DATABASE);
    }

    public BillingServer server() {
        return server;
    }

    public String adminToken() {
        return adminToken;
    }

    /** The store's database (tests look at it behind the store's back, as a personal data scan does). */
    javax.sql.DataSource storeDatabase() {
        return postgres.dataSource(DATABASE);
    }

    /** The secret the emulator signs this run's webhooks with (tests forge deliveries with it). */
    String webhookSecret() {
        return webhookSecret;
    }

    /** The Svix secret {@code /webhooks/clerk} verifies deliveries with (printed in the banner). */
    public String clerkWebhookSecret() {
        return clerkWebhookSecret;
    }

    /** Customers re-created in the emulator at start because its state file did not know them. */
    public int restoredCustomers() {
        return reseeded;
    }

    /** True when the emulator started from its state file under the data directory. */
    public boolean stripeStateRestored() {
        return emulator.restoredFromStateFile();
    }

    /** What the start-up reconcile read after a restored emulator state, or null when there was none. */
    public ReconcileReport startupReconcile() {
        return caughtUp;
    }

    public Duration startupTime() {
        return totalStart;
    }

    public Duration postgresStartupTime() {
        return postgresStart;
    }

    /** The start-up banner with ready-to-paste commands for the whole flow. */
    public String banner() {
        String api = baseUrl();
        String stripe = emulator.baseUrl();
        String json = "-H 'Content-Type: application/json'";
        return String.join(
                "\n",
                "",
                "billing local mode is running (no network, no accounts)",
                String.format(Locale.ROOT, "  API          %s   (OpenAPI: %s/openapi.json)", api, api),
                String.format(Locale.ROOT, "  Stripe       %s   (emulator; control API %s/_emulator)", stripe, stripe),
                String.format(
                        Locale.ROOT,
                        "               state in %s%s",
                        dataDir.resolve(STRIPE_STATE_FILE),
                        emulator.restoredFromStateFile() ? " (restored)" : ""),
                String.format(
                        Locale.ROOT,
                        "  Postgres     %s (port %d)%s",
                        dataDir.resolve("pg"),
                        postgres.port(),
                        reseeded > 0 ? ", " + reseeded + " customer(s) restored into the emulator" : ""),
                String.format(Locale.ROOT, "               log in %s", postgres.logFile()),
                String.format(Locale.ROOT, "  Admin token  %s", adminToken),
                String.format(
                        Locale.ROOT,
                        "  Clerk        %s/webhooks/clerk verifies Svix signatures with %s " + "(membership sync%s)",
                        api,
                        clerkWebhookSecret,
                        server.billing().useCases().alignSeats().isPresent() ? ", auto-seats" : ""),
                String.format(
                        Locale.ROOT,
                        "  Started in %d ms (embedded Postgres %d ms, server %d ms). Ctrl-C stops " + "everything.",
                        totalStart.toMillis(),
                        postgresStart.toMillis(),
                        server.startupTime().toMillis()),
                "",
                "Try the whole flow:",
                "  # 1. a session token for a user (local mode only; email, emailVerified, orgId, orgRole and",
                "  #    orgPermissions are optional claims)",
                "  TOKEN=$(curl -s -X POST " + api + "/local/token " + json
                        + " -d '{\"userId\":\"user_1\",\"email\":\"user_1@example.com\",\"emailVerified\":true}' "
                        + "| sed -E 's/.*\"token\":\"([^\"]+)\".*/\\1/')",
                "  # 2. the user's Stripe customer",
                "  curl -s -X POST " + api + "/stripe/customer -H \"Authorization: Bearer $TOKEN\"",
                "  # 3. a checkout session for the pro plan",
                "  SESSION=$(curl -s -X POST " + api + "/stripe/checkout -H \"Authorization: Bearer $TOKEN\" " + json
                        + " -d '{\"tier\":\"pro\",\"interval\":\"month\"}' "
                        + "| sed -E 's/.*\"sessionId\":\"([^\"]+)\".*/\\1/')",
                "  # 4. pay it in the emulator (or open " + stripe + "/checkout/$SESSION in a browser)",
                "  curl -s -X POST " + stripe + "/_emulator/checkout/sessions/$SESSION/complete",
                "  # 5. the webhooks have arrived: the user is on pro (trialing)",
                "  curl -s " + api + "/me/entitlements -H \"Authorization: Bearer $TOKEN\"",
                "  # more: usage, time travel, the inbox",
                "  curl -s -X POST " + api + "/usage -H \"Authorization: Bearer $TOKEN\" " + json
                        + " -H 'Idempotency-Key: call-1' -d '{\"meter\":\"api_calls\",\"amount\":1}'",
                "  curl -s -X POST " + stripe + "/_emulator/clock/advance -d days=31",
                "  curl -s " + api + "/admin/webhook-events -H \"Authorization: Bearer " + adminToken + "\"",
                "  # the notices sent (the renewal reminder comes " + emulator.upcomingInvoiceDays()
                        + " days before a renewal; SMTP off: logged only)",
                "  curl -s " + api + "/admin/notices -H \"Authorization: Bearer " + adminToken + "\"",
                "");
    }

    @Override
    public void close() {
        server.close(); // API, worker, stores, then the emulator and Postgres
    }

    private static int freePort() {
        return FreePorts.belowEphemeralRange();
    }

    private static String random(int bytes) {
        return HexFormat.of().formatHex(randomBytes(bytes));
    }

    private static byte[] randomBytes(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
