package dev.billing.http;

import dev.billing.core.Billing;
import dev.billing.core.audit.AuditContext;
import dev.billing.core.error.IdentityRejectedException;
import dev.billing.core.model.Identity;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.port.IdentityVerifier;
import dev.billing.core.servicekey.ServiceKeys;
import dev.billing.http.log.AccessEntry;
import dev.billing.http.log.RequestLog;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Scope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The billing HTTP API without a server: the route table, authentication, rate limits, request ids, CORS, the one
 * error mapping, the access log, request metrics and server spans, over an {@link Exchange}. {@link HttpApi} serves it on
 * Javalin; a host's own web framework (the Spring Boot starter's Spring MVC mapping) can serve the same routes with
 * the same answers.
 *
 * <p>Usage: {@code ApiDispatcher api = ApiDispatcher.builder().billing(billing).identities(verifier)
 * .settings(settings).build(); ... api.dispatch(exchange, route);}
 */
public final class ApiDispatcher implements AutoCloseable {
    static final String SESSION_COOKIE = "__session";
    static final String STRIPE_WEBHOOK = "/webhooks/stripe";
    static final String REQUEST_METRIC = "billing.http.requests";
    /** The name Micrometer's and Spring's own HTTP instrumentation use; see {@link Builder#conventionalRequestMetric}. */
    static final String CONVENTIONAL_REQUEST_METRIC = "http.server.requests";
    /** The exchange attribute holding the signed-in caller's user id (for the access log). */
    public static final String USER_ATTRIBUTE = "billing.userId";

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final IdentityVerifier identities;
    private final ApiSettings settings;
    private final MeterRegistry registry;
    private final JsonCodec json = new JsonCodec();
    private final ErrorMapper errors = new ErrorMapper(json);
    private final RateLimiter userLimiter;
    private final RateLimiter ipLimiter;
    private final ServiceAccess service;
    private final OpsHandlers ops;
    private final List<ApiRoute> routes;
    private final byte[] adminTokenDigest;
    private final Set<String> headPaths;
    private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();
    private final RequestLog requestLog;
    private final boolean conventionalMetric;
    private final RequestSpans spans;

