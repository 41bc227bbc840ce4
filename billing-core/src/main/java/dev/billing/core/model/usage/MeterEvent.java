package dev.billing.core.model.usage;

import dev.billing.core.model.Checks;
import dev.billing.core.model.CustomerId;
import java.time.Instant;
import java.util.Objects;

/** Usage reported to Stripe Billing Meters; {@code identifier} makes the report idempotent at Stripe. */
public record MeterEvent(String eventName, CustomerId customerId, long value, String identifier, Instant timestamp) {
    public MeterEvent {
        Checks.text(eventName, "eventName");
        Objects.requireNonNull(customerId, "customerId");
        if (value <= 0) {
            throw new IllegalArgumentException("a meter event value must be positive");
        }
        Checks.text(identifier, "identifier", 100);
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
