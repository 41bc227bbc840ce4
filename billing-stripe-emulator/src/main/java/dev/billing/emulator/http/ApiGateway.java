package dev.billing.emulator.http;

import com.sun.net.httpserver.HttpExchange;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.Fault;
import dev.billing.emulator.FaultKind;
import dev.billing.emulator.RecordedRequest;
import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.state.FaultInjector;
import dev.billing.emulator.state.IdempotencyStore;
import dev.billing.emulator.state.Ids;
import dev.billing.emulator.state.RequestLog;
import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.FormCodec;
import dev.billing.emulator.wire.Json;
import dev.billing.emulator.wire.Params;
import dev.billing.emulator.wire.Routes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code /v1} front door: authentication, fault injection, idempotency, routing, the request
 * log and Stripe's response headers.
 */
final class ApiGateway {
    private static final System.Logger LOG = System.getLogger(ApiGateway.class.getName());

    private final EmulatorState state;
    private final Router router;
    private final IdempotencyStore idempotency;
    private final FaultInjector faults;
    private final RequestLog requestLog;
    /** The secret keys accepted: the options' one, and any added since (other clients of the same account). */
    private final Set<String> apiKeys = ConcurrentHashMap.newKeySet();

    ApiGateway(
            EmulatorState state,
            Router router,
            IdempotencyStore idempotency,
            FaultInjector faults,
            RequestLog requestLog) {
        this.state = state;
        this.router = router;
        this.idempotency = idempotency;
        this.faults = faults;
        this.requestLog = requestLog;
        apiKeys.add(state.options.apiKey());
    }

    /** Accepts {@code key} too from now on, for the same account (as a second secret key of it would be). */
    void addApiKey(String key) {
        if (key == null || key.isBlank() || !key.strip().equals(key)) {
            throw new IllegalArgumentException("an API key must not be blank or have spaces around it");
        }
        apiKeys.add(key);
    }

    /** A finished response. */
    private record Reply(int status, String body, Map<String, String> headers) {}

