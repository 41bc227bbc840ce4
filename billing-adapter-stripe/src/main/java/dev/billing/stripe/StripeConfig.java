package dev.billing.stripe;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How {@link StripePaymentGateway} reaches Stripe: the secret key, the API base (Stripe itself, or the emulator in
 * tests and local mode), stripe-java's network retries and the socket timeouts. {@link #toString()} masks the key.
 * Validated on construction: an {@link IllegalArgumentException} names the field, never the key.
 *
 * <p>A value the host builds in code; reading it from the environment or properties is the host's job (the server
 * reads {@code STRIPE_SECRET_KEY} and {@code STRIPE_API_BASE}, the Spring starter {@code billing.stripe.*}).
 *
 * <p>Usage: {@code StripeConfig config = StripeConfig.of(secretKey).withTimeouts(Duration.ofSeconds(2),
 * Duration.ofSeconds(10));} ({@code .withApiBase("http://localhost:12111")} for the emulator)
 *
 * @param secretKey         {@code sk_live_...}, {@code sk_test_...} or a restricted {@code rk_...} key
 * @param apiBase           e.g. {@code https://api.stripe.com}; no trailing slash
 * @param maxNetworkRetries how often stripe-java repeats a request that failed to connect, timed out, answered
 *                          409, 5xx or {@code Stripe-Should-Retry: true} (always with the same idempotency key)
 * @param connectTimeout    TCP connect timeout
 * @param readTimeout       how long to wait for an answer once the request is sent
 * @param requestsPerSecond the most Stripe requests this process sends per second (0: no limit; {@link
 *                          #DEFAULT_REQUESTS_PER_SECOND}: Stripe's documented limit less a fifth on Stripe's API,
 *                          none elsewhere); a call beyond it waits up to {@link #RATE_LIMIT_WAIT} for its turn, then
 *                          fails as rate limited (not done)
 */
public record StripeConfig(
        String secretKey,
        String apiBase,
        int maxNetworkRetries,
        Duration connectTimeout,
        Duration readTimeout,
        int requestsPerSecond) {

    /** Stripe's API. */
    public static final String DEFAULT_API_BASE = "https://api.stripe.com";
    /**
     * stripe-java's default is 0. One retry rides out a blip; more would let a Stripe that accepts connections and
     * never answers hold a user request for (retries + 1) x the read timeout.
     */
    public static final int DEFAULT_MAX_NETWORK_RETRIES = 1;

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(20);
    /**
     * Stripe allows about 100 requests per second in live mode and 25 in test mode, per account; this process keeps
     * a fifth of each for the team's other callers of the same account (dashboards, scripts, other instances).
     */
    public static final int DEFAULT_REQUESTS_PER_SECOND = -1;

    public static final int LIVE_REQUESTS_PER_SECOND = 80;
    public static final int TEST_REQUESTS_PER_SECOND = 20;
    /** How long a call waits for its turn under {@link #requestsPerSecond} before it fails as rate limited. */
    public static final Duration RATE_LIMIT_WAIT = Duration.ofSeconds(2);

    public StripeConfig {
        Objects.requireNonNull(secretKey, "secretKey");
        if (secretKey.isBlank()
                || !secretKey.strip().equals(secretKey)
                || secretKey.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new IllegalArgumentException("the Stripe secret key must be non-blank without whitespace");
        }
        apiBase = normalizeApiBase(apiBase);
        if (maxNetworkRetries < 0 || maxNetworkRetries > 10) {
            throw new IllegalArgumentException("maxNetworkRetries must be 0..10, was " + maxNetworkRetries);
        }
        connectTimeout = positiveMillis(connectTimeout, "connectTimeout");
        readTimeout = positiveMillis(readTimeout, "readTimeout");
        if (requestsPerSecond < DEFAULT_REQUESTS_PER_SECOND || requestsPerSecond > 100_000) {
            throw new IllegalArgumentException(
                    "requestsPerSecond must be 0 (no limit) to 100000, or -1 (the default), was " + requestsPerSecond);
        }
    }

    /**
     * Stripe's API with the defaults: 1 network retry, 3 s to connect, 20 s to answer, at most 80 requests per
     * second with a live key and 20 with a test key.
     */
    public static StripeConfig of(String secretKey) {
        return new StripeConfig(
                secretKey,
                DEFAULT_API_BASE,
                DEFAULT_MAX_NETWORK_RETRIES,
                DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_READ_TIMEOUT,
                DEFAULT_REQUESTS_PER_SECOND);
    }

    public StripeConfig withApiBase(String value) {
        return new StripeConfig(secretKey, value, maxNetworkRetries, connectTimeout, readTimeout, requestsPerSecond);
    }

    public StripeConfig withMaxNetworkRetries(int value) {
        return new StripeConfig(secretKey, apiBase, value, connectTimeout, readTimeout, requestsPerSecond);
    }

    public StripeConfig withTimeouts(Duration connect, Duration read) {
        return new StripeConfig(secretKey, apiBase, maxNetworkRetries, connect, read, requestsPerSecond);
    }

    /** At most {@code value} Stripe requests per second from this process; 0: no limit. */
    public StripeConfig withRequestsPerSecond(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("requestsPerSecond must be 0 (no limit) or more, was " + value);
        }
        return new StripeConfig(secretKey, apiBase, maxNetworkRetries, connectTimeout, readTimeout, value);
    }

    /**
     * The limit in force: the one set, else on Stripe's API {@link #LIVE_REQUESTS_PER_SECOND} or {@link
     * #TEST_REQUESTS_PER_SECOND} by the key's mode, else none (0: an emulator or proxy has no such limit).
     */
    public int effectiveRequestsPerSecond() {
        if (requestsPerSecond != DEFAULT_REQUESTS_PER_SECOND) {
            return requestsPerSecond;
        }
        if (!apiBase.equals(DEFAULT_API_BASE)) {
            return 0;
        }
        return livemode() ? LIVE_REQUESTS_PER_SECOND : TEST_REQUESTS_PER_SECOND;
    }

    /** True for live keys ({@code sk_live_}, {@code rk_live_}): this deployment serves real money. */
    public boolean livemode() {
        return secretKey.startsWith("sk_live_") || secretKey.startsWith("rk_live_");
    }

    /** The key's kind and mode only, e.g. {@code sk_test_****}; never the secret part. */
    public String maskedKey() {
        return mask(secretKey);
    }

    @Override
    public String toString() {
        return "StripeConfig[secretKey=" + maskedKey() + ", apiBase=" + apiBase + ", maxNetworkRetries="
                + maxNetworkRetries + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
                + ", requestsPerSecond=" + effectiveRequestsPerSecond() + "]";
    }

    static String mask(String key) {
        if (key == null) {
            return "null";
        }
        int first = key.indexOf('_');
        int second = first < 0 ? -1 : key.indexOf('_', first + 1);
        String prefix = second > 0 && second <= 8 ? key.substring(0, second + 1) : "";
        return prefix + "****";
    }

    private static String normalizeApiBase(String value) {
        Objects.requireNonNull(value, "apiBase");
        String base = value.strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        try {
            URI uri = new URI(base);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("https") || scheme.equals("http"))
                    || uri.getHost() == null
                    || uri.getRawUserInfo() != null
                    || uri.getRawQuery() != null
                    || uri.getRawFragment() != null) {
                throw new IllegalArgumentException(
                        "apiBase must be an http(s) URL without user info, query or " + "fragment, was " + value);
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("apiBase is not a URL: " + value, e);
        }
        return base;
    }

    private static Duration positiveMillis(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero() || value.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(name + " must be positive and fit in int milliseconds, was " + value);
        }
        return value;
    }
}