    private ApiDispatcher(Builder b) {
        Billing billing = Objects.requireNonNull(b.billing, "billing");
        this.identities = Objects.requireNonNull(b.identities, "identities");
        this.settings = Objects.requireNonNull(b.settings, "settings");
        this.registry = b.registry == null ? new SimpleMeterRegistry() : b.registry;
        this.requestLog = b.requestLog;
        this.conventionalMetric = b.conventionalMetric;
        this.spans = new RequestSpans(b.openTelemetry);
        this.userLimiter = new RateLimiter(settings.userRequestsPerMinute(), settings.rateLimitKeys(), "user");
        this.ipLimiter = new RateLimiter(settings.ipRequestsPerMinute(), settings.rateLimitKeys(), "IP address");
        this.adminTokenDigest = settings.adminEnabled() ? sha256(settings.adminToken()) : null;
        this.service = new ServiceAccess(
                billing.useCases().serviceKeys(),
                new RateLimiter(settings.serviceKeyRequestsPerMinute(), settings.rateLimitKeys(), "service key"));
        this.ops = new OpsHandlers(settings.version(), b.readiness, b.metrics);
        for (String dependency : ops.checkNames()) {
            Gauge.builder("billing.dependency.up", ops, o -> o.up(dependency))
                    .description("1 when the dependency's last readiness check passed, 0 when it failed")
                    .tag("dependency", dependency)
                    .strongReference(true)
                    .register(registry);
        }
        RouteTable.Handlers handlers = new RouteTable.Handlers(
                ops,
                new CatalogHandlers(billing, json),
                new AccountHandlers(billing),
                new SheetHandlers(billing),
                new SubscriptionHandlers(billing),
                new PaymentMethodHandlers(billing),
                new InvoiceHandlers(billing),
                new EntitlementHandlers(billing, json),
                new WebhookHandlers(billing, registry),
                new AdminHandlers(billing),
                new OrgHandlers(billing),
                new ExportHandlers(billing, json, settings.erasure()),
                new GuestHandlers(
                        billing,
                        new RateLimiter(
                                settings.guestCheckoutsPerMinute(),
                                settings.rateLimitKeys(),
                                "IP address's guest checkouts")),
                b.localTokens == null ? null : new LocalHandlers(b.localTokens),
                b.metrics != null);
        this.routes = RouteTable.routes(handlers, settings);
        // HEAD is allowed only where anyone may GET anyway (a server may answer HEAD without running the route).
        this.headPaths = routes.stream()
                .filter(r -> r.method() == HttpMethod.GET)
                .filter(r -> r.access() == Access.PUBLIC || r.access() == Access.HEALTH)
                .map(ApiRoute::path)
                .collect(Collectors.toUnmodifiableSet());
        ops.openApi(json.write(OpenApiDocument.of(routes, settings.version())));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every route, as {@code /openapi.json} documents them. */
    public List<ApiRoute> routes() {
        return routes;
    }

    public JsonCodec json() {
        return json;
    }

    /** Where this API's meters go (the host's registry, or a private one). */
    MeterRegistry meterRegistry() {
        return registry;
    }

    public ApiSettings settings() {
        return settings;
    }

    public ErrorMapper errors() {
        return errors;
    }

    /** Whether HEAD may be answered for this GET route's path. */
    public boolean allowsHead(String path) {
        return headPaths.contains(path);
    }

    /**
     * One request to a matched route, start to end: {@link #before}, the route (or the CORS preflight answer), the
     * error answer for any failure (an {@link Error} too: a 500 like any unexpected failure, as Javalin answers it),
     * then the access line and the request timer.
     */
    public void dispatch(Exchange exchange, ApiRoute route) {
        long start = System.nanoTime();
        try (Scope span = spans.start(exchange, route.path())) {
            try {
                if (before(exchange)) {
                    if ("OPTIONS".equals(exchange.method())) {
                        throw ApiException.of(405, "method_not_allowed", "This route does not accept this method.");
                    }
                    handle(exchange, route);
                }
            } catch (Exception | Error e) {
                RequestSpans.failed(exchange, e);
                errors.handle(e, exchange);
            } finally {
                log(exchange, route.path(), System.nanoTime() - start);
            }
        }
    }

    /**
     * {@link #handle} under the request's server span, for a server that runs {@link #before} and {@link #log} as
     * handlers of their own (Javalin's routes with path parameters): the span ends with {@link #log}.
     */
    public void handleTraced(Exchange exchange, ApiRoute route) throws Exception {
        try (Scope span = spans.start(exchange, route.path())) {
            handle(exchange, route);
        } catch (Exception | Error e) {
            RequestSpans.failed(exchange, e);
            throw e;
        }
    }

    /**
     * A request the server matched to no route's method (or a route switched off): the request id and CORS as for
     * any request, then the API's error answer for {@code refusal}, the access line and the timer under
     * {@code template}.
     */
    public void refuse(Exchange exchange, String template, ApiException refusal) {
        long start = System.nanoTime();
        try (Scope span = spans.start(exchange, template)) {
            try {
                if (before(exchange)) {
                    throw refusal;
                }
            } catch (Exception e) {
                errors.handle(e, exchange);
            } finally {
                log(exchange, template, System.nanoTime() - start);
            }
        }
    }

    /**
     * What every request gets first: the request id, no-store and nosniff, the HEAD rule, and CORS for allowed
     * origins. Returns false when the request is answered already (a CORS preflight).
     */
    public boolean before(Exchange ctx) {
        requestLog.begin(RequestIds.assign(ctx));
        ctx.header("Cache-Control", "no-store");
        ctx.header("X-Content-Type-Options", "nosniff");
        if ("HEAD".equals(ctx.method()) && !headPaths.contains(stripTrailingSlash(ctx.path()))) {
            throw ApiException.of(
                    405,
                    "method_not_allowed",
                    "HEAD is answered for public routes only; use GET.",
                    Map.of("Allow", "GET"));
        }
        String origin = ctx.header("Origin");
        if (origin != null && settings.allowedOrigins().contains(origin)) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Access-Control-Allow-Credentials", "true");
            ctx.header("Access-Control-Expose-Headers", "X-Request-Id, Retry-After");
            ctx.header("Vary", "Origin");
            if ("OPTIONS".equals(ctx.method()) && ctx.header("Access-Control-Request-Method") != null) {
                ctx.header("Access-Control-Allow-Methods", "GET, POST, DELETE");
                ctx.header(
                        "Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key, X-Request-Id");
                ctx.header("Access-Control-Max-Age", "600");
                ctx.status(204);
                return false;
            }
        }
        return true;
    }

