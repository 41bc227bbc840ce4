package dev.billing.server;

import dev.billing.admin.AdminDashboard;
import dev.billing.core.Billing;
import dev.billing.core.config.BackgroundOptions;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.config.OrgOptions;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.IdentityVerifier;
import dev.billing.core.port.MembershipWebhookVerifier;
import dev.billing.core.port.Notifier;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.WebhookVerifier;
import dev.billing.http.ApiSettings;
import dev.billing.http.HttpApi;
import dev.billing.http.LocalTokens;
import dev.billing.http.ReadinessCheck;
import dev.billing.http.log.Slf4jRequestLog;
import dev.billing.micrometer.MeteredPaymentGateway;
import dev.billing.micrometer.StoreGauges;
import dev.billing.micrometer.WorkMetrics;
import dev.billing.opentelemetry.OpenTelemetryTracing;
import dev.billing.postgres.PostgresBillingStores;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: wires the ports (whichever adapters the caller chose) into {@link Billing}, decorates the
 * payment gateway with metrics (and, when traced, the gateway and the stores with spans), registers the gauges, starts the core's background work and the HTTP API, and stops
 * everything in order on {@link #close()}: the API (drains requests in flight), the core (the webhook events being
 * processed after their answer and the worker's runs), the stores, then any extra resources (local mode's emulator
 * and Postgres) in reverse order.
 *
 * <p>Usage: {@code try (BillingServer server = BillingServer.start(parts)) { server.awaitShutdown(); }}
 */
