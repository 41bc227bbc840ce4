package dev.billing.core.model.payment;

import dev.billing.core.model.Checks;

/**
 * A setup intent for saving a payment method in the front end. The {@code clientSecret} goes only to the owning
 * user's front end; it is never logged.
 */
public record SetupIntent(String id, String clientSecret, String status) {
    public SetupIntent {
        Checks.text(id, "id");
        Checks.text(clientSecret, "clientSecret");
        Checks.text(status, "status");
    }

    @Override
    public String toString() {
        return "SetupIntent[id=" + id + ", status=" + status + "]";
    }
}
