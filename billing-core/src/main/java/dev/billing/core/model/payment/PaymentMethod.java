package dev.billing.core.model.payment;

import dev.billing.core.model.Checks;
import dev.billing.core.model.CustomerId;
import java.time.Instant;
import java.util.Objects;

/**
 * A saved payment method. {@code customerId} is null when detached; {@code card} is null for non-card types.
 */
public record PaymentMethod(
        String id, CustomerId customerId, String type, Card card, boolean isDefault, Instant created) {
    public PaymentMethod {
        Checks.text(id, "id");
        Checks.text(type, "type");
        Objects.requireNonNull(created, "created");
    }

    public PaymentMethod asDefault(boolean value) {
        return new PaymentMethod(id, customerId, type, card, value, created);
    }
}
