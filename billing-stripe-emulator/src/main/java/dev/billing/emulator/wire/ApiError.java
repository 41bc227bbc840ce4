package dev.billing.emulator.wire;

import java.util.LinkedHashMap;
import java.util.Map;

/** A Stripe API error: HTTP status plus the {@code error} object Stripe returns. */
public final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public final int status;
    public final String type;
    public final String code;
    public final String param;
    public final String declineCode;
    final Map<String, Object> extra = new LinkedHashMap<>();
    public final Map<String, String> headers = new LinkedHashMap<>();

    public ApiError(int status, String type, String code, String message, String param, String declineCode) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.declineCode = declineCode;
    }

    public static ApiError invalid(String message, String param) {
        return new ApiError(400, "invalid_request_error", null, message, param, null);
    }

    public static ApiError invalid(String code, String message, String param) {
        return new ApiError(400, "invalid_request_error", code, message, param, null);
    }

    public static ApiError missingParam(String param) {
        return new ApiError(
                400,
                "invalid_request_error",
                "parameter_missing",
                "Missing required param: " + param + ".",
                param,
                null);
    }

    public static ApiError noSuch(String noun, String id, String param) {
        return new ApiError(
                404, "invalid_request_error", "resource_missing", "No such " + noun + ": '" + id + "'", param, null);
    }

    public static ApiError card(String code, String declineCode, String message) {
        return new ApiError(402, "card_error", code, message, null, declineCode);
    }

    public ApiError header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public ApiError with(String key, Object value) {
        extra.put(key, value);
        return this;
    }

    public Map<String, Object> body() {
        Map<String, Object> error = new LinkedHashMap<>();
        if (code != null) {
            error.put("code", code);
        }
        if (declineCode != null) {
            error.put("decline_code", declineCode);
        }
        if (code != null) {
            error.put("doc_url", "https://stripe.com/docs/error-codes/" + code.replace('_', '-'));
        }
        error.put("message", getMessage());
        if (param != null) {
            error.put("param", param);
        }
        error.putAll(extra);
        error.put("type", type);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        return body;
    }
}
