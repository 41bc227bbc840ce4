package dev.billing.server;

import dev.billing.clerk.ClerkIdentityVerifier;
import dev.billing.clerk.ClerkWebhookVerifier;
import dev.billing.core.Billing;
import dev.billing.core.LogNotifier;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.Notifier;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.privacy.ErasePersonalData;
import dev.billing.core.projection.ReconcileReport;
import dev.billing.http.JsonCodec;
import dev.billing.http.wire.PersonalDataResponses;
import dev.billing.smtp.SmtpConfig;
import dev.billing.smtp.SmtpNotifier;
import dev.billing.stripe.StripeCatalogSync;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Production wiring: the adapters {@link ServerConfig} chose (Postgres or Supabase, Stripe, Clerk). */
public final class ServeMode {
    private static final Logger LOG = LoggerFactory.getLogger(ServeMode.class);

    private ServeMode() {}

    /** The plan catalog, its lookup keys resolved in Stripe when the plan file gives prices by amount. */
    static PlanCatalog plans(ServerConfig config) {
        if (!config.planFile().needsLookup()) {
            return config.plans();
        }
        return StripeSetup.resolve(
                config.planFile(), Adapters.stripeSync(config.stripeSecretKey(), config.stripeApiBase()));
    }

    /** {@code serve} untraced, or traced by the OpenTelemetry installed in the process (the Java agent's). */
    public static BillingServer start(ServerConfig config, String version) {
        return start(config, version, TracingSettings.from(Map.of()));
    }

    /**
     * {@code serve} on another billing time: a Stripe test clock's, e.g. the emulator's, so that advancing it moves
     * what billing decides by time too (periods, grace, notices, retention, Stripe's signature tolerance), as local mode
     * does. Session tokens, and the inbox's leases and retries, stay on the machine's time.
     */
    public static BillingServer start(ServerConfig config, String version, Clock billingTime) {
        return start(config, version, TracingSettings.from(Map.of()), billingTime);
    }

    static BillingServer start(ServerConfig config, String version, TracingSettings traces) {
        return start(config, version, traces, Clock.systemUTC());
    }

    /** {@code serve}: opens the store, wires everything, starts listening; logs how long each part took. */
    private static BillingServer start(ServerConfig config, String version, TracingSettings traces, Clock clock) {
        Clock machine = Clock.systemUTC();
        // Both before anything starts: a refused API version or an unresolvable price stops the start.
        StripeCatalogSync sync = Adapters.stripeSync(config.stripeSecretKey(), config.stripeApiBase());
        StripeSetup.checkWebhookApiVersion(sync, config.webhookUrl(), config.webhookApiVersionCheck());
        PlanCatalog plans = StripeSetup.resolve(config.planFile(), sync);
        long t0 = System.nanoTime();
        BillingStores stores = StoreStartup.open(() -> openStores(config), config.storeStartTimeout());
        Duration storeStart = Duration.ofNanos(System.nanoTime() - t0);
        try {
            PaymentGateway gateway = Adapters.stripe(config, clock);
            ClerkIdentityVerifier identities = ClerkIdentityVerifier.create(config.clerk(), machine);
            TracingSettings.Tracing tracing = traces.open();
            BillingServer server = BillingServer.start(
                    new BillingServer.Parts(
                            stores,
                            gateway,
                            Adapters.stripeWebhooks(config.webhookSecrets(), clock),
                            identities,
                            plans,
                            config.billingOptions(),
                            config.apiSettings(version),
                            clock,
                            config.host(),
                            config.port(),
                            null,
                            Duration.ofSeconds(1),
                            notifier(config.smtp()),
                            List.of(tracing), // closed last: the spans of the last work are flushed
                            config.orgs(),
                            config.orgs().membershipSync()
                                    ? ClerkWebhookVerifier.create(config.clerkWebhookSecrets())
                                    : null,
                            machine,
                            config.pools().webhookThreads()),
                    tracing.openTelemetry());
            LOG.atInfo()
                    .addKeyValue("storeMs", storeStart.toMillis())
                    .addKeyValue("serverMs", server.startupTime().toMillis())
                    .addKeyValue(
                            "jvmUptimeMs", ManagementFactory.getRuntimeMXBean().getUptime())
                    .log(
                            "serve ready: store {} ms, server {} ms, JVM up {} ms ({} mode, {} store)",
                            storeStart.toMillis(),
                            server.startupTime().toMillis(),
                            ManagementFactory.getRuntimeMXBean().getUptime(),
                            config.livemode() ? "live" : "test",
                            config.store().name().toLowerCase(java.util.Locale.ROOT));
            if (config.plansFile() == null) {
                LOG.warn("Using the sample plan catalog: set BILLING_PLANS_FILE (or the STRIPE_PRICE_* variables) "
                        + "so that plans point at your Stripe prices");
            }
            Thread adoption = new Thread(() -> warnIfSubscriptionsAreMissing(stores), "billing-adoption-check");
            adoption.setDaemon(true);
            adoption.start();
            if (!identities.config().networkless()) {
                Thread preload = new Thread(
                        () -> {
                            try {
                                identities.preload();
                            } catch (RuntimeException e) {
                                LOG.warn(
                                        "Clerk's signing keys could not be loaded yet ({}); retrying on first use",
                                        e.getClass().getSimpleName());
                            }
                        },
                        "clerk-jwks-preload");
                preload.setDaemon(true);
                preload.start();
            }
            return server;
        } catch (RuntimeException e) {
            BillingServer.closeQuietly(stores);
            throw e;
        }
    }

