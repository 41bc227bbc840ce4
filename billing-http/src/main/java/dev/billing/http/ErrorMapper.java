package dev.billing.http;

import dev.billing.core.error.BillingException;
import dev.billing.core.error.ConflictException;
import dev.billing.core.error.ForbiddenException;
import dev.billing.core.error.GatewayException;
import dev.billing.core.error.GatewayRateLimitedException;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.error.IdentityRejectedException;
import dev.billing.core.error.IdentityUnavailableException;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.error.NotFoundException;
import dev.billing.core.error.StoreException;
import dev.billing.core.error.StoreUnavailableException;
import dev.billing.core.error.WebhookRejectedException;
import dev.billing.http.wire.ErrorBody;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one exception mapping of the API: every failure becomes {@code {"error":{code,message,requestId}}} with the
 * status of the table in docs/HTTP_API.md. Messages are for people and never carry SQL, stack traces, secrets or
 * tokens; unexpected failures are logged with their stack trace and the request id, and answered with a generic
 * {@code internal_error}.
 *
 * <p>Usage: {@code errorMapper.handle(exception, exchange)}
 */
public final class ErrorMapper {
    private static final System.Logger LOG = System.getLogger(ErrorMapper.class.getName());

    /** Seconds a client should wait after a 503 from the store or Stripe. */
    static final int RETRY_AFTER_UNAVAILABLE = 5;
    /** Seconds a client should wait after a 503 {@code auth_unavailable}. */
    static final int RETRY_AFTER_AUTH = 2;

    private final JsonCodec json;

    public ErrorMapper(JsonCodec json) {
        this.json = json;
    }

    /** A mapped failure. */
    public record Mapped(int status, String code, String message, Map<String, String> headers) {}

    /** Maps, logs and writes a failure. */
    public void handle(Throwable exception, Exchange ctx) {
        Mapped mapped = map(exception);
        log(mapped, exception);
        write(ctx, mapped);
    }

    /** Writes an error answer (also used for answers decided without an exception). */
    public void write(Exchange ctx, Mapped mapped) {
        mapped.headers().forEach(ctx::header);
        ctx.status(mapped.status());
        ctx.contentType("application/json");
        ctx.result(json.write(ErrorBody.of(mapped.code(), mapped.message(), RequestIds.current(ctx))));
    }

    /** The status, code, message and headers for a failure. */
    public Mapped map(Throwable failure) {
        if (failure instanceof ApiException e) {
            return new Mapped(e.status(), e.code(), e.getMessage(), e.headers());
        }
        if (failure instanceof BillingException e) {
            return mapBilling(e);
        }
        return new Mapped(
                500, "internal_error", "Something went wrong on our side; the request id identifies it.", Map.of());
    }

    private Mapped mapBilling(BillingException failure) {
        if (failure instanceof InvalidRequestException e) {
            return new Mapped(400, e.code(), e.getMessage(), Map.of());
        }
        if (failure instanceof NotFoundException e) {
            return new Mapped(404, e.code(), e.getMessage(), Map.of());
        }
        if (failure instanceof ConflictException e) {
            return new Mapped(409, e.code(), e.getMessage(), Map.of());
        }
        if (failure instanceof ForbiddenException e) {
            return new Mapped(403, e.code(), e.getMessage(), Map.of());
        }
        if (failure instanceof IdentityRejectedException e) {
            if (e.reason() == IdentityRejectedException.Reason.SESSION_PENDING) {
                return new Mapped(
                        403,
                        "session_pending",
                        "The session is pending: finish signing in (for example, choose an organization).",
                        Map.of());
            }
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put(
                    "WWW-Authenticate",
                    e.reason() == IdentityRejectedException.Reason.MISSING
                            ? "Bearer"
                            : "Bearer error=\"invalid_token\"");
            return new Mapped(401, "unauthenticated", "A valid session token is required.", headers);
        }
        if (failure instanceof IdentityUnavailableException) {
            return new Mapped(
                    503,
                    "auth_unavailable",
                    "Session tokens cannot be verified right now; retry shortly.",
                    retryAfter(RETRY_AFTER_AUTH));
        }
        if (failure instanceof WebhookRejectedException e) {
            return new Mapped(400, "invalid_webhook", webhookMessage(e.reason()), Map.of());
        }
        if (failure instanceof StoreUnavailableException) {
            return new Mapped(
                    503,
                    "store_unavailable",
                    "The billing store is unavailable; retry shortly.",
                    retryAfter(RETRY_AFTER_UNAVAILABLE));
        }
        if (failure instanceof StoreException) {
            return new Mapped(
                    500, "internal_error", "Something went wrong on our side; the request id identifies it.", Map.of());
        }
        if (failure instanceof GatewayRejectedException e) {
            if (e.isCardError()) {
                return new Mapped(402, "card_declined", "The card was declined.", Map.of());
            }
            if (e.isMissingResource()) {
                return new Mapped(404, "not_found", "Stripe does not know this object.", Map.of());
            }
            return new Mapped(502, "stripe_error", "Stripe refused the request.", Map.of());
        }
        if (failure instanceof GatewayException e) { // unavailable, rate limited, outcome unknown
            int seconds = RETRY_AFTER_UNAVAILABLE;
            if (e instanceof GatewayRateLimitedException limited) {
                seconds = (int) Math.max(1, Math.min(60, limited.retryAfter().toSeconds()));
            }
            return new Mapped(
                    503, "stripe_unavailable", "Stripe is unavailable right now; retry shortly.", retryAfter(seconds));
        }
        return new Mapped(
                500, "internal_error", "Something went wrong on our side; the request id identifies it.", Map.of());
    }

    private static String webhookMessage(WebhookRejectedException.Reason reason) {
        return switch (reason) {
            case MISSING_SIGNATURE -> "The Stripe-Signature header is missing.";
            case MALFORMED_SIGNATURE -> "The Stripe-Signature header is malformed.";
            case NO_MATCHING_SIGNATURE -> "No signature matches the payload.";
            case TIMESTAMP_TOO_OLD -> "The signature timestamp is too old.";
            case TIMESTAMP_IN_FUTURE -> "The signature timestamp is in the future.";
            case MALFORMED_PAYLOAD -> "The payload is not a Stripe event.";
            case UNSUPPORTED_EVENT -> "The event is not supported.";
        };
    }

    private static Map<String, String> retryAfter(int seconds) {
        return Map.of("Retry-After", Integer.toString(seconds));
    }

    private static void log(Mapped mapped, Throwable failure) {
        if (mapped.status() >= 500 && "internal_error".equals(mapped.code())) {
            LOG.log(
                    System.Logger.Level.ERROR,
                    "Request failed: " + failure.getClass().getName(),
                    failure);
        } else if (mapped.status() >= 500) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Request failed with {0}: {1}: {2}",
                    mapped.code(),
                    failure.getClass().getSimpleName(),
                    failure.getMessage());
        } else if (failure instanceof WebhookRejectedException e) {
            LOG.log(System.Logger.Level.INFO, "Webhook rejected: {0}", e.reason());
        } else if (failure instanceof IdentityRejectedException e) {
            LOG.log(System.Logger.Level.DEBUG, "Token rejected: {0}", e.reason());
        }
    }
}
