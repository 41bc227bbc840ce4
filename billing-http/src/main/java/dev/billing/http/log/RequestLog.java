package dev.billing.http.log;

/**
 * What the HTTP module tells its host about each request, on the request's thread: its id when it starts, the caller
 * once authenticated, and the finished request for the access line. The host decides where that goes: {@link
 * #systemLogger()} (the default: one {@code System.Logger} line, seen by a host with no logging set up) or {@link
 * Slf4jRequestLog} (SLF4J's MDC and key-value access line, which the server and the Spring starter use).
 *
 * <p>Usage: {@code ApiDispatcher.builder()...requestLog(new Slf4jRequestLog())}
 */
public interface RequestLog {

    /** A request started and {@code requestId} is its id. */
    default void begin(String requestId) {}

    /** The caller is known: a user id, and the id of the service key acting for it ({@code null} for a user). */
    default void identified(String userId, String serviceKey) {}

    /** The request ended (answered or failed): write its access line and forget the request's context. */
    void completed(AccessEntry entry);

    /** The access line through {@code System.Logger} {@code dev.billing.http.access}; no request context. */
    static RequestLog systemLogger() {
        return SystemRequestLog.INSTANCE;
    }
}
