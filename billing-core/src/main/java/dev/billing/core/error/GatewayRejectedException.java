package dev.billing.core.error;

/**
 * The gateway refused the request (4xx): invalid parameters, a missing object, a declined card, an
 * idempotency key reused with different parameters. Nothing was done and repeating it will not help.
 * The gateway's own code, param and decline code are kept as data.
 */
public final class GatewayRejectedException extends GatewayException {
    private static final long serialVersionUID = 1L;

    /** Stripe's code when an idempotency key was reused with different parameters. */
    public static final String IDEMPOTENCY_ERROR = "idempotency_error";
    /** Stripe's code for a missing object. */
    public static final String RESOURCE_MISSING = "resource_missing";
    /** Stripe's code when an invoice asked to be paid is paid already. */
    public static final String INVOICE_ALREADY_PAID = "invoice_already_paid";

    private final int status;
    private final String gatewayCode;
    private final String param;
    private final String declineCode;

    public GatewayRejectedException(
            String message,
            int status,
            String gatewayCode,
            String param,
            String declineCode,
            String requestId,
            Throwable cause) {
        super(message, requestId, cause);
        this.status = status;
        this.gatewayCode = gatewayCode;
        this.param = param;
        this.declineCode = declineCode;
    }

    public GatewayRejectedException(String message, int status, String gatewayCode, String param) {
        this(message, status, gatewayCode, param, null, null, null);
    }

    /** The HTTP status the gateway answered (400, 402, 404...). */
    public int status() {
        return status;
    }

    /** The gateway's error code, e.g. {@code resource_missing}, {@code card_declined}; may be null. */
    public String gatewayCode() {
        return gatewayCode;
    }

    /** The request parameter at fault, or null. */
    public String param() {
        return param;
    }

    /** The card's decline code for card errors, or null. */
    public String declineCode() {
        return declineCode;
    }

    public boolean isCardError() {
        return status == 402 || declineCode != null;
    }

    public boolean isIdempotencyConflict() {
        return IDEMPOTENCY_ERROR.equals(gatewayCode);
    }

    public boolean isMissingResource() {
        return status == 404 || RESOURCE_MISSING.equals(gatewayCode);
    }

    @Override
    public boolean certainlyNotDone() {
        return true;
    }

    @Override
    public boolean retryable() {
        return false;
    }

    @Override
    public String code() {
        return isCardError() ? "card_declined" : "stripe_invalid_request";
    }
}