    void handle(HttpExchange ex) throws IOException {
        String requestId = Ids.requestId();
        String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
        String path = ex.getRequestURI().getPath();
        Instant at = state.nowInstant();
        byte[] rawBody = ex.getRequestBody().readAllBytes();
        List<Map.Entry<String, String>> pairs =
                new ArrayList<>(FormCodec.pairs(ex.getRequestURI().getRawQuery()));
        if (rawBody.length > 0) {
            pairs.addAll(FormCodec.pairs(new String(rawBody, StandardCharsets.UTF_8)));
        }
        Map<String, Object> params = FormCodec.tree(pairs);
        String idemKey = ex.getRequestHeaders().getFirst("Idempotency-Key");
        String apiKey = apiKey(ex);

        Reply authError = authenticate(apiKey);
        if (authError != null) {
            send(ex, requestId, authError, idemKey);
            log(requestId, at, method, path, idemKey, params, authError.status(), false, null);
            return;
        }

        Fault fault = faults.take(method, path, apiKey);
        if (fault != null && !appliesWork(fault.kind())) {
            String faultName = fault.kind().wireName();
            switch (fault.kind()) {
                case DROP_CONNECTION -> {
                    log(requestId, at, method, path, idemKey, params, 0, false, faultName);
                    ex.close();
                    return;
                }
                case HANG -> sleep(fault.duration());
                default -> {}
            }
            Reply reply = fault.kind() == FaultKind.RATE_LIMIT_429 ? rateLimited(fault) : serverError(fault);
            log(requestId, at, method, path, idemKey, params, reply.status(), false, faultName);
            send(ex, requestId, reply, idemKey);
            return;
        }

        String scoped = null;
        if ("POST".equals(method) && idemKey != null) {
            scoped = IdempotencyStore.scope(apiKey, idemKey);
            String fingerprint = method + " " + path + " " + Json.canonical(params);
            IdempotencyStore.Decision decision = idempotency.begin(scoped, fingerprint);
            if (decision instanceof IdempotencyStore.Replay replay) {
                IdempotencyStore.Saved saved = replay.saved();
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("Idempotent-Replayed", "true");
                headers.put("Original-Request", saved.requestId());
                Reply reply = new Reply(saved.status(), saved.body(), headers);
                // A replayed answer can be lost or slow on its way as any other (the faults that let work happen).
                if (fault != null && fault.kind() == FaultKind.ERROR_500_AFTER_APPLY) {
                    reply = serverError(fault);
                } else if (fault != null) {
                    sleep(fault.duration());
                }
                log(
                        requestId,
                        at,
                        method,
                        path,
                        idemKey,
                        params,
                        reply.status(),
                        true,
                        fault == null ? null : fault.kind().wireName());
                send(ex, requestId, reply, idemKey);
                return;
            }
            if (decision instanceof IdempotencyStore.Conflict) {
                ApiError error = new ApiError(
                        400,
                        "idempotency_error",
                        null,
                        "Keys for idempotent requests can only be used with the same parameters they were first "
                                + "used with. Try using a key other than '" + idemKey + "' if you meant to execute a "
                                + "different request.",
                        null,
                        null);
                Reply reply = new Reply(400, Json.write(error.body()), Map.of());
                log(requestId, at, method, path, idemKey, params, 400, false, null);
                send(ex, requestId, reply, idemKey);
                return;
            }
            if (decision instanceof IdempotencyStore.InFlight) {
                ApiError error = new ApiError(
                        409,
                        "invalid_request_error",
                        "idempotency_key_in_use",
                        "There is currently another in-progress request using this Idempotent Key (that "
                                + "probably means you submitted twice, and the other request is still going "
                                + "through): " + idemKey + ". Please try again later.",
                        null,
                        null);
                Reply reply = new Reply(409, Json.write(error.body()), Map.of());
                log(requestId, at, method, path, idemKey, params, 409, false, null);
                send(ex, requestId, reply, idemKey);
                return;
            }
        }

        Reply reply;
        try {
            if (fault != null && fault.kind() == FaultKind.DELAY) {
                sleep(fault.duration());
            }
            reply = execute(
                    method,
                    path,
                    params,
                    requestId,
                    idemKey,
                    ex.getRequestHeaders().getFirst("Stripe-Version"));
            if (scoped != null && saveable(reply.status())) {
                idempotency.save(
                        scoped,
                        new IdempotencyStore.Saved(
                                method + " " + path + " " + Json.canonical(params),
                                reply.status(),
                                reply.body(),
                                requestId));
            }
        } finally {
            if (scoped != null) {
                idempotency.end(scoped);
            }
        }

        String faultName = null;
        if (fault != null) {
            faultName = fault.kind().wireName();
            if (fault.kind() == FaultKind.HANG_AFTER_APPLY) {
                sleep(fault.duration());
            } else if (fault.kind() == FaultKind.ERROR_500_AFTER_APPLY) {
                reply = serverError(fault);
            }
        }
        log(requestId, at, method, path, idemKey, params, reply.status(), false, faultName);
        send(ex, requestId, reply, idemKey);
    }

