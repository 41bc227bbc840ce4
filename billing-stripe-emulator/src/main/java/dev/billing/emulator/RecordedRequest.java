package dev.billing.emulator;

import java.time.Instant;
import java.util.Map;

/**
 * One API request as the emulator saw it (the API key is never recorded).
 *
 * <p>Usage: {@code emulator.requestLog().stream().filter(r -> r.path().equals("/v1/customers"))}
 *
 * @param requestId the {@code Request-Id} the emulator answered with
 * @param at when the request arrived (emulated time)
 * @param method HTTP method
 * @param path request path without query string
 * @param idempotencyKey the {@code Idempotency-Key} header, or null
 * @param params the form/query parameters, decoded into nested maps, lists and strings
 * @param status the HTTP status answered (0 if the connection was dropped)
 * @param replayed whether the response was an idempotent replay
 * @param fault the injected fault that affected it, or null
 */
public record RecordedRequest(
        String requestId,
        Instant at,
        String method,
        String path,
        String idempotencyKey,
        Map<String, Object> params,
        int status,
        boolean replayed,
        String fault) {}
