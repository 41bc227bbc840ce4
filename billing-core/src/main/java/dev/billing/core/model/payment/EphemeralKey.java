package dev.billing.core.model.payment;

import dev.billing.core.model.Checks;
import java.time.Instant;
import java.util.Objects;

/**
 * A short-lived key that lets a mobile SDK (Stripe's PaymentSheet) read and save one customer's cards. The
 * {@code secret} goes only to that customer's app; it is never logged.
 */
public record EphemeralKey(String id, String secret, Instant expires) {
    public EphemeralKey {
        Checks.text(id, "id");
        Checks.text(secret, "secret");
        Objects.requireNonNull(expires, "expires");
    }

    @Override
    public String toString() {
        return "EphemeralKey[id=" + id + ", expires=" + expires + "]";
    }
}
