package dev.billing.core.model.payment;

import dev.billing.core.model.Checks;
import dev.billing.core.model.Money;
import java.util.Objects;

/** A refund as the gateway reports it. */
public record Refund(String id, String paymentIntentId, Money amount, String status) {
    public Refund {
        Checks.text(id, "id");
        Objects.requireNonNull(amount, "amount");
        Checks.text(status, "status");
    }
}
