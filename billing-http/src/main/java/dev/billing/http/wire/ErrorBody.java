package dev.billing.http.wire;

/** Every non-2xx body: {@code {"error":{"code","message","requestId"}}}. */
public record ErrorBody(Detail error) {

    /** The error itself. */
    public record Detail(String code, String message, String requestId) {}

    public static ErrorBody of(String code, String message, String requestId) {
        return new ErrorBody(new Detail(code, message, requestId));
    }
}
