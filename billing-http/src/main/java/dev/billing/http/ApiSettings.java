package dev.billing.http;

import dev.billing.core.config.ClientAddresses;
import dev.billing.core.config.IpRanges;
import dev.billing.core.privacy.ErasePersonalData;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * HTTP-level settings of the API (the billing rules themselves live in the core's {@code BillingOptions}).
 *
 * <p>Usage: {@code ApiSettings.builder().allowedOrigins(List.of("https://app.example.com")).adminToken(t).build()}
 *
 * @param allowedOrigins       browser origins allowed by CORS and for cookie-authenticated writes
 * @param publicCatalog        serve {@code GET /stripe/products} and {@code /stripe/prices} without a token
 * @param maxBodyBytes         largest accepted JSON body (413 {@code payload_too_large} above)
 * @param maxWebhookBytes      largest accepted webhook body
 * @param maxHeaderBytes       largest request header block (Jetty answers 431 above)
 * @param adminToken           the admin bearer token; null disables the admin routes and /metrics (404)
 * @param userRequestsPerMinute per-user request budget (0: no per-user limit)
 * @param ipRequestsPerMinute  per-IP request budget (0: no per-IP limit)
 * @param serviceKeyRequestsPerMinute per-service-key request budget, instead of the per-user one (0: no limit)
 * @param rateLimitKeys        how many users/IPs the rate limiter remembers (least recently seen are dropped)
 * @param clientAddresses      how the client's address is found (trusted proxies and {@code X-Forwarded-For}): for
 *                             the rate limits and the Stripe webhook allowlist
 * @param stripeWebhookSources the addresses {@code POST /webhooks/stripe} accepts deliveries from (403
 *                             {@code address_not_allowed} for others, before the body is read); empty: any address
 * @param stopTimeout          how long shutdown waits for requests in flight
 * @param version              reported in {@code /openapi.json} and {@code /health}
 * @param erasure              what an erasure ({@code DELETE /me}) also does at Stripe
 * @param guestCheckoutsPerMinute guest checkouts per client IP per minute (0: no limit beyond the IP's)
 * @param virtualThreads       serve requests on virtual threads (Java 21 or later; {@link HttpApi} only: the Spring
 *                             Boot starter follows {@code spring.threads.virtual.enabled})
 * @param requestThreads       most requests handled at once: the size of Jetty's pool of request threads, or the
 *                             most virtual threads at once ({@link HttpApi} only: under Spring Boot the web server's
 *                             own setting)
 */
public record ApiSettings(
        List<String> allowedOrigins,
        boolean publicCatalog,
        long maxBodyBytes,
        long maxWebhookBytes,
        int maxHeaderBytes,
        String adminToken,
        int userRequestsPerMinute,
        int ipRequestsPerMinute,
        int serviceKeyRequestsPerMinute,
        long rateLimitKeys,
        ClientAddresses clientAddresses,
        IpRanges stripeWebhookSources,
        Duration stopTimeout,
        String version,
        ErasePersonalData.Options erasure,
        int guestCheckoutsPerMinute,
        boolean virtualThreads,
        int requestThreads) {
    /** Jetty's pool as Javalin sizes it by default. */
    public static final int DEFAULT_REQUEST_THREADS = 250;
    /**
     * Fewer could leave a busy server without a thread for its acceptor, its selectors and the request that a stuck
     * call holds: Jetty then refuses to start, or stalls.
     */
    public static final int MIN_REQUEST_THREADS = 16;

    public ApiSettings {
        if (requestThreads < MIN_REQUEST_THREADS) {
            throw new IllegalArgumentException("requestThreads must be at least " + MIN_REQUEST_THREADS);
        }
        if (guestCheckoutsPerMinute < 0) {
            throw new IllegalArgumentException("guestCheckoutsPerMinute must not be negative");
        }
        Objects.requireNonNull(erasure, "erasure");
        allowedOrigins = List.copyOf(allowedOrigins);
        if (maxBodyBytes < 1024 || maxWebhookBytes < 1024) {
            throw new IllegalArgumentException("body limits must be at least 1024 bytes");
        }
        if (maxHeaderBytes < 1024) {
            throw new IllegalArgumentException("maxHeaderBytes must be at least 1024");
        }
        if (adminToken != null && adminToken.isBlank()) {
            adminToken = null;
        }
        if (userRequestsPerMinute < 0 || ipRequestsPerMinute < 0 || serviceKeyRequestsPerMinute < 0) {
            throw new IllegalArgumentException("rate limits must not be negative");
        }
        if (rateLimitKeys < 1) {
            throw new IllegalArgumentException("rateLimitKeys must be positive");
        }
        Objects.requireNonNull(clientAddresses, "clientAddresses");
        Objects.requireNonNull(stripeWebhookSources, "stripeWebhookSources");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
        Objects.requireNonNull(version, "version");
    }

    /** As before {@code requestThreads} existed: Jetty's default pool ({@link #DEFAULT_REQUEST_THREADS}). */
    public ApiSettings(
            List<String> allowedOrigins,
            boolean publicCatalog,
            long maxBodyBytes,
            long maxWebhookBytes,
            int maxHeaderBytes,
            String adminToken,
            int userRequestsPerMinute,
            int ipRequestsPerMinute,
            int serviceKeyRequestsPerMinute,
            long rateLimitKeys,
            ClientAddresses clientAddresses,
            IpRanges stripeWebhookSources,
            Duration stopTimeout,
            String version,
            ErasePersonalData.Options erasure,
            int guestCheckoutsPerMinute,
            boolean virtualThreads) {
        this(
                allowedOrigins,
                publicCatalog,
                maxBodyBytes,
                maxWebhookBytes,
                maxHeaderBytes,
                adminToken,
                userRequestsPerMinute,
                ipRequestsPerMinute,
                serviceKeyRequestsPerMinute,
                rateLimitKeys,
                clientAddresses,
                stripeWebhookSources,
                stopTimeout,
                version,
                erasure,
                guestCheckoutsPerMinute,
                virtualThreads,
                DEFAULT_REQUEST_THREADS);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether {@code POST /webhooks/stripe} refuses addresses not in {@link #stripeWebhookSources}. */
    public boolean stripeWebhookAllowlist() {
        return !stripeWebhookSources.isEmpty();
    }

    public boolean adminEnabled() {
        return adminToken != null;
    }

    @Override
    public String toString() { // never the admin token
        return "ApiSettings[allowedOrigins=" + allowedOrigins + ", publicCatalog=" + publicCatalog
                + ", maxBodyBytes=" + maxBodyBytes + ", maxWebhookBytes=" + maxWebhookBytes
                + ", maxHeaderBytes=" + maxHeaderBytes + ", admin=" + (adminEnabled() ? "enabled" : "disabled")
                + ", userRequestsPerMinute=" + userRequestsPerMinute + ", ipRequestsPerMinute=" + ipRequestsPerMinute
                + ", serviceKeyRequestsPerMinute=" + serviceKeyRequestsPerMinute
                + ", rateLimitKeys=" + rateLimitKeys + ", clientAddresses=" + clientAddresses
                + ", stripeWebhookAllowlist="
                + (stripeWebhookAllowlist() ? stripeWebhookSources.entries().size() + " entries" : "off")
                + ", stopTimeout=" + stopTimeout + ", version=" + version + ", erasure=" + erasure
                + ", guestCheckoutsPerMinute=" + guestCheckoutsPerMinute + ", virtualThreads=" + virtualThreads
                + ", requestThreads=" + requestThreads + "]";
    }

    /** Builder with the defaults of docs/OPERATIONS.md. */
    public static final class Builder {
        private List<String> allowedOrigins = List.of();
        private boolean publicCatalog;
        private long maxBodyBytes = 1_000_000;
        private long maxWebhookBytes = 2_000_000;
        private int maxHeaderBytes = 16 * 1024;
        private String adminToken;
        private int userRequestsPerMinute = 300;
        private int ipRequestsPerMinute = 1200;
        private int serviceKeyRequestsPerMinute = 3000;
        private long rateLimitKeys = 100_000;
        private boolean trustForwardedFor;
        private IpRanges trustedProxies = IpRanges.none();
        private IpRanges stripeWebhookSources = IpRanges.none();
        private Duration stopTimeout = Duration.ofSeconds(10);
        private String version = "dev";
        private ErasePersonalData.Options erasure = ErasePersonalData.Options.localOnly();
        private int guestCheckoutsPerMinute = 10;
        private boolean virtualThreads;
        private int requestThreads = DEFAULT_REQUEST_THREADS;

        private Builder() {}

        public Builder allowedOrigins(List<String> value) {
            this.allowedOrigins = List.copyOf(value);
            return this;
        }

        public Builder publicCatalog(boolean value) {
            this.publicCatalog = value;
            return this;
        }

        public Builder maxBodyBytes(long value) {
            this.maxBodyBytes = value;
            return this;
        }

        public Builder maxWebhookBytes(long value) {
            this.maxWebhookBytes = value;
            return this;
        }

        public Builder maxHeaderBytes(int value) {
            this.maxHeaderBytes = value;
            return this;
        }

        public Builder adminToken(String value) {
            this.adminToken = value;
            return this;
        }

        public Builder userRequestsPerMinute(int value) {
            this.userRequestsPerMinute = value;
            return this;
        }

        public Builder ipRequestsPerMinute(int value) {
            this.ipRequestsPerMinute = value;
            return this;
        }

        /** Requests per service key per minute (default 3000; 0: no limit), counted instead of per user. */
        public Builder serviceKeyRequestsPerMinute(int value) {
            this.serviceKeyRequestsPerMinute = value;
            return this;
        }

        public Builder rateLimitKeys(long value) {
            this.rateLimitKeys = value;
            return this;
        }

        /**
         * Believe {@code X-Forwarded-For} from any connection (one proxy in front whose address is not known); prefer
         * {@link #trustedProxies}, which believes it only from the proxies' addresses.
         */
        public Builder trustForwardedFor(boolean value) {
            this.trustForwardedFor = value;
            return this;
        }

        /**
         * The proxies (addresses and CIDR ranges) whose {@code X-Forwarded-For} is believed: the client is its
         * right-most entry that is not one of them ({@link ClientAddresses}).
         *
         * @throws IllegalArgumentException naming an entry that is no address or range
         */
        public Builder trustedProxies(List<String> value) {
            this.trustedProxies = IpRanges.parse(value);
            return this;
        }

        /**
         * Accept Stripe webhook deliveries only from these addresses (e.g.
         * {@link StripeWebhookSources#published()}); empty (the default): from any address.
         */
        public Builder stripeWebhookSources(IpRanges value) {
            this.stripeWebhookSources = Objects.requireNonNull(value, "stripeWebhookSources");
            return this;
        }

        public Builder stopTimeout(Duration value) {
            this.stopTimeout = value;
            return this;
        }

        /** What an erasure also does at Stripe; by default nothing (the local store only). */
        public Builder erasure(ErasePersonalData.Options value) {
            this.erasure = Objects.requireNonNull(value, "erasure");
            return this;
        }

        /** Guest checkouts per client IP per minute; default 10, 0 for no limit beyond the IP's. */
        public Builder guestCheckoutsPerMinute(int value) {
            this.guestCheckoutsPerMinute = value;
            return this;
        }

        /**
         * Serve requests on virtual threads (default off). Each request's handler then runs on its own virtual
         * thread instead of waiting for a platform thread and handing off between them; {@link HttpApi#start} fails
         * on a JVM before Java 21. docs/OPERATIONS.md says when it pays.
         */
        public Builder virtualThreads(boolean value) {
            this.virtualThreads = value;
            return this;
        }

        /**
         * Most requests handled at once (default {@value ApiSettings#DEFAULT_REQUEST_THREADS}, at least
         * {@value ApiSettings#MIN_REQUEST_THREADS}): more wait for a thread. Each platform thread costs its stack;
         * docs/OPERATIONS.md ("Memory") says how many a server under load uses.
         */
        public Builder requestThreads(int value) {
            this.requestThreads = value;
            return this;
        }

        public Builder version(String value) {
            this.version = value;
            return this;
        }

        public ApiSettings build() {
            return new ApiSettings(
                    allowedOrigins,
                    publicCatalog,
                    maxBodyBytes,
                    maxWebhookBytes,
                    maxHeaderBytes,
                    adminToken,
                    userRequestsPerMinute,
                    ipRequestsPerMinute,
                    serviceKeyRequestsPerMinute,
                    rateLimitKeys,
                    new ClientAddresses(trustedProxies, trustForwardedFor),
                    stripeWebhookSources,
                    stopTimeout,
                    version,
                    erasure,
                    guestCheckoutsPerMinute,
                    virtualThreads,
                    requestThreads);
        }
    }
}
