package dev.billing.core.error;

import java.util.Objects;

/**
 * A webhook delivery is not acceptable and nothing was stored. Always HTTP 400: Stripe will not retry a 4xx,
 * and a forged or broken request must never reach the inbox.
 */
public final class WebhookRejectedException extends BillingException {
    private static final long serialVersionUID = 1L;

    /** Why a delivery was rejected. */
    public enum Reason {
        MISSING_SIGNATURE,
        MALFORMED_SIGNATURE,
        NO_MATCHING_SIGNATURE,
        TIMESTAMP_TOO_OLD,
        TIMESTAMP_IN_FUTURE,
        MALFORMED_PAYLOAD,
        UNSUPPORTED_EVENT
    }

    private final Reason reason;

    public WebhookRejectedException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public String code() {
        return "invalid_webhook";
    }
}
