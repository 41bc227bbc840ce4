package dev.billing.core.model.payment;

import java.util.Locale;

/** Stripe's invoice statuses, plus {@link #UNRECOGNIZED} for values this code does not know. */
public enum InvoiceStatus {
    DRAFT,
    OPEN,
    PAID,
    UNCOLLECTIBLE,
    VOID,
    UNRECOGNIZED;

    public String stripeName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static InvoiceStatus fromStripe(String value) {
        if (value != null) {
            for (InvoiceStatus status : values()) {
                if (status != UNRECOGNIZED && status.stripeName().equals(value)) {
                    return status;
                }
            }
        }
        return UNRECOGNIZED;
    }
}
