package dev.billing.http.wire;

/** Every non-2xx body: {@code {"error":{"code","message","requestId"}}}. */
@Doc("Every error answer.")
public record ErrorBody(Detail error) {

    /** The error itself. */
    public record Detail(
            @Doc("Stable and snake_case; the codes of each status are listed on its answer and in docs/HTTP_API.md.")
            String code,

            @Doc("For people: never SQL, stack traces, secrets, tokens or Stripe's internal messages.")
            String message,

            @Doc("The X-Request-Id of the request, also in every log line of it.")
            String requestId) {}

    public static ErrorBody of(String code, String message, String requestId) {
        return new ErrorBody(new Detail(code, message, requestId));
    }
}
