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
 */
public record StripeConfig(
        String secretKey, String apiBase, int maxNetworkRetries, Duration connectTimeout, Duration readTimeout) {

    /** Stripe's API. */
    public static final String DEFAULT_API_BASE = "https://api.stripe.com";
    /**
     * stripe-java's default is 0. One retry rides out a blip; more would let a Stripe that accepts connections and
     * never answers hold a user request for (retries + 1) x the read timeout.
     */
    public static final int DEFAULT_MAX_NETWORK_RETRIES = 1;

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(20);

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
    }

    /** Stripe's API with the defaults: 1 network retry, 3 s to connect, 20 s to answer. */
    public static StripeConfig of(String secretKey) {
        return new StripeConfig(
                secretKey,
                DEFAULT_API_BASE,
                DEFAULT_MAX_NETWORK_RETRIES,
                DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_READ_TIMEOUT);
    }

    public StripeConfig withApiBase(String value) {
        return new StripeConfig(secretKey, value, maxNetworkRetries, connectTimeout, readTimeout);
    }

    public StripeConfig withMaxNetworkRetries(int value) {
        return new StripeConfig(secretKey, apiBase, value, connectTimeout, readTimeout);
    }

    public StripeConfig withTimeouts(Duration connect, Duration read) {
        return new StripeConfig(secretKey, apiBase, maxNetworkRetries, connect, read);
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
                + maxNetworkRetries + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout + "]";
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
