package dev.billing.emulator;

import java.time.Duration;
import java.util.Objects;

/**
 * An injected failure for the next {@code times} API requests whose method matches, whose path
 * starts with {@code pathPrefix} and, when {@code apiKey} is set, that were sent with that key.
 *
 * <p>Usage: {@code emulator.addFault(Fault.of(FaultKind.ERROR_500, "POST", "/v1/customers").times(2))}
 *
 * @param kind what to do
 * @param method HTTP method to match, or {@code *} for any
 * @param pathPrefix path prefix to match, e.g. {@code /v1/customers}
 * @param times how many matching requests are affected (then the fault is used up)
 * @param duration how long {@code HANG} / {@code HANG_AFTER_APPLY} sleep
 * @param shouldRetry value of the {@code Stripe-Should-Retry} header, or null for no header
 * @param apiKey only requests sent with this secret key, or null for any (see {@link
 *     StripeEmulator#addApiKey}: a second client's requests, such as a test's own reads, then pass untouched)
 */
public record Fault(
        FaultKind kind,
        String method,
        String pathPrefix,
        int times,
        Duration duration,
        Boolean shouldRetry,
        String apiKey) {

    /** Default hang: longer than any sensible client read timeout in tests. */
    public static final Duration DEFAULT_HANG = Duration.ofSeconds(3);

    public Fault {
        Objects.requireNonNull(kind, "kind");
        method = method == null || method.isBlank() ? "*" : method.toUpperCase(java.util.Locale.ROOT);
        pathPrefix = pathPrefix == null || pathPrefix.isBlank() ? "/" : pathPrefix;
        if (times < 1) {
            throw new IllegalArgumentException("times must be >= 1");
        }
        duration = duration == null ? DEFAULT_HANG : duration;
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
    }

    /** A fault for requests sent with any key (the record's shape before faults could name one). */
    public Fault(FaultKind kind, String method, String pathPrefix, int times, Duration duration, Boolean shouldRetry) {
        this(kind, method, pathPrefix, times, duration, shouldRetry, null);
    }

    /** A fault affecting the next single matching request. */
    public static Fault of(FaultKind kind, String method, String pathPrefix) {
        return new Fault(kind, method, pathPrefix, 1, DEFAULT_HANG, null, null);
    }

    /** The same fault for the next {@code n} matching requests. */
    public Fault times(int n) {
        return new Fault(kind, method, pathPrefix, n, duration, shouldRetry, apiKey);
    }

    /** The same fault with a hang duration. */
    public Fault hangFor(Duration d) {
        return new Fault(kind, method, pathPrefix, times, d, shouldRetry, apiKey);
    }

    /** The same fault answering with {@code Stripe-Should-Retry: <value>}. */
    public Fault shouldRetry(boolean value) {
        return new Fault(kind, method, pathPrefix, times, duration, value, apiKey);
    }

    /** The same fault for requests sent with {@code key} only. */
    public Fault forKey(String key) {
        return new Fault(kind, method, pathPrefix, times, duration, shouldRetry, key);
    }

    /** Safe to print: the key is masked. */
    @Override
    public String toString() {
        return "Fault[kind=" + kind + ", method=" + method + ", pathPrefix=" + pathPrefix + ", times=" + times
                + ", duration=" + duration + ", shouldRetry=" + shouldRetry + ", apiKey="
                + (apiKey == null ? null : EmulatorOptions.mask(apiKey)) + "]";
    }
}
