package dev.billing.stripe;

import com.stripe.exception.ApiKeyMissingException;
import com.stripe.exception.StripeException;
import com.stripe.model.HasId;
import com.stripe.model.StripeCollection;
import com.stripe.model.StripeObject;
import com.stripe.net.RequestOptions;
import dev.billing.core.error.GatewayException;
import dev.billing.core.error.GatewayOutcomeUnknownException;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.model.Page;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Runs stripe-java calls for the gateway's helpers and reads their answers, so that no stripe-java exception and
 * no unreadable answer crosses the port: failures go through {@link StripeErrors}, a lookup's 404 is empty, and an
 * answer that does not fit the core's model is an unknown outcome; every call first takes its turn under the
 * process's {@link StripeRateLimit}. Thread-safe.
 */
final class StripeCalls {
    /** Stripe's largest page. */
    static final long MAX_PAGE = 100;

    private final Clock clock;
    private final StripeRateLimit limit;

    /**
     * @param clock reads {@code Retry-After} dates when a failure is translated
     * @param limit how many calls per second this process may send
     */
    StripeCalls(Clock clock, StripeRateLimit limit) {
        this.clock = clock;
        this.limit = limit;
    }

    /** A stripe-java call. */
    @FunctionalInterface
    interface StripeCall<T> {
        T run() throws StripeException;
    }

    <T> T call(String operation, StripeCall<T> call) {
        limit.acquire(operation);
        try {
            return call.run();
        } catch (StripeException e) {
            throw StripeErrors.translate(operation, e, clock);
        } catch (RequestOptions.InvalidRequestOptionsException e) {
            throw new GatewayRejectedException(
                    "Cannot " + operation + ": " + e.getMessage(), 400, "invalid_request_options", "idempotency_key");
        } catch (ApiKeyMissingException e) {
            throw new GatewayRejectedException(
                    "Cannot " + operation + ": no Stripe API key is configured", 401, "api_key_missing", null);
        }
    }

    /** A lookup: Stripe's 404 is empty, so is an id that cannot name an object. */
    <T> Optional<T> find(String operation, String id, StripeCall<T> call) {
        if (id == null || id.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(call(operation, call));
        } catch (GatewayRejectedException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Maps Stripe's answer; an answer that does not fit the core's model is an unknown outcome. */
    <S, T> T read(String operation, S answer, Function<S, T> mapper) {
        try {
            return mapper.apply(answer);
        } catch (GatewayException e) {
            throw e;
        } catch (RuntimeException e) {
            String requestId = answer instanceof StripeObject object && object.getLastResponse() != null
                    ? object.getLastResponse().requestId()
                    : null;
            throw new GatewayOutcomeUnknownException(
                    "Stripe's answer to " + operation + " cannot be read: " + e.getMessage(), requestId, e);
        }
    }

    /** Maps one page of a list; the cursor to the next page is the last item's id. */
    <S extends HasId, T> Page<T> page(
            String operation, StripeCollection<S> page, Function<S, T> mapper, Function<S, String> id) {
        return read(operation, page, p -> {
            List<S> data = p.getData() == null ? List.of() : p.getData();
            List<T> items = new ArrayList<>(data.size());
            for (S item : data) {
                items.add(mapper.apply(item));
            }
            boolean more = Boolean.TRUE.equals(p.getHasMore()) && !data.isEmpty();
            return new Page<>(items, more, more ? id.apply(data.get(data.size() - 1)) : null);
        });
    }

    /** Passes the core's idempotency key through; stripe-java's retries reuse it. */
    static RequestOptions keyed(String idempotencyKey) {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        return RequestOptions.builder().setIdempotencyKey(idempotencyKey).build();
    }

    /** Mutations refuse a missing or blank id before any request is sent. */
    static void requireId(String id, String name) {
        Objects.requireNonNull(id, name);
        if (id.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
