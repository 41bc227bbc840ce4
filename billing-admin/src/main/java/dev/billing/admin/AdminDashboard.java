package dev.billing.admin;

import dev.billing.core.Billing;
import dev.billing.core.config.ClientAddresses;
import dev.billing.core.error.ConflictException;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.error.NotFoundException;
import dev.billing.core.error.StoreException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The admin dashboard at {@code /admin}: an overview of revenue and subscriptions, customer search and one
 * customer's billing, the webhook inbox with replay, and the duplicate subscriptions found. Pages are rendered on the
 * server and work without JavaScript. Signing in with the admin token opens an HttpOnly, SameSite=Strict session
 * cookie; every form posts a CSRF token and must come from the dashboard's own origin.
 *
 * <p>Usage: {@code Javalin.create(config -> AdminDashboard.builder().billing(billing).adminToken(t).build().register(config))}
 */
public final class AdminDashboard {
    static final String COOKIE = "billing_admin";
    static final String CSRF_FIELD = "_csrf";
    private static final System.Logger LOG = System.getLogger(AdminDashboard.class.getName());
    private static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";

    private final AdminSessions sessions;
    private final SignInLimiter signIns;
    private final Views views;
    private final OverviewPage overview;
    private final CustomerPages customers;
    private final EventPages events;
    private final DuplicatePages duplicates;
    private final byte[] css;
    private final byte[] icon;
    private final ClientAddresses clientAddresses;

