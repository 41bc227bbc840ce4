package dev.billing.http;

import dev.billing.core.Billing;
import dev.billing.core.error.IdentityRejectedException;
import dev.billing.core.model.Identity;
import dev.billing.core.port.IdentityVerifier;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.compression.Gzip;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The billing HTTP API on Javalin: the route table, the one error mapping, request ids, CORS, authentication,
 * rate limits, the access log and request metrics. It knows the core only; the server's composition root hands it
 * a {@link Billing}, an {@link IdentityVerifier} and the operational hooks.
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

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final Logger ACCESS = LoggerFactory.getLogger("dev.billing.http.access");
    static final String SESSION_COOKIE = "__session";
    static final String REQUEST_METRIC = "billing.http.requests";
    private static final String USER_ATTRIBUTE = "billing.userId";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final Billing billing;
    private final IdentityVerifier identities;
    private final ApiSettings settings;
    private final MeterRegistry registry;
    private final JsonCodec json = new JsonCodec();
    private final ErrorMapper errors = new ErrorMapper(json);
    private final RateLimiter userLimiter;
    private final RateLimiter ipLimiter;
    private final OpsHandlers ops;
    private final List<ApiRoute> routes;
    private final byte[] adminTokenDigest;
    private final Set<String> headPaths;
    private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();
    private Javalin app;

    private HttpApi(Builder b) {
        this.billing = Objects.requireNonNull(b.billing, "billing");
        this.identities = Objects.requireNonNull(b.identities, "identities");
        this.settings = Objects.requireNonNull(b.settings, "settings");
        this.registry = b.registry == null ? new SimpleMeterRegistry() : b.registry;
        this.userLimiter = new RateLimiter(settings.userRequestsPerMinute(), settings.rateLimitKeys(), "user");
        this.ipLimiter = new RateLimiter(settings.ipRequestsPerMinute(), settings.rateLimitKeys(), "IP address");
        this.adminTokenDigest = settings.adminEnabled() ? sha256(settings.adminToken()) : null;
        this.ops = new OpsHandlers(settings.version(), b.readiness, b.metrics);
        for (String dependency : ops.checkNames()) {
            io.micrometer.core.instrument.Gauge.builder("billing.dependency.up", ops, o -> o.up(dependency))
                    .description("1 when the dependency's last readiness check passed, 0 when it failed")
                    .tag("dependency", dependency).strongReference(true).register(registry);
        }
        RouteTable.Handlers handlers = new RouteTable.Handlers(ops, new CatalogHandlers(billing, json),
                new AccountHandlers(billing), new SubscriptionHandlers(billing), new PaymentMethodHandlers(billing),
                new InvoiceHandlers(billing), new EntitlementHandlers(billing, json),
                new WebhookHandlers(billing, registry), new AdminHandlers(billing),
                b.localTokens == null ? null : new LocalHandlers(b.localTokens), b.metrics != null);
        this.routes = RouteTable.routes(handlers, settings);
        // Javalin answers HEAD for any GET route with an empty 200 and without running it (so without
        // authentication): HEAD is allowed only where anyone may GET anyway.
        this.headPaths = routes.stream().filter(r -> r.method() == io.javalin.http.HandlerType.GET)
                .filter(r -> r.access() == Access.PUBLIC || r.access() == Access.HEALTH)
                .map(ApiRoute::path).collect(java.util.stream.Collectors.toUnmodifiableSet());
        ops.openApi(json.write(OpenApiDocument.of(routes, settings.version())));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds and starts serving; port 0 picks a free port (see {@link #port()}). */
    public synchronized HttpApi start(String host, int port) {
        if (app != null) {
            throw new IllegalStateException("already started");
        }
        app = Javalin.create(config -> configure(config, host, port));
        app.start();
        for (org.eclipse.jetty.server.Connector connector : app.jettyServer().server().getConnectors()) {
            if (connector instanceof org.eclipse.jetty.server.AbstractConnector c) {
                c.setShutdownIdleTimeout(100); // idle keep-alive connections need not delay a graceful stop by 1 s
            }
        }
        LOG.info("HTTP API listening on {}:{} ({} routes)", host, app.port(), routes.size());
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
        return routes;
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
        return json;
    }

    /** Stops accepting requests, waits up to the stop timeout for those in flight, and stops. */
    @Override
    public synchronized void close() {
        if (app != null) {
            app.stop();
            app = null;
        }
        ops.close();
    }

    private void configure(JavalinConfig config, String host, int port) {
        config.startup.showJavalinBanner = false;
        config.startup.startupWatcherEnabled = false;
        config.startup.showOldJavalinVersionWarning = false;
        config.jetty.host = host;
        config.jetty.port = port;
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
            server.setErrorHandler(new JsonErrorHandler(json));
            server.setStopTimeout(settings.stopTimeout().toMillis());
        });
        config.requestLogger.http(this::logRequest);
        config.router.javaLangErrorHandler((response, error) -> {
            LOG.error("Fatal error while serving a request", error);
            response.setStatus(500);
        });
        config.routes.before(this::before);
        config.routes.exception(HttpResponseException.class, errors::handle);
        config.routes.exception(Exception.class, errors::handle);
        for (ApiRoute route : routes) {
            config.routes.addEndpoint(Endpoint.create(route.method(), route.path())
                    .handler(ctx -> handle(ctx, route)));
        }
    }

    /**
     * Javalin's gzip (answers of 1,500 bytes or more, for clients that send {@code Accept-Encoding: gzip}), with the
     * content types this API answers with listed as allowed: Javalin decides on every answer, and an allowed type is
     * one lookup where any other type is matched against its ten excluded types (images, archives), ignoring case.
     */
    private CompressionStrategy compression() {
        CompressionStrategy gzip = new CompressionStrategy(null, new Gzip());
        Set<String> allowed = new java.util.LinkedHashSet<>(gzip.getAllowedMimeTypes());
        allowed.add("application/json");
        routes.forEach(route -> allowed.add(route.responseType()));
        gzip.setAllowedMimeTypes(List.copyOf(allowed));
        return gzip;
    }

    private void before(Context ctx) {
        MDC.clear();
        RequestIds.assign(ctx);
        ctx.header("Cache-Control", "no-store");
        ctx.header("X-Content-Type-Options", "nosniff");
        if ("HEAD".equals(ctx.method().name()) && !headPaths.contains(stripTrailingSlash(ctx.path()))) {
            throw ApiException.of(405, "method_not_allowed", "HEAD is answered for public routes only; use GET.",
                    java.util.Map.of("Allow", "GET"));
        }
        String origin = ctx.header("Origin");
        if (origin != null && settings.allowedOrigins().contains(origin)) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Access-Control-Allow-Credentials", "true");
            ctx.header("Access-Control-Expose-Headers", "X-Request-Id, Retry-After");
            ctx.header("Vary", "Origin");
            if ("OPTIONS".equals(ctx.method().name()) && ctx.header("Access-Control-Request-Method") != null) {
                ctx.header("Access-Control-Allow-Methods", "GET, POST, DELETE");
                ctx.header("Access-Control-Allow-Headers",
                        "Authorization, Content-Type, Idempotency-Key, X-Request-Id");
                ctx.header("Access-Control-Max-Age", "600");
                ctx.status(204);
                ctx.skipRemainingHandlers();
            }
        }
    }

    private void handle(Context ctx, ApiRoute route) throws Exception {
        Access access = route.access();
        if (access == Access.ADMIN && adminTokenDigest == null) {
            throw ApiException.of(404, "not_found", "There is no such route.");
        }
        if (access != Access.HEALTH && access != Access.WEBHOOK) {
            ipLimiter.check(clientIp(ctx));
        }
        Identity identity = null;
        if (access == Access.USER) {
            identity = authenticate(ctx);
            ctx.attribute(USER_ATTRIBUTE, identity.userId().value());
            MDC.put("userId", identity.userId().value());
            userLimiter.check(identity.userId().value());
        } else if (access == Access.ADMIN) {
            checkAdmin(ctx);
        }
        long limit = access == Access.WEBHOOK ? settings.maxWebhookBytes() : settings.maxBodyBytes();
        Object result = route.handler().handle(new Call(ctx, route, identity, json, limit));
        write(ctx, route, result);
    }

    private static String stripTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private Identity authenticate(Context ctx) {
        String authorization = ctx.header("Authorization");
        String token;
        boolean fromCookie = false;
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw new IdentityRejectedException(IdentityRejectedException.Reason.MALFORMED,
                        "the Authorization header is not a bearer token");
            }
            token = authorization.substring(7).strip();
        } else {
            token = ctx.cookie(SESSION_COOKIE);
            fromCookie = true;
        }
        if (token == null || token.isBlank()) {
            throw new IdentityRejectedException(IdentityRejectedException.Reason.MISSING, "no session token");
        }
        Identity identity = identities.verify(token);
        if (fromCookie && !SAFE_METHODS.contains(ctx.method().name())) {
            // A cookie rides along on cross-site requests: a write authenticated by it must come from our origins.
            String origin = ctx.header("Origin");
            if (origin == null || !settings.allowedOrigins().contains(origin)) {
                throw ApiException.of(403, "origin_not_allowed",
                        "Requests authenticated by the session cookie must come from an allowed origin.");
            }
        }
        return identity;
    }

    private void checkAdmin(Context ctx) {
        String authorization = ctx.header("Authorization");
        boolean ok = false;
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ok = MessageDigest.isEqual(adminTokenDigest, sha256(authorization.substring(7).strip()));
        }
        if (!ok) {
            throw ApiException.of(401, "unauthenticated", "The admin token is missing or wrong.",
                    java.util.Map.of("WWW-Authenticate", "Bearer"));
        }
    }

    private String clientIp(Context ctx) {
        if (settings.trustForwardedFor()) {
            String forwarded = ctx.header("X-Forwarded-For");
            if (forwarded != null) {
                String[] hops = forwarded.split(",");
                String last = hops[hops.length - 1].strip();
                if (!last.isEmpty() && last.length() <= 64) {
                    return last;
                }
            }
        }
        return ctx.ip();
    }

    private void write(Context ctx, ApiRoute route, Object result) {
        if (result == null) {
            ctx.status(204);
            return;
        }
        if (result instanceof Reply reply) {
            reply.headers().forEach(ctx::header);
            ctx.status(reply.status()).contentType(reply.contentType());
            if (reply.body() instanceof byte[] bytes) {
                ctx.result(bytes);
            } else if (reply.body() instanceof String text) {
                ctx.result(text.getBytes(StandardCharsets.UTF_8));
            } else if (reply.body() != null) {
                ctx.result(json.write(reply.body()));
            }
            return;
        }
        ctx.status(route.status()).contentType("application/json").result(json.write(result));
    }

    private void logRequest(Context ctx, Float millis) {
        try {
            Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
            String template = endpoint == null || endpoint.path.isEmpty() ? "unmatched" : endpoint.path;
            String method = ctx.method().name();
            int status = ctx.statusCode();
            long nanos = (long) (millis * 1_000_000L);
            timer(method, template, status).record(nanos, TimeUnit.NANOSECONDS);
            if (!ACCESS.isInfoEnabled()) {
                return;
            }
            Object user = ctx.attribute(USER_ATTRIBUTE);
            long tenths = Math.round(millis * 10);
            ACCESS.atInfo()
                    .addKeyValue("method", method)
                    .addKeyValue("route", template)
                    .addKeyValue("path", ctx.path())
                    .addKeyValue("status", status)
                    .addKeyValue("durationMs", tenths / 10.0)
                    .addKeyValue("ip", clientIp(ctx))
                    .addKeyValue("userId", user)
                    .log("{} {} {} {}ms", method, ctx.path(), status, oneDecimal(tenths));
        } finally {
            MDC.clear();
        }
    }

    /** The request timer of one method, route template and status, registered once and then reused. */
    private Timer timer(String method, String route, int status) {
        TimerKey key = new TimerKey(method, route, status);
        Timer timer = timers.get(key);
        if (timer == null) {
            timer = timers.computeIfAbsent(key, k -> Timer.builder(REQUEST_METRIC)
                    .description("HTTP requests by route template, method and status")
                    .tags("method", k.method(), "route", k.route(), "status", Integer.toString(k.status()))
                    .serviceLevelObjectives(SLOS)
                    .register(registry));
        }
        return timer;
    }

    private record TimerKey(String method, String route, int status) {
    }

    /** {@code 31} -> {@code "3.1"} (what {@code String.format("%.1f")} prints, without its cost). */
    static String oneDecimal(long tenths) {
        long abs = Math.abs(tenths);
        return (tenths < 0 ? "-" : "") + abs / 10 + "." + abs % 10;
    }

    private static final Duration[] SLOS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Assembles an {@link HttpApi}; billing, identities and settings are required. */
    public static final class Builder {
        private Billing billing;
        private IdentityVerifier identities;
        private ApiSettings settings = ApiSettings.builder().build();
        private MeterRegistry registry;
        private Supplier<String> metrics;
        private List<ReadinessCheck> readiness = List.of();
        private LocalTokens localTokens;

        private Builder() {
        }

        public Builder billing(Billing value) {
            this.billing = value;
            return this;
        }

        public Builder identities(IdentityVerifier value) {
            this.identities = value;
            return this;
        }

        public Builder settings(ApiSettings value) {
            this.settings = value;
            return this;
        }

        /** Where request timers and webhook counters go (a private SimpleMeterRegistry by default). */
        public Builder meterRegistry(MeterRegistry value) {
            this.registry = value;
            return this;
        }

        /** The Prometheus scrape behind {@code GET /metrics}; without it the route does not exist. */
        public Builder metricsScrape(Supplier<String> value) {
            this.metrics = value;
            return this;
        }

        public Builder readiness(List<ReadinessCheck> value) {
            this.readiness = List.copyOf(value);
            return this;
        }

        /** Local mode only: enables {@code POST /local/token}. */
        public Builder localTokens(LocalTokens value) {
            this.localTokens = value;
            return this;
        }

        public HttpApi build() {
            return new HttpApi(this);
        }
    }
}