    private Reply execute(
            String method,
            String path,
            Map<String, Object> params,
            String requestId,
            String idemKey,
            String stripeVersion) {
        Router.Match match = router.match(method, path);
        if (match == null) {
            ApiError error = ApiError.invalid(
                    "Unrecognized request URL (" + method + ": " + path
                            + "). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.",
                    null);
            return new Reply(404, Json.write(error.body()), Map.of());
        }
        try {
            if (match.accepts() != null) {
                match.accepts().check(params);
            }
            Routes.Call call =
                    new Routes.Call(method, path, match.vars(), new Params(params), requestId, idemKey, stripeVersion);
            Map<String, Object> body = state.tx(() -> {
                state.requestContext(requestId, idemKey);
                return match.handler().handle(call);
            });
            return new Reply(200, Json.write(body), Map.of());
        } catch (ApiError e) {
            return new Reply(e.status, Json.write(e.body()), Map.copyOf(e.headers));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "emulator bug answering " + method + " " + path, e);
            ApiError error = new ApiError(
                    500, "api_error", null, "An unknown error occurred in the Stripe emulator: " + e, null, null);
            return new Reply(500, Json.write(error.body()), Map.of());
        }
    }

    /** Whether the request still runs under the fault (which then delays it or spoils its answer). */
    private static boolean appliesWork(FaultKind kind) {
        return kind == FaultKind.HANG_AFTER_APPLY || kind == FaultKind.ERROR_500_AFTER_APPLY || kind == FaultKind.DELAY;
    }

    /** Stripe saves results once the endpoint ran: successes, card errors and server errors. */
    private static boolean saveable(int status) {
        return status < 400 || status == 402 || status >= 500;
    }

    private Reply authenticate(String key) {
        if (key == null || key.isEmpty()) {
            ApiError e = new ApiError(
                    401,
                    "invalid_request_error",
                    null,
                    "You did not provide an API key. You need to provide your API key in the Authorization "
                            + "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See "
                            + "https://stripe.com/docs/api#authentication for details, or we can help at "
                            + "https://support.stripe.com/.",
                    null,
                    null);
            return new Reply(401, Json.write(e.body()), Map.of());
        }
        if (!apiKeys.contains(key)) {
            ApiError e = new ApiError(
                    401,
                    "invalid_request_error",
                    "api_key_invalid",
                    "Invalid API Key provided: " + EmulatorOptions.mask(key),
                    null,
                    null);
            return new Reply(401, Json.write(e.body()), Map.of());
        }
        return null;
    }

    /** {@code Authorization: Bearer sk_...} or HTTP Basic with the key as user name (curl -u). */
    static String apiKey(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null) {
            return null;
        }
        if (auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).trim();
        }
        if (auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded =
                        new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                return colon < 0 ? decoded : decoded.substring(0, colon);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    private static Reply serverError(Fault fault) {
        ApiError e = new ApiError(
                500, "api_error", null, "An unknown error occurred (injected by the Stripe emulator).", null, null);
        return new Reply(500, Json.write(e.body()), retryHeader(fault));
    }

    private static Reply rateLimited(Fault fault) {
        ApiError e = new ApiError(
                429,
                "invalid_request_error",
                "rate_limit",
                "Request rate limit exceeded. Learn more about rate limits here "
                        + "https://stripe.com/docs/rate-limits.",
                null,
                null);
        return new Reply(429, Json.write(e.body()), retryHeader(fault));
    }

    private static Map<String, String> retryHeader(Fault fault) {
        return fault.shouldRetry() == null
                ? Map.of()
                : Map.of("Stripe-Should-Retry", fault.shouldRetry().toString());
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(HttpExchange ex, String requestId, Reply reply, String idemKey) {
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        try {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.getResponseHeaders().set("Request-Id", requestId);
            ex.getResponseHeaders().set("Stripe-Version", state.options.apiVersion());
            ex.getResponseHeaders().set("Cache-Control", "no-cache, no-store");
            if (idemKey != null) {
                ex.getResponseHeaders().set("Idempotency-Key", idemKey);
            }
            reply.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            ex.sendResponseHeaders(reply.status(), bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            // The client went away (e.g. its read timeout fired during a hang).
        } finally {
            ex.close();
        }
    }

    private void log(
            String requestId,
            Instant at,
            String method,
            String path,
            String idemKey,
            Map<String, Object> params,
            int status,
            boolean replayed,
            String fault) {
        requestLog.add(
                new RecordedRequest(requestId, at, method, path, idemKey, redact(params), status, replayed, fault));
    }

    /** Card numbers and CVCs never reach the log. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> redact(Map<String, Object> params) {
        Map<String, Object> copy = Json.deepCopy(params);
        Object card = copy.get("card");
        if (card instanceof Map<?, ?> m) {
            Map<String, Object> c = (Map<String, Object>) m;
            if (c.get("number") instanceof String n && n.length() > 4) {
                c.put("number", "****" + n.substring(n.length() - 4));
            }
            if (c.containsKey("cvc")) {
                c.put("cvc", "***");
            }
        }
        return Collections.unmodifiableMap(copy);
    }
}
