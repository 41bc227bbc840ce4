package dev.billing.stripe;

import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.CardException;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;
import com.stripe.model.StripeError;
import com.stripe.net.StripeResponse;
import dev.billing.core.error.GatewayException;
import dev.billing.core.error.GatewayOutcomeUnknownException;
import dev.billing.core.error.GatewayRateLimitedException;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.error.GatewayUnavailableException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;

/**
 * Translates stripe-java's exceptions into the core's {@link GatewayException}s, so no Stripe type crosses the
 * port. The rule is what is known about the outcome:
 * <ul>
 *   <li>the request never reached Stripe (connection refused, unknown host, connect timeout, TLS handshake) →
 *       {@link GatewayUnavailableException};</li>
 *   <li>it may have been processed (read timeout, connection reset after sending, 5xx) →
 *       {@link GatewayOutcomeUnknownException} with Stripe's request id when there is one;</li>
 *   <li>429, and 409 {@code idempotency_key_in_use} (the same key is still in flight: retried later it replays) →
 *       {@link GatewayRateLimitedException}, honouring {@code Retry-After};</li>
 *   <li>every other 4xx → {@link GatewayRejectedException} with Stripe's status, code, param and decline code;
 *       400 {@code idempotency_error} keeps the code {@code idempotency_error} so that
 *       {@link GatewayRejectedException#isIdempotencyConflict()} holds.</li>
 * </ul>
 * Messages never contain the API key: Stripe masks it in its own 401 message, and ours leaves it out entirely.
 */
final class StripeErrors {
    /** How long to wait when the same idempotency key is still being processed by Stripe. */
    static final Duration KEY_IN_USE_RETRY_AFTER = Duration.ofMillis(500);
    /** When Stripe rate-limits without saying for how long. */
    static final Duration DEFAULT_RATE_LIMIT_RETRY_AFTER = Duration.ofSeconds(1);
    /** A {@code Retry-After} beyond this is treated as this (a user request would give up anyway). */
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

    static final String IDEMPOTENCY_KEY_IN_USE = "idempotency_key_in_use";

    private StripeErrors() {}

    /**
     * @param operation what was attempted, for the message, e.g. {@code "create customer"}
     */
    static GatewayException translate(String operation, StripeException e, Clock clock) {
        String requestId = e.getRequestId();
        int status = e.getStatusCode() == null ? 0 : e.getStatusCode();
        if (e instanceof ApiConnectionException) {
            return certainlyNotSent(e)
                    ? new GatewayUnavailableException(
                            "Stripe could not be reached to " + operation + ": " + rootMessage(e), e)
                    : new GatewayOutcomeUnknownException(
                            "The connection to Stripe failed after sending the request to " + operation + " ("
                                    + rootMessage(e) + "); it may or may not have been processed",
                            requestId,
                            e);
        }
        if (e instanceof AuthenticationException || status == 401) {
            return new GatewayRejectedException(
                    "Stripe rejected the API key (HTTP 401) on " + operation + ": check STRIPE_SECRET_KEY",
                    401,
                    code(e, "authentication_required"),
                    null,
                    null,
                    requestId,
                    e);
        }
        if (e instanceof RateLimitException || status == 429) {
            return new GatewayRateLimitedException(
                    "Stripe rate-limited the request to " + operation,
                    retryAfter(e, clock).orElse(DEFAULT_RATE_LIMIT_RETRY_AFTER),
                    requestId,
                    e);
        }
        if (status == 409) {
            // Stripe: "the request conflicts with another request (perhaps due to using the same idempotent key)".
            return new GatewayRateLimitedException(
                    "Stripe is still processing another request with the same " + "idempotency key (" + operation
                            + "); retry later with the same key",
                    retryAfter(e, clock).orElse(KEY_IN_USE_RETRY_AFTER),
                    requestId,
                    e);
        }
        if (e instanceof IdempotencyException) {
            return new GatewayRejectedException(
                    "Stripe refused to " + operation + ": the idempotency key was used " + "with other parameters ("
                            + stripeMessage(e) + ")",
                    status == 0 ? 400 : status,
                    GatewayRejectedException.IDEMPOTENCY_ERROR,
                    null,
                    null,
                    requestId,
                    e);
        }
        if (e instanceof CardException card) {
            return new GatewayRejectedException(
                    "Stripe declined the card on " + operation + ": " + stripeMessage(e),
                    status == 0 ? 402 : status,
                    code(e, "card_declined"),
                    card.getParam(),
                    card.getDeclineCode(),
                    requestId,
                    e);
        }
        if (status >= 400 && status < 500) {
            String param = e instanceof InvalidRequestException invalid ? invalid.getParam() : param(e);
            return new GatewayRejectedException(
                    "Stripe refused to " + operation + " (HTTP " + status + "): " + stripeMessage(e),
                    status,
                    code(e, null),
                    param,
                    declineCode(e),
                    requestId,
                    e);
        }
        // 5xx, or an answer stripe-java could not read: the request may have been processed.
        return new GatewayOutcomeUnknownException(
                "Stripe failed to " + operation + (status > 0 ? " (HTTP " + status + ")" : "") + ": " + stripeMessage(e)
                        + "; it may or may not have been processed",
                requestId,
                e);
    }

    /** True when the failure happened before any byte of the request could have reached Stripe. */
    static boolean certainlyNotSent(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException
                    || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException
                    || t instanceof PortUnreachableException
                    || t instanceof SSLHandshakeException) {
                return true;
            }
            if (t instanceof SocketTimeoutException
                    && t.getMessage() != null
                    && t.getMessage().toLowerCase(Locale.ROOT).contains("connect timed out")) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code Retry-After} from the error response: delta-seconds or an HTTP date; empty when absent or unreadable.
     */
    static Optional<Duration> retryAfter(StripeException e, Clock clock) {
        StripeError error = e.getStripeError();
        StripeResponse response = error == null ? null : error.getLastResponse();
        if (response == null || response.headers() == null) {
            return Optional.empty();
        }
        return response.headers().firstValue("Retry-After").flatMap(value -> parseRetryAfter(value, clock));
    }

    static Optional<Duration> parseRetryAfter(String value, Clock clock) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.strip();
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            if (v.length() > 9) {
                return Optional.of(MAX_RETRY_AFTER);
            }
            Duration d = Duration.ofSeconds(Long.parseLong(v));
            return Optional.of(d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d);
        }
        try {
            Instant at =
                    ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(clock.instant(), at);
            if (d.isNegative()) {
                return Optional.of(Duration.ZERO);
            }
            return Optional.of(d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d);
        } catch (DateTimeParseException ignored) {
            return Optional.empty();
        }
    }

    private static String code(StripeException e, String fallback) {
        if (e.getCode() != null) {
            return e.getCode();
        }
        StripeError error = e.getStripeError();
        return error != null && error.getCode() != null ? error.getCode() : fallback;
    }

    private static String param(StripeException e) {
        StripeError error = e.getStripeError();
        return error == null ? null : error.getParam();
    }

    private static String declineCode(StripeException e) {
        StripeError error = e.getStripeError();
        return error == null ? null : error.getDeclineCode();
    }

    /** Stripe's own message (without stripe-java's "; request-id: ..." suffix). */
    private static String stripeMessage(StripeException e) {
        StripeError error = e.getStripeError();
        if (error != null && error.getMessage() != null) {
            return error.getMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