    /**
     * A store with linked customers and no subscription at all is what adopting the earlier Node backend's project
     * looks like before its first {@code reconcile --all}: every paying user would show as free until then.
     */
    static boolean warnIfSubscriptionsAreMissing(BillingStores stores) {
        try {
            long customers = stores.customers().count();
            if (customers > 0 && stores.subscriptions().countSubscriptions() == 0) {
                LOG.warn(
                        "The store links {} customer(s) to users but holds no subscription: if it comes from the "
                                + "earlier Node backend, run `billing-server reconcile --all` once to read every customer's "
                                + "subscriptions from Stripe (docs/SUPABASE.md, Adopting the Node backend's project); until "
                                + "then those users get the free tier",
                        customers);
                return true;
            }
        } catch (RuntimeException e) {
            LOG.debug("Could not count customers and subscriptions", e);
        }
        return false;
    }

    /** {@code reconcile}: one user, one customer, or every customer. */
    static ReconcileReport reconcile(ServerConfig config, String user, String customer) {
        Clock clock = Clock.systemUTC();
        try (BillingStores stores = openStores(config)) {
            Billing billing = Billing.builder()
                    .gateway(Adapters.stripe(config, clock))
                    .webhookVerifier(Adapters.stripeWebhooks(config.webhookSecrets(), clock))
                    .stores(stores)
                    .plans(plans(config))
                    .options(config.billingOptions())
                    .clock(clock)
                    .build();
            if (user != null) {
                return billing.useCases().reconcile().user(UserId.of(user));
            }
            if (customer != null) {
                return billing.useCases().reconcile().customer(CustomerId.of(customer));
            }
            return billing.useCases().reconcile().all();
        }
    }

    /** {@code export --user}: everything the store holds about one account, as the API's JSON document. */
    static String export(ServerConfig config, String user, String email) {
        Clock clock = Clock.systemUTC();
        PlanCatalog plans = plans(config);
        try (BillingStores stores = openStores(config)) {
            Billing billing = Billing.builder()
                    .gateway(Adapters.stripe(config, clock))
                    .webhookVerifier(Adapters.stripeWebhooks(config.webhookSecrets(), clock))
                    .stores(stores)
                    .plans(plans)
                    .options(config.billingOptions())
                    .clock(clock)
                    .build();
            JsonCodec json = new JsonCodec();
            return json.writeString(PersonalDataResponses.PersonalDataView.of(
                    billing.useCases().exportPersonalData().export(UserId.of(user), email), plans, json::embeddable));
        }
    }

    /** {@code erase --user --yes}: as {@code DELETE /admin/users/{userId}}, with the deployment's erasure settings. */
    static ErasePersonalData.Erased erase(ServerConfig config, String user, String email) {
        Clock clock = Clock.systemUTC();
        try (BillingStores stores = openStores(config)) {
            Billing billing = Billing.builder()
                    .gateway(Adapters.stripe(config, clock))
                    .webhookVerifier(Adapters.stripeWebhooks(config.webhookSecrets(), clock))
                    .stores(stores)
                    .plans(plans(config))
                    .options(config.billingOptions())
                    .clock(clock)
                    .build();
            return billing.useCases().erasePersonalData().erase(UserId.of(user), config.erasure(), email);
        }
    }

    /** {@code schema migrate}: needs only DATABASE_URL. */
    static int migrate(Map<String, String> env) {
        String url = env.get("DATABASE_URL");
        if (url == null || url.isBlank()) {
            throw new ConfigException(List.of("DATABASE_URL is required: postgres://user:password@host:5432/db"));
        }
        try {
            return Adapters.migratePostgres(url.strip());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of("DATABASE_URL: " + e.getMessage()));
        }
    }

    static String supabaseSql() {
        return Adapters.supabaseSql();
    }

    /** Notices by mail when BILLING_SMTP_HOST is set, else logged (the core's LogNotifier). */
    static Notifier notifier(Optional<SmtpConfig> smtp) {
        return smtp.<Notifier>map(SmtpNotifier::create).orElseGet(LogNotifier::new);
    }

    static BillingStores openStores(ServerConfig config) {
        return switch (config.store()) {
            case POSTGRES ->
                Adapters.postgres(config.databaseUrl(), config.pools().databaseConnections());
            case SUPABASE -> pinged(Adapters.supabase(config.supabaseUrl(), config.supabaseServiceRoleKey()));
        };
    }

    /**
     * Supabase stores connect lazily: one ping proves the project answers and its billing SQL is this build's, so a
     * project the SQL was not (again) applied to stops the start instead of serving with older functions.
     */
    private static BillingStores pinged(BillingStores stores) {
        try {
            stores.ping();
            return stores;
        } catch (RuntimeException e) {
            BillingServer.closeQuietly(stores);
            throw e;
        }
    }
}