    private AdminDashboard(Builder b) {
        this.sessions = new AdminSessions(b.adminToken, b.sessionLifetime, b.clock);
        this.signIns = new SignInLimiter(b.clock);
        this.views = new Views();
        this.overview = new OverviewPage(b.billing);
        this.customers = new CustomerPages(b.billing);
        this.events = new EventPages(b.billing);
        this.duplicates = new DuplicatePages(b.billing);
        this.css = resource("assets/admin.css");
        this.icon = resource("assets/favicon.svg");
        this.clientAddresses = b.clientAddresses;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Adds the dashboard's routes to a Javalin server being configured. */
    public void register(JavalinConfig config) {
        config.routes.get("/admin", ctx -> page(ctx, csrf -> overview.render(views, csrf)));
        config.routes.get("/admin/", ctx -> ctx.redirect("/admin"));
        config.routes.get("/admin/sign-in", this::signInPage);
        config.routes.post("/admin/sign-in", this::signIn);
        config.routes.post(
                "/admin/sign-out",
                ctx -> form(ctx, csrf -> {
                    // Server-side too: a copy of the cookie (a shared machine, a leaked header) no longer signs anyone
                    // in.
                    currentSession(ctx).ifPresent(sessions::revoke);
                    ctx.cookie(cookie(ctx, "", 0));
                    return Redirect.to("/admin/sign-in");
                }));
        config.routes.get(
                "/admin/customers", ctx -> page(ctx, csrf -> customers.search(views, csrf, ctx.queryParam("q"))));
        config.routes.get(
                "/admin/customers/{userId}",
                ctx -> page(
                        ctx,
                        csrf -> customers.customer(views, csrf, ctx.pathParam("userId"), ctx.queryParam("audit"))));
        config.routes.get(
                "/admin/events",
                ctx -> page(
                        ctx,
                        csrf -> events.list(
                                views,
                                csrf,
                                ctx.queryParam("status"),
                                ctx.queryParam("cursor"),
                                ctx.queryParam("replayed"))));
        config.routes.post(
                "/admin/events/{id}/replay",
                ctx -> form(ctx, csrf -> events.replay(ctx.pathParam("id"), ctx.formParam("status"))));
        // Not /admin/subscriptions/duplicates: that is the API's route, answered in front of the dashboard's.
        config.routes.get(
                "/admin/duplicates", ctx -> page(ctx, csrf -> duplicates.list(views, csrf, ctx.queryParam("cursor"))));
        config.routes.get("/admin/assets/admin.css", ctx -> {
            ctx.header("Cache-Control", "max-age=3600");
            ctx.contentType("text/css; charset=utf-8").result(css);
        });
        // Every page names this icon, so browsers never ask for /favicon.ico (outside the dashboard: a 404).
        config.routes.get("/admin/assets/favicon.svg", ctx -> {
            ctx.header("Cache-Control", "max-age=86400");
            ctx.contentType("image/svg+xml").result(icon);
        });
    }

    /** What a page handler answers: HTML or a redirect. */
    sealed interface Answer permits Html, Redirect {}

    record Html(int status, String body) implements Answer {
        static Html ok(String body) {
            return new Html(200, body);
        }
    }

    record Redirect(String location) implements Answer {
        static Redirect to(String location) {
            return new Redirect(location);
        }
    }

    /** A page: given the session's CSRF token (for its forms), its answer. */
    @FunctionalInterface
    interface PageHandler {
        Answer handle(String csrf);
    }

    private void signInPage(Context ctx) {
        secure(ctx);
        if (currentSession(ctx).isPresent()) {
            ctx.redirect(next(ctx.queryParam("next")), io.javalin.http.HttpStatus.SEE_OTHER);
            return;
        }
        ctx.html(views.signIn(next(ctx.queryParam("next")), null));
    }

    private void signIn(Context ctx) {
        secure(ctx);
        String next = next(ctx.formParam("next"));
        if (!sameOrigin(ctx)) {
            refuse(ctx, 403, "This sign-in did not come from the dashboard's own page.");
            return;
        }
        String ip = clientAddress(ctx);
        if (!signIns.allowed(ip)) {
            ctx.status(429).html(views.signIn(next, "Too many failed sign-ins from your address; wait a minute."));
            return;
        }
        if (!sessions.isAdminToken(ctx.formParam("token"))) {
            signIns.failed(ip);
            LOG.log(System.Logger.Level.WARNING, "Admin dashboard sign-in refused from {0}", ip);
            ctx.status(401).html(views.signIn(next, "That is not the admin token."));
            return;
        }
        ctx.cookie(cookie(ctx, sessions.open(), (int) sessions.lifetime().toSeconds()));
        ctx.redirect(next, io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void page(Context ctx, PageHandler handler) {
        secure(ctx);
        Optional<AdminSessions.Session> session = currentSession(ctx);
        if (session.isEmpty()) {
            String here = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
            ctx.redirect(
                    "/admin/sign-in?next=" + URLEncoder.encode(here, StandardCharsets.UTF_8),
                    io.javalin.http.HttpStatus.SEE_OTHER);
            return;
        }
        answer(ctx, session.get(), handler);
    }

    private void form(Context ctx, PageHandler handler) {
        secure(ctx);
        Optional<AdminSessions.Session> session = currentSession(ctx);
        if (session.isEmpty()) {
            refuse(ctx, 403, "Your dashboard session has ended; sign in again.");
            return;
        }
        if (!sameOrigin(ctx)) {
            refuse(ctx, 403, "This form was not sent from the dashboard's own pages.");
            return;
        }
        if (!sessions.csrfMatches(session.get(), ctx.formParam(CSRF_FIELD))) {
            refuse(ctx, 403, "This form carried no valid CSRF token; reload the page and try again.");
            return;
        }
        answer(ctx, session.get(), handler);
    }

    private void answer(Context ctx, AdminSessions.Session session, PageHandler handler) {
        Answer answer;
        try {
            answer = handler.handle(sessions.csrfToken(session));
        } catch (NotFoundException e) {
            answer = new Html(404, views.error(sessions.csrfToken(session), 404, e.getMessage()));
        } catch (InvalidRequestException | ConflictException e) {
            answer = new Html(
                    e instanceof ConflictException ? 409 : 400,
                    views.error(sessions.csrfToken(session), 400, e.getMessage()));
        } catch (StoreException e) {
            LOG.log(System.Logger.Level.WARNING, "Admin dashboard page {0} failed: {1}", ctx.path(), e.getMessage());
            answer = new Html(
                    503,
                    views.error(
                            sessions.csrfToken(session),
                            503,
                            "The store does not answer right now; try again shortly."));
        }
        if (answer instanceof Redirect r) {
            ctx.redirect(r.location(), io.javalin.http.HttpStatus.SEE_OTHER);
        } else if (answer instanceof Html h) {
            ctx.status(h.status()).html(h.body());
        }
    }

    /**
     * The client's address by the API's one rule ({@link ClientAddresses}): behind a trusted proxy the right-most
     * {@code X-Forwarded-For} entry that is no trusted proxy, else the connection's. Never the proxy's own, which
     * every client would share.
     */
    private String clientAddress(Context ctx) {
        return clientAddresses.resolve(ctx.ip(), ctx.header("X-Forwarded-For"));
    }

    private Optional<AdminSessions.Session> currentSession(Context ctx) {
        return sessions.verify(ctx.cookie(COOKIE));
    }

    private void refuse(Context ctx, int status, String message) {
        ctx.status(status).html(views.refusal(status, message));
    }

    /**
     * A browser names where a form came from: {@code Sec-Fetch-Site} (every current browser) and {@code Origin}.
     * Either naming another site refuses the form; a client that sends neither (curl) still needs the CSRF token.
     */
    private static boolean sameOrigin(Context ctx) {
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return false;
        }
        String origin = ctx.header("Origin");
        if (origin == null) {
            return true;
        }
        try {
            String authority = URI.create(origin).getAuthority();
            return authority != null && authority.equalsIgnoreCase(ctx.host());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Only the dashboard's own pages are a place to go after signing in (no open redirect). */
    static String next(String requested) {
        if (requested == null
                || !requested.startsWith("/admin")
                || requested.startsWith("/admin/sign-")
                || requested.contains("//")
                || requested.contains("\\")
                || requested.length() > 500) {
            return "/admin";
        }
        return requested;
    }

    private static Cookie cookie(Context ctx, String value, int maxAge) {
        boolean https =
                "https".equalsIgnoreCase(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
        return new Cookie(COOKIE, value, "/admin", maxAge, https, true, null, SameSite.STRICT);
    }

    private static void secure(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");
    }

    private static byte[] resource(String name) {
        try (InputStream in = AdminDashboard.class.getResourceAsStream(name)) {
            return Objects.requireNonNull(in, name).readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Assembles a dashboard; billing and the admin token are required. */
    public static final class Builder {
        private Billing billing;
        private String adminToken;
        private Clock clock = Clock.systemUTC();
        private Duration sessionLifetime = Duration.ofHours(8);
        private ClientAddresses clientAddresses = ClientAddresses.direct();

        private Builder() {}

        public Builder billing(Billing value) {
            this.billing = value;
            return this;
        }

        /** The token admins sign in with (the API's admin bearer token). */
        public Builder adminToken(String value) {
            this.adminToken = value;
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /** How long a session lasts after signing in (default 8 hours). */
        public Builder sessionLifetime(Duration value) {
            this.sessionLifetime = value;
            return this;
        }

        /**
         * Behind one reverse proxy whose address is not known ({@code BILLING_TRUST_PROXY}): the client address,
         * which failed sign-ins are counted by, is the last {@code X-Forwarded-For} entry. Off by default: a client
         * could name any address. {@link #clientAddresses} names the proxies instead.
         */
        public Builder trustForwardedFor(boolean value) {
            this.clientAddresses = new ClientAddresses(clientAddresses.trustedProxies(), value);
            return this;
        }

        /** How the client's address is found: the API's own rule ({@code ApiSettings.clientAddresses()}). */
        public Builder clientAddresses(ClientAddresses value) {
            this.clientAddresses = Objects.requireNonNull(value, "clientAddresses");
            return this;
        }

        public AdminDashboard build() {
            Objects.requireNonNull(billing, "billing");
            if (adminToken == null || adminToken.isBlank()) {
                throw new IllegalArgumentException("the admin dashboard needs the admin token");
            }
            if (sessionLifetime.isNegative() || sessionLifetime.isZero()) {
                throw new IllegalArgumentException("sessionLifetime must be positive");
            }
            return new AdminDashboard(this);
        }
    }
}
