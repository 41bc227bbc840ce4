package dev.billing.core.model.payment;

import dev.billing.core.model.Checks;
import java.util.Objects;

/**
 * What a PaymentSheet confirms: a payment intent (something is paid now) or a setup intent (a card is saved, e.g.
 * for a trial whose first invoice is 0). {@code status} is Stripe's ({@code requires_payment_method},
 * {@code requires_action}, {@code succeeded}, ...). The {@code clientSecret} goes only to the paying party's app; it
 * is never logged.
 */
public record SheetIntent(Kind kind, String id, String clientSecret, String status) {
    public SheetIntent {
        Objects.requireNonNull(kind, "kind");
        Checks.text(id, "id");
        Checks.text(clientSecret, "clientSecret");
        Checks.text(status, "status");
    }

    /** Whether the app has nothing left to confirm (paid, or the card saved). */
    public boolean isDone() {
        return "succeeded".equals(status) || "processing".equals(status);
    }

    /** Whether the sheet can still be presented with this intent (not canceled, not done). */
    public boolean isPayable() {
        return !isDone() && !"canceled".equals(status);
    }

    public enum Kind {
        PAYMENT,
        SETUP
    }

    @Override
    public String toString() {
        return "SheetIntent[kind=" + kind + ", id=" + id + ", status=" + status + "]";
    }
}
