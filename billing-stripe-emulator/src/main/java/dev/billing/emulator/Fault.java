package dev.billing.emulator;

import java.time.Duration;
import java.util.Objects;

/**
 * An injected failure for the next {@code times} API requests whose method matches and whose path
 * starts with {@code pathPrefix}.
 *
 * <p>Usage: {@code emulator.addFault(Fault.of(FaultKind.ERROR_500, "POST", "/v1/customers").times(2))}
 *
 * @param kind what to do
 * @param method HTTP method to match, or {@code *} for any
 * @param pathPrefix path prefix to match, e.g. {@code /v1/customers}
 * @param times how many matching requests are affected (then the fault is used up)
 * @param duration how long {@code HANG} / {@code HANG_AFTER_APPLY} sleep
 * @param shouldRetry value of the {@code Stripe-Should-Retry} header, or null for no header
 */
public record Fault(
        FaultKind kind, String method, String pathPrefix, int times, Duration duration, Boolean shouldRetry) {

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
    }

    /** A fault affecting the next single matching request. */
    public static Fault of(FaultKind kind, String method, String pathPrefix) {
        return new Fault(kind, method, pathPrefix, 1, DEFAULT_HANG, null);
    }

    /** The same fault for the next {@code n} matching requests. */
    public Fault times(int n) {
        return new Fault(kind, method, pathPrefix, n, duration, shouldRetry);
    }

    /** The same fault with a hang duration. */
    public Fault hangFor(Duration d) {
        return new Fault(kind, method, pathPrefix, times, d, shouldRetry);
    }

    /** The same fault answering with {@code Stripe-Should-Retry: <value>}. */
    public Fault shouldRetry(boolean value) {
        return new Fault(kind, method, pathPrefix, times, duration, value);
    }
}
