package dev.billing.http;

import java.util.Map;
import java.util.Objects;

/**
 * An HTTP-level refusal that is not a core error: too large, rate limited, unknown route, admin auth. Carries the
 * status, the stable code, a message for people, and extra response headers (e.g. {@code Retry-After}).
 *
 * <p>Usage: {@code throw ApiException.of(413, "payload_too_large", "The body is larger than 1000000 bytes.");}
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final transient Map<String, String> headers;

    private ApiException(int status, String code, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = Objects.requireNonNull(code, "code");
        this.headers = Map.copyOf(headers);
    }

    public static ApiException of(int status, String code, String message) {
        return new ApiException(status, code, message, Map.of());
    }

    public static ApiException of(int status, String code, String message, Map<String, String> headers) {
        return new ApiException(status, code, message, headers);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