    /** Access checks, rate limits, the route's logic, and its answer. */
    public void handle(Exchange ctx, ApiRoute route) throws Exception {
        Access access = route.access();
        if (access == Access.ADMIN && adminTokenDigest == null) {
            throw ApiException.of(404, "not_found", "There is no such route.");
        }
        if (access == Access.WEBHOOK
                && settings.stripeWebhookAllowlist()
                && route.path().equals(STRIPE_WEBHOOK)
                && !settings.stripeWebhookSources().contains(clientIp(ctx))) {
            // Before the body is read: a delivery from elsewhere costs no HMAC and stores nothing.
            throw ApiException.of(
                    403, "address_not_allowed", "Stripe webhooks are accepted from Stripe's addresses only.");
        }
        if (access != Access.HEALTH && access != Access.WEBHOOK) {
            ipLimiter.check(clientIp(ctx));
        }
        Identity identity = null;
        String serviceKey = null;
        String key = serviceKeyCredential(ctx);
        if (access == Access.USER && key != null) {
            identity = service.authenticate(ctx, route, key);
            serviceKey = (String) ctx.attribute(ServiceAccess.KEY_ATTRIBUTE);
            ctx.attribute(USER_ATTRIBUTE, identity.userId().value());
            requestLog.identified(identity.userId().value(), serviceKey);
        } else if (access == Access.USER) {
            identity = authenticate(ctx);
            ctx.attribute(USER_ATTRIBUTE, identity.userId().value());
            requestLog.identified(identity.userId().value(), null);
            userLimiter.check(identity.userId().value());
        } else if (access == Access.ADMIN) {
            checkAdmin(ctx, key);
        }
        long limit = access == Access.WEBHOOK ? settings.maxWebhookBytes() : settings.maxBodyBytes();
        Object result;
        // What the route changes is audited with this request as its cause (webhook effects: their event's id).
        String requestId = RequestIds.current(ctx);
        AuditCause why = serviceKey != null ? AuditCause.service(serviceKey, requestId) : auditCause(access, requestId);
        try (AuditContext.Scope cause = AuditContext.enter(why)) {
            result = route.handler().handle(new Call(ctx, route, identity, json, limit, clientIp(ctx)));
        }
        write(ctx, route, result);
    }

    private static AuditCause auditCause(Access access, String requestId) {
        return access == Access.ADMIN ? AuditCause.admin(requestId) : AuditCause.request(requestId);
    }

    /** The request timer, the end of the request's span and the access line (which ends the logging context). */
    public void log(Exchange ctx, String template, long nanos) {
        String method = ctx.method();
        int status = ctx.status();
        try {
            timer(method, template, status).record(nanos, TimeUnit.NANOSECONDS);
            RequestSpans.end(ctx, status, RequestIds.current(ctx));
        } finally {
            Object user = ctx.attribute(USER_ATTRIBUTE);
            requestLog.completed(new AccessEntry(
                    RequestIds.current(ctx),
                    method,
                    template,
                    ctx.path(),
                    status,
                    nanos,
                    clientIp(ctx),
                    user instanceof String u ? u : null,
                    ctx.attribute(ServiceAccess.KEY_ATTRIBUTE) instanceof String k ? k : null));
        }
    }

    /**
     * The instance is about to stop: from now on {@code GET /health/ready} answers 503 whatever its checks say, so
     * that load balancers stop sending requests here, while every route is still served. A server that keeps
     * connections alive should close each one after its next answer ({@link #draining()}).
     */
    public void drain() {
        ops.drain();
    }

    /** Whether {@link #drain()} was called. */
    public boolean draining() {
        return ops.draining();
    }

    /** Stops the readiness checks' executor. */
    @Override
    public void close() {
        ops.close();
    }

    private static String stripTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private Identity authenticate(Exchange ctx) {
        String authorization = ctx.header("Authorization");
        String token;
        boolean fromCookie = false;
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw new IdentityRejectedException(
                        IdentityRejectedException.Reason.MALFORMED, "the Authorization header is not a bearer token");
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
        if (identity.userId().isOrganization()) {
            // Accounts are users or organizations by id: a caller whose id is an organization's would act for it.
            throw new IdentityRejectedException(
                    IdentityRejectedException.Reason.MALFORMED, "the token's subject is an organization id");
        }
        if (fromCookie && !SAFE_METHODS.contains(ctx.method())) {
            // A cookie rides along on cross-site requests: a write authenticated by it must come from our origins.
            String origin = ctx.header("Origin");
            if (origin == null || !settings.allowedOrigins().contains(origin)) {
                throw ApiException.of(
                        403,
                        "origin_not_allowed",
                        "Requests authenticated by the session cookie must come from an allowed origin.");
            }
        }
        return identity;
    }

    /** The bearer credential when it is meant as a service key ({@code bsk_...}), else null. */
    private static String serviceKeyCredential(Exchange ctx) {
        String authorization = ctx.header("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String credential = authorization.substring(7).strip();
        return ServiceKeys.looksLikeKey(credential) ? credential : null;
    }

    private void checkAdmin(Exchange ctx, String serviceKey) {
        String authorization = ctx.header("Authorization");
        boolean ok = false;
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ok = MessageDigest.isEqual(
                    adminTokenDigest, sha256(authorization.substring(7).strip()));
        }
        if (!ok && serviceKey != null) {
            service.refuseOnAdmin(ctx, serviceKey); // a valid key is 403 here, never admin
        }
        if (!ok) {
            throw ApiException.of(
                    401,
                    "unauthenticated",
                    "The admin token is missing or wrong.",
                    Map.of("WWW-Authenticate", "Bearer"));
        }
    }

