package dev.billing.http.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The request context and access line through SLF4J, for hosts that log through it (the server, Spring Boot): the
 * MDC holds {@code requestId}, then {@code userId} and {@code serviceKey}, so every line the request causes (the core's
 * too, once {@code System.Logger} is routed to SLF4J) carries them; the access line's fields are key-values, which a
 * JSON encoder writes as fields. This is the only class of the library modules that uses SLF4J.
 */
public final class Slf4jRequestLog implements RequestLog {
    public static final String REQUEST_ID = "requestId";
    private static final Logger ACCESS = LoggerFactory.getLogger("dev.billing.http.access");

    @Override
    public void begin(String requestId) {
        // A pooled thread may still hold the last request's context if that one ended without reaching completed.
        MDC.clear();
        MDC.put(REQUEST_ID, requestId);
    }

    @Override
    public void identified(String userId, String serviceKey) {
        MDC.put("userId", userId);
        if (serviceKey != null) {
            MDC.put("serviceKey", serviceKey);
        }
    }

    @Override
    public void completed(AccessEntry e) {
        try {
            if (!ACCESS.isInfoEnabled()) {
                return;
            }
            ACCESS.atInfo()
                    .addKeyValue("method", e.method())
                    .addKeyValue("route", e.route())
                    .addKeyValue("path", e.path())
                    .addKeyValue("status", e.status())
                    .addKeyValue("durationMs", e.millisValue())
                    .addKeyValue("ip", e.ip())
                    .addKeyValue("userId", e.userId())
                    .addKeyValue("serviceKey", e.serviceKey())
                    .log("{} {} {} {}ms", e.method(), e.path(), e.status(), e.millis());
        } finally {
            MDC.clear();
        }
    }
}
