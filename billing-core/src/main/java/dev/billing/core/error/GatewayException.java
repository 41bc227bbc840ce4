package dev.billing.core.error;

/**
 * The payment gateway (Stripe) call failed. Subclasses say what is known about the outcome:
 * <ul>
 *   <li>{@link GatewayUnavailableException}: certainly not done (connection refused); safe to retry.</li>
 *   <li>{@link GatewayRateLimitedException}: refused for load; not done; retry after a pause, same key.</li>
 *   <li>{@link GatewayOutcomeUnknownException}: may or may not have happened (read timeout, 5xx); retry only
 *       with the same idempotency key, or reconcile.</li>
 *   <li>{@link GatewayRejectedException}: the gateway refused the request; not done; retrying won't help.</li>
 * </ul>
 */
public abstract class GatewayException extends BillingException {
    private static final long serialVersionUID = 1L;
    private final String requestId;

    protected GatewayException(String message, String requestId, Throwable cause) {
        super(message, cause);
        this.requestId = requestId;
    }

    /** True when the call certainly had no effect at the gateway. */
    public abstract boolean certainlyNotDone();

    /** True when repeating the same call (with the same idempotency key) may succeed. */
    public abstract boolean retryable();

    /** The gateway's request id ({@code req_...}) when one was returned, else {@code null}. */
    public String requestId() {
        return requestId;
    }
}
