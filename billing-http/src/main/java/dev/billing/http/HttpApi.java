package dev.billing.http;

import dev.billing.core.Billing;
import dev.billing.core.port.IdentityVerifier;
import dev.billing.http.log.RequestLog;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.compression.Gzip;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The billing HTTP API served by Javalin (Jetty): an {@link ApiDispatcher} with Javalin's routing, gzip, Jetty's
 * limits and JSON answers for what Jetty refuses itself. The routes whose paths have no parameters (the webhooks, the
 * catalog, entitlements and usage: most of a server's requests) are served by the same dispatcher on Jetty's handler
 * API in front of Javalin ({@link DirectRoutes}), with the same answers. Javalin is an optional dependency of this
 * module: a host that serves the API with another framework (the Spring Boot starter) never loads this class.
 *
 * <p>Usage:
 * <pre>{@code
 * HttpApi api = HttpApi.builder().billing(billing).identities(verifier).settings(settings)
 *         .readiness(List.of(ReadinessCheck.of("store", billing.stores()::ping))).build().start("0.0.0.0", 8080);
 * ...
 * api.close();
 * }</pre>
 */
public final class HttpApi implements AutoCloseable {
    /** Pending connections the kernel queues before Jetty accepts them. */
    static final int ACCEPT_QUEUE = 1024;

    static final String SESSION_COOKIE = ApiDispatcher.SESSION_COOKIE;
    static final String REQUEST_METRIC = ApiDispatcher.REQUEST_METRIC;

    private static final System.Logger LOG = System.getLogger(HttpApi.class.getName());

    private final ApiDispatcher api;
    private final DirectRoutes direct;
    private final List<Consumer<JavalinConfig>> pages;
    private Javalin app;
    private JettyServerThreadPoolMetrics threadMetrics;

    private HttpApi(ApiDispatcher api, List<Consumer<JavalinConfig>> pages) {
        this.api = api;
        this.direct = new DirectRoutes(api, DirectRoutes.of(api.routes()));
        this.pages = List.copyOf(pages);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds and starts serving; port 0 picks a free port (see {@link #port()}). */
    public synchronized HttpApi start(String host, int port) {
        if (app != null) {
            throw new IllegalStateException("already started");
        }
        if (api.settings().virtualThreads()) {
            RequestThreads.requireSupported();
        }
        app = Javalin.create(config -> configure(config, host, port));
        app.start();
        // Busy, idle and queued request threads (jetty_threads_*): a pool too small for the load shows there first.
        threadMetrics =
                new JettyServerThreadPoolMetrics(app.jettyServer().server().getThreadPool(), List.of());
        threadMetrics.bindTo(api.meterRegistry());
        for (Connector connector : app.jettyServer().server().getConnectors()) {
            if (connector instanceof AbstractConnector c) {
                c.setShutdownIdleTimeout(100); // idle keep-alive connections need not delay a graceful stop by 1 s
            }
        }
        LOG.log(
                System.Logger.Level.INFO,
                "HTTP API listening on {0}:{1} ({2} routes)",
                host,
                String.valueOf(app.port()),
                String.valueOf(api.routes().size()));
        return this;
    }

    public int port() {
        return app.port();
    }

    /** The listen backlog of the server's connector (for tests). */
    int acceptQueueSize() {
        return ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getAcceptQueueSize();
    }

    /** The route table (what {@code /openapi.json} documents). */
    public List<ApiRoute> routes() {
        return api.routes();
    }

    /** The routes served on Jetty's handler API in front of Javalin, as {@code "POST /webhooks/stripe"}, sorted. */
    public List<String> directRoutes() {
        return direct.served();
    }

    /** What Javalin actually registered, as {@code "GET /path"}. */
    public List<String> registeredRoutes() {
        List<String> keys = new ArrayList<>();
        app.unsafe.internalRouter.allHttpHandlers().forEach(e -> {
            if (e.endpoint.method.isHttpMethod()) {
                keys.add(e.endpoint.method.name() + " " + e.endpoint.path);
            }
        });
        return keys;
    }

    public JsonCodec json() {
        return api.json();
    }

    /** The server-neutral API this serves. */
    public ApiDispatcher dispatcher() {
        return api;
    }

    /**
     * Takes this instance out of its load balancer before {@link #close()}: {@code GET /health/ready} answers 503
     * and every answer closes its connection, while every route is still served. Call it, wait as long as the
     * balancer needs to see it (its health check's interval times its threshold), then close.
     */
    public void drain() {
        api.drain();
    }

    /** Stops accepting requests, waits up to the stop timeout for those in flight, and stops. */
    @Override
    public synchronized void close() {
        if (app != null) {
            app.stop();
            app = null;
        }
        if (threadMetrics != null) {
            // Removes its meters: a registry that outlives this server keeps none of a stopped pool.
            try {
                threadMetrics.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "Jetty's thread pool meters were not removed", e);
            }
            threadMetrics = null;
        }
        api.close();
    }

    private void configure(JavalinConfig config, String host, int port) {
        ApiSettings settings = api.settings();
        config.startup.showJavalinBanner = false;
        config.startup.startupWatcherEnabled = false;
        config.startup.showOldJavalinVersionWarning = false;
        config.jetty.host = host;
        config.jetty.port = port;
        config.jetty.threadPool = settings.virtualThreads()
                ? RequestThreads.virtual(settings.requestThreads())
                : RequestThreads.platform(settings.requestThreads());
        config.http.maxRequestSize = Math.max(settings.maxBodyBytes(), settings.maxWebhookBytes());
        config.http.prefer405over404 = true;
        config.http.compressionStrategy = compression();
        config.jetty.modifyHttpConfiguration(http -> {
            http.setRequestHeaderSize(settings.maxHeaderBytes());
            // Jetty keeps a per-connection cache of header fields (Authorization among them) for reuse by the next
            // request. Session tokens differ per user and per minute, and behind a proxy one connection carries
            // many users: the cache then fills with single-use tokens and is wiped and rebuilt on almost every
            // request. Off.
            http.setHeaderCacheSize(0);
            http.setSendServerVersion(false);
            http.setSendXPoweredBy(false);
            // While draining, each answer closes its connection: a client that keeps connections alive (a proxy, a
            // balancer, Stripe) opens a new one for its next request, which the balancer sends elsewhere, instead of
            // sending it on this one just as the stop closes it unanswered.
            http.addCustomizer((request, responseHeaders) -> {
                if (api.draining()) {
                    responseHeaders.put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
                }
                return request;
            });
        });
        config.jetty.addConnector((server, http) -> {
            ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost(host);
            connector.setPort(port);
            // The listen backlog: Jetty's default (50) overflows when clients open many connections at once (a
            // proxy's pool warming up, a load test), and the kernel retries a dropped SYN only after 1 s.
            connector.setAcceptQueueSize(ACCEPT_QUEUE);
            return connector;
        });
        config.jetty.modifyServer(server -> {
            // Before Javalin's servlet, which Javalin then puts inside it (the innermost handler of the chain).
            server.insertHandler(direct);
            server.setErrorHandler(new JsonErrorHandler(api.json()));
            server.setStopTimeout(settings.stopTimeout().toMillis());
        });
        config.requestLogger.http(this::logRequest);
        config.router.javaLangErrorHandler((response, error) -> {
            LOG.log(System.Logger.Level.ERROR, "Fatal error while serving a request", error);
            response.setStatus(500);
        });
        config.routes.before(ctx -> {
            if (!api.before(JavalinExchange.of(ctx))) {
                ctx.skipRemainingHandlers();
            }
        });
        config.routes.exception(
                HttpResponseException.class,
                (e, ctx) -> api.errors().handle(JavalinExchange.refusal(e), JavalinExchange.of(ctx)));
        config.routes.exception(Exception.class, (e, ctx) -> api.errors().handle(e, JavalinExchange.of(ctx)));
        for (ApiRoute route : api.routes()) {
            config.routes.addEndpoint(Endpoint.create(handlerType(route.method()), route.path())
                    .handler(ctx -> api.handleTraced(JavalinExchange.of(ctx), route)));
        }
        pages.forEach(p -> p.accept(config));
    }

    private static HandlerType handlerType(HttpMethod method) {
        return switch (method) {
            case GET -> HandlerType.GET;
            case POST -> HandlerType.POST;
            case DELETE -> HandlerType.DELETE;
        };
    }

    /**
     * Javalin's gzip (answers of 1,500 bytes or more, for clients that send {@code Accept-Encoding: gzip}), with the
     * content types this API answers with listed as allowed: Javalin decides on every answer, and an allowed type is
     * one lookup where any other type is matched against its ten excluded types (images, archives), ignoring case.
     */
    private CompressionStrategy compression() {
        CompressionStrategy gzip = new CompressionStrategy(null, new Gzip());
        gzip.setDefaultMinSizeForCompression(JettyExchange.MIN_COMPRESSED_BYTES); // one threshold for both paths
        Set<String> allowed = new LinkedHashSet<>(gzip.getAllowedMimeTypes());
        allowed.add("application/json");
        api.routes().forEach(route -> allowed.add(route.responseType()));
        gzip.setAllowedMimeTypes(List.copyOf(allowed));
        return gzip;
    }

    private void logRequest(Context ctx, Float millis) {
        Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
        String template = endpoint == null || endpoint.path.isEmpty() ? "unmatched" : endpoint.path;
        api.log(JavalinExchange.of(ctx), template, (long) (millis * 1_000_000L));
    }

    /** Assembles an {@link HttpApi}; billing, identities and settings are required. */
    public static final class Builder {
        private final ApiDispatcher.Builder api = ApiDispatcher.builder();
        private final List<Consumer<JavalinConfig>> pages = new ArrayList<>();

        private Builder() {}

        public Builder billing(Billing value) {
            api.billing(value);
            return this;
        }

        public Builder identities(IdentityVerifier value) {
            api.identities(value);
            return this;
        }

        public Builder settings(ApiSettings value) {
            api.settings(value);
            return this;
        }

        /** Where request timers and webhook counters go (a private SimpleMeterRegistry by default). */
        public Builder meterRegistry(MeterRegistry value) {
            api.meterRegistry(value);
            return this;
        }

        /** The Prometheus scrape behind {@code GET /metrics}; without it the route does not exist. */
        public Builder metricsScrape(Supplier<String> value) {
            api.metricsScrape(value);
            return this;
        }

        public Builder readiness(List<ReadinessCheck> value) {
            api.readiness(value);
            return this;
        }

        /** Local mode only: enables {@code POST /local/token}. */
        /** Where the requests' server spans go (none by default). */
        public Builder openTelemetry(io.opentelemetry.api.OpenTelemetry value) {
            api.openTelemetry(value);
            return this;
        }

        public Builder localTokens(LocalTokens value) {
            api.localTokens(value);
            return this;
        }

        /** Where each request's id, caller and access line go; see {@link ApiDispatcher.Builder#requestLog}. */
        public Builder requestLog(RequestLog value) {
            api.requestLog(value);
            return this;
        }

        /** See {@link ApiDispatcher.Builder#conventionalRequestMetric}. */
        public Builder conventionalRequestMetric(boolean value) {
            api.conventionalRequestMetric(value);
            return this;
        }

        /**
         * Routes served beside the API that are not part of it (the admin dashboard's pages): registered after the
         * API's routes, behind the same request id, headers and access log, and left out of {@code /openapi.json}.
         * Handlers they add before or after requests see only what Javalin serves: the API's fixed-path routes are
         * answered in front of Javalin ({@link DirectRoutes}).
         */
        public Builder pages(Consumer<JavalinConfig> value) {
            pages.add(Objects.requireNonNull(value, "pages"));
            return this;
        }

        public HttpApi build() {
            return new HttpApi(api.build(), pages);
        }
    }
}
