package dev.billing.stripe;

import com.stripe.StripeClient;
import com.stripe.param.billing.MeterEventCreateParams;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.model.usage.MeterEvent;

/** Reports metered usage to a Stripe billing meter. */
final class StripeMeterEvents {
    private final StripeClient client;
    private final StripeCalls calls;

    StripeMeterEvents(StripeClient client, StripeCalls calls) {
        this.client = client;
        this.calls = calls;
    }

    /** Reporting is idempotent: Stripe's "an event already exists with identifier X" counts as success. */
    void reportMeterEvent(MeterEvent event) {
        MeterEventCreateParams params = MeterEventCreateParams.builder()
                .setEventName(event.eventName())
                .putPayload("stripe_customer_id", event.customerId().value())
                .putPayload("value", Long.toString(event.value()))
                .setIdentifier(event.identifier())
                .setTimestamp(event.timestamp().getEpochSecond())
                .build();
        try {
            calls.call(
                    "report meter event",
                    () -> client.v1().billing().meterEvents().create(params));
        } catch (GatewayRejectedException e) {
            if (!isDuplicateMeterEvent(e, event.identifier())) {
                throw e;
            }
        }
    }

    static boolean isDuplicateMeterEvent(GatewayRejectedException e, String identifier) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        return e.status() == 400 && message.contains("already exists") && message.contains(identifier);
    }
}