public final class BillingServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BillingServer.class);

    private final Billing billing;
    private final HttpApi api;
    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gcMetrics;
    private final BillingStores stores;
    private final List<AutoCloseable> resources;
    private final Duration startupTime;
    private boolean closed;

    /**
     * Everything the server runs on. {@code clock} is billing time; {@code workClock} times the inbox's work and the
     * admin sessions ({@link Billing.Builder#workClock}), and differs from it only in local mode.
     * {@code webhookThreads} process webhook events after their delivery was answered
     * ({@link BackgroundOptions#webhookThreads()}).
     */
    public record Parts(
            BillingStores stores,
            PaymentGateway gateway,
            WebhookVerifier webhooks,
            IdentityVerifier identities,
            PlanCatalog plans,
            BillingOptions options,
            ApiSettings api,
            Clock clock,
            String host,
            int port,
            LocalTokens localTokens,
            Duration workerEvery,
            Notifier notifier,
            List<AutoCloseable> resources,
            OrgOptions orgs,
            MembershipWebhookVerifier clerkWebhooks,
            Clock workClock,
            int webhookThreads) {
        /** The core's default number of webhook threads ({@link BackgroundOptions#webhookThreads()}). */
        public Parts(
                BillingStores stores,
                PaymentGateway gateway,
                WebhookVerifier webhooks,
                IdentityVerifier identities,
                PlanCatalog plans,
                BillingOptions options,
                ApiSettings api,
                Clock clock,
                String host,
                int port,
                LocalTokens localTokens,
                Duration workerEvery,
                Notifier notifier,
                List<AutoCloseable> resources,
                OrgOptions orgs,
                MembershipWebhookVerifier clerkWebhooks,
                Clock workClock) {
            this(
                    stores,
                    gateway,
                    webhooks,
                    identities,
                    plans,
                    options,
                    api,
                    clock,
                    host,
                    port,
                    localTokens,
                    workerEvery,
                    notifier,
                    resources,
                    orgs,
                    clerkWebhooks,
                    workClock,
                    BackgroundOptions.defaults().webhookThreads());
        }

        /** The inbox's work on {@code clock} too (see {@link Billing.Builder#workClock}). */
        public Parts(
                BillingStores stores,
                PaymentGateway gateway,
                WebhookVerifier webhooks,
                IdentityVerifier identities,
                PlanCatalog plans,
                BillingOptions options,
                ApiSettings api,
                Clock clock,
                String host,
                int port,
                LocalTokens localTokens,
                Duration workerEvery,
                Notifier notifier,
                List<AutoCloseable> resources,
                OrgOptions orgs,
                MembershipWebhookVerifier clerkWebhooks) {
            this(
                    stores,
                    gateway,
                    webhooks,
                    identities,
                    plans,
                    options,
                    api,
                    clock,
                    host,
                    port,
                    localTokens,
                    workerEvery,
                    notifier,
                    resources,
                    orgs,
                    clerkWebhooks,
                    clock);
        }

        /** Default organization options, membership sync off. */
        public Parts(
                BillingStores stores,
                PaymentGateway gateway,
                WebhookVerifier webhooks,
                IdentityVerifier identities,
                PlanCatalog plans,
                BillingOptions options,
                ApiSettings api,
                Clock clock,
                String host,
                int port,
                LocalTokens localTokens,
                Duration workerEvery,
                Notifier notifier,
                List<AutoCloseable> resources) {
            this(
                    stores,
                    gateway,
                    webhooks,
                    identities,
                    plans,
                    options,
                    api,
                    clock,
                    host,
                    port,
                    localTokens,
                    workerEvery,
                    notifier,
                    resources,
                    OrgOptions.defaults(),
                    null);
        }

        public Parts {
            Objects.requireNonNull(orgs, "orgs");
            Objects.requireNonNull(stores, "stores");
            Objects.requireNonNull(gateway, "gateway");
            Objects.requireNonNull(webhooks, "webhooks");
            Objects.requireNonNull(identities, "identities");
            Objects.requireNonNull(plans, "plans");
            Objects.requireNonNull(options, "options");
            Objects.requireNonNull(api, "api");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(workClock, "workClock");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(workerEvery, "workerEvery");
            Objects.requireNonNull(notifier, "notifier");
            if (webhookThreads < 1) {
                throw new IllegalArgumentException("webhookThreads must be at least 1");
            }
            resources = List.copyOf(resources);
        }
    }

    private BillingServer(Parts parts, OpenTelemetry openTelemetry, long startedNanos) {
        this.stores = parts.stores();
        this.resources = new ArrayList<>(parts.resources());
        long t = System.nanoTime();
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        this.gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        long tMetrics = System.nanoTime();
        PaymentGateway gateway = new MeteredPaymentGateway(parts.gateway(), registry);
        BillingStores coreStores = parts.stores();
        Billing.Builder builder = Billing.builder();
        if (openTelemetry != OpenTelemetry.noop()) { // undecorated when nothing traces: not even a proxy's call
            OpenTelemetryTracing tracing = OpenTelemetryTracing.create(openTelemetry);
            gateway = tracing.gateway(gateway);
            coreStores = tracing.stores(coreStores);
            builder.tracer(tracing.tracer());
        }
        if (parts.clerkWebhooks() != null) {
            builder.membershipVerifier(parts.clerkWebhooks());
        }
        this.billing = builder.gateway(gateway)
                .webhookVerifier(parts.webhooks())
                .orgs(parts.orgs())
                .stores(coreStores)
                .plans(parts.plans())
                .options(parts.options())
                .clock(parts.clock())
                .workClock(parts.workClock())
                .notifier(parts.notifier())
                .background(BackgroundOptions.defaults()
                        .withWebhookThreads(parts.webhookThreads())
                        .withInboxEvery(parts.workerEvery())
                        .withMeterReportsEvery(parts.workerEvery().multipliedBy(5)))
                .observer(new WorkMetrics(registry))
                .build();
        StoreGauges.register(parts.stores(), registry, Duration.ofSeconds(5), parts.clock());
        PostgresBillingStores.bindPoolMetrics(parts.stores(), registry);
        HttpApi.Builder http = HttpApi.builder();
        if (parts.api().adminEnabled()) {
            http.pages(AdminDashboard.builder()
                    .billing(billing)
                    .adminToken(parts.api().adminToken())
                    .clientAddresses(parts.api().clientAddresses())
                    .clock(parts.workClock())
                    .build()::register); // sessions last real time
        }
        this.api = http.billing(billing)
                .identities(parts.identities())
                .settings(parts.api())
                .meterRegistry(registry)
                .requestLog(new Slf4jRequestLog())
                .conventionalRequestMetric(true)
                .openTelemetry(openTelemetry)
                .metricsScrape(registry::scrape)
                // Ready means the store answers: a Stripe outage must not take every instance out of the load
                // balancer (webhooks are still recorded, entitlements still answered). Stripe is reported.
                .readiness(List.of(
                        ReadinessCheck.of("store", parts.stores()::ping),
                        ReadinessCheck.informational("stripe", gateway::ping)))
                .localTokens(parts.localTokens())
                .build();
        long tApi = System.nanoTime();
        billing.start();
        try {
            api.start(parts.host(), parts.port());
        } catch (RuntimeException e) {
            billing.close();
            throw e;
        }
        long tStarted = System.nanoTime();
        this.startupTime = Duration.ofNanos(System.nanoTime() - startedNanos);
        LOG.atDebug().log(
                "start-up phases: metrics {} ms, core and API wiring {} ms, HTTP listener {} ms",
                (tMetrics - t) / 1_000_000,
                (tApi - tMetrics) / 1_000_000,
                (tStarted - tApi) / 1_000_000);
    }

    /**
     * Wires and starts everything, traced by the OpenTelemetry installed in the process if any (the Java agent's),
     * else untraced; on failure whatever was started is stopped again.
     */
    public static BillingServer start(Parts parts) {
        return start(parts, GlobalOpenTelemetry.getOrNoop());
    }

    /** Like {@link #start(Parts)}, with the requests, webhooks, Stripe and store calls traced on {@code otel}. */
    public static BillingServer start(Parts parts, OpenTelemetry otel) {
        long started = System.nanoTime();
        try {
            BillingServer server = new BillingServer(parts, otel, started);
            LOG.atInfo()
                    .addKeyValue("startupMs", server.startupTime.toMillis())
                    .addKeyValue("port", server.port())
                    .log("billing server ready on port {} in {} ms", server.port(), server.startupTime.toMillis());
            return server;
        } catch (RuntimeException e) {
            closeQuietly(parts.stores());
            List<AutoCloseable> reversed = new ArrayList<>(parts.resources());
            java.util.Collections.reverse(reversed);
            reversed.forEach(BillingServer::closeQuietly);
            throw e;
        }
    }

    public int port() {
        return api.port();
    }

    public Billing billing() {
        return billing;
    }

    public HttpApi api() {
        return api;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** From wiring to listening (excludes whatever the caller started before, e.g. embedded Postgres). */
    public Duration startupTime() {
        return startupTime;
    }

    /**
     * Stops, out of the load balancer first: for {@code drain}, {@code GET /health/ready} answers 503 and every answer
     * closes its connection while every request is still served (so balancers and clients that keep connections
     * alive move to other instances); then {@link #close()}. With a zero {@code drain}, just {@link #close()}.
     */
    public void stop(Duration drain) {
        if (!drain.isZero() && !drain.isNegative()) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                api.drain();
            }
            LOG.info("billing server draining for {} s: not ready, still serving", drain.toSeconds());
            try {
                Thread.sleep(drain.toMillis()); // the balancer's own time to notice, not an ordering wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        close();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("billing server stopping");
        closeQuietly(api);
        closeQuietly(billing);
        closeQuietly(stores);
        closeQuietly(gcMetrics);
        List<AutoCloseable> reversed = new ArrayList<>(resources);
        java.util.Collections.reverse(reversed);
        reversed.forEach(BillingServer::closeQuietly);
        registry.close();
        LOG.info("billing server stopped");
    }

    static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("Closing {} failed: {}", closeable.getClass().getSimpleName(), e.toString());
        }
    }
}