    /** The client's address, by the one rule of {@link dev.billing.core.config.ClientAddresses}. */
    String clientIp(Exchange ctx) {
        return settings.clientAddresses().resolve(ctx.remoteAddress(), ctx.header("X-Forwarded-For"));
    }

    private void write(Exchange ctx, ApiRoute route, Object result) {
        if (result == null) {
            ctx.status(204);
            return;
        }
        if (result instanceof Reply reply) {
            reply.headers().forEach(ctx::header);
            ctx.status(reply.status());
            ctx.contentType(reply.contentType());
            if (reply.body() instanceof byte[] bytes) {
                ctx.result(bytes);
            } else if (reply.body() instanceof String text) {
                ctx.result(text.getBytes(StandardCharsets.UTF_8));
            } else if (reply.body() != null) {
                ctx.result(json.write(reply.body()));
            }
            return;
        }
        ctx.status(route.status());
        ctx.contentType("application/json");
        ctx.result(json.write(result));
    }

    /** The request timer of one method, route template and status, registered once and then reused. */
    private Timer timer(String method, String route, int status) {
        TimerKey key = new TimerKey(method, route, status);
        Timer timer = timers.get(key);
        if (timer == null) {
            timer = timers.computeIfAbsent(
                    key,
                    k -> (conventionalMetric
                                    ? Timer.builder(CONVENTIONAL_REQUEST_METRIC)
                                            .tags(
                                                    "method",
                                                    k.method(),
                                                    "uri",
                                                    k.route(),
                                                    "status",
                                                    Integer.toString(k.status()),
                                                    "outcome",
                                                    outcome(k.status()))
                                    : Timer.builder(REQUEST_METRIC)
                                            .tags(
                                                    "method",
                                                    k.method(),
                                                    "route",
                                                    k.route(),
                                                    "status",
                                                    Integer.toString(k.status())))
                            .description("HTTP requests by route template, method and status")
                            .serviceLevelObjectives(SLOS)
                            .register(registry));
        }
        return timer;
    }

    private record TimerKey(String method, String route, int status) {}

    /** The {@code outcome} tag as Micrometer's HTTP conventions name the status classes. */
    static String outcome(int status) {
        if (status < 200) {
            return "INFORMATIONAL";
        } else if (status < 300) {
            return "SUCCESS";
        } else if (status < 400) {
            return "REDIRECTION";
        } else if (status < 500) {
            return "CLIENT_ERROR";
        }
        return status < 600 ? "SERVER_ERROR" : "UNKNOWN";
    }

    private static final Duration[] SLOS = {
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10)
    };

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Assembles an {@link ApiDispatcher}; billing, identities and settings are required. */
    public static final class Builder {
        private Billing billing;
        private IdentityVerifier identities;
        private ApiSettings settings = ApiSettings.builder().build();
        private MeterRegistry registry;
        private Supplier<String> metrics;
        private List<ReadinessCheck> readiness = List.of();
        private LocalTokens localTokens;
        private RequestLog requestLog = RequestLog.systemLogger();
        private boolean conventionalMetric;
        private OpenTelemetry openTelemetry = OpenTelemetry.noop();

        private Builder() {}

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

        /**
         * Where each request's id, caller and access line go ({@link RequestLog#systemLogger()} by default; the server
         * and the Spring starter pass {@link dev.billing.http.log.Slf4jRequestLog}).
         */
        public Builder requestLog(RequestLog value) {
            this.requestLog = Objects.requireNonNull(value, "requestLog");
            return this;
        }

        /**
         * Records requests as {@code http.server.requests} with tags {@code method}, {@code uri} (the route template),
         * {@code status} and {@code outcome}, the conventional name dashboards expect, instead of {@code
         * billing.http.requests} ({@code method}, {@code route}, {@code status}). For a host that does not time HTTP
         * requests itself, like the server: a Spring app's own instrumentation already records that name for every
         * request, these routes included, and one name may not carry two sets of tags.
         */
        public Builder conventionalRequestMetric(boolean value) {
            this.conventionalMetric = value;
            return this;
        }

        /** Where the requests' server spans go (none by default); W3C {@code traceparent} headers are continued. */
        public Builder openTelemetry(OpenTelemetry value) {
            this.openTelemetry = Objects.requireNonNull(value, "openTelemetry");
            return this;
        }

        public ApiDispatcher build() {
            return new ApiDispatcher(this);
        }
    }
}
