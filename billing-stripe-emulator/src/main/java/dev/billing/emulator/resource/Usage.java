package dev.billing.emulator.resource;

import dev.billing.emulator.service.MeterUsage;
import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.state.Ids;
import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.Params;
import dev.billing.emulator.wire.Routes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Billing meter events ({@code POST /v1/billing/meter_events}), checked as Stripe checks them;
 * {@link MeterUsage} aggregates them.
 */
public final class Usage {
    private static final long MAX_AGE_SECONDS = 35L * 24 * 3600;
    private static final long MAX_FUTURE_SECONDS = 5L * 60;

    private final EmulatorState s;

    public Usage(EmulatorState state) {
        this.s = state;
    }

    public void register(Routes r) {
        r.add("POST", "/v1/billing/meter_events", c -> createMeterEvent(c.params()));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> createMeterEvent(Params p) {
        String eventName = p.requireStr("event_name");
        Params payload = p.sub("payload");
        if (payload == null) {
            throw ApiError.missingParam("payload");
        }
        Map<String, Object> meter = meterFor(eventName);
        String customerKey = "stripe_customer_id";
        String valueKey = "value";
        if (meter != null) {
            customerKey = (String) ((Map<String, Object>) meter.get("customer_mapping")).get("event_payload_key");
            valueKey = (String) ((Map<String, Object>) meter.get("value_settings")).get("event_payload_key");
        }
        if (payload.strOrNull(customerKey) == null) {
            throw ApiError.missingParam("payload[" + customerKey + "]");
        }
        String value = payload.strOrNull(valueKey);
        if (value == null) {
            throw ApiError.missingParam("payload[" + valueKey + "]");
        }
        try {
            Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw ApiError.invalid("The value must be a number.", "payload[" + valueKey + "]");
        }
        String identifier = p.strOrNull("identifier");
        if (identifier != null) {
            for (Map<String, Object> existing : s.store.all("billing.meter_event")) {
                if (identifier.equals(existing.get("identifier"))) {
                    // What Stripe answers (no error code), and it tells clients not to retry.
                    throw ApiError.invalid("An event already exists with identifier " + identifier + ".", "identifier")
                            .header("Stripe-Should-Retry", "false");
                }
            }
        }
        long now = s.now();
        long timestamp = p.lng("timestamp", now);
        if (timestamp < now - MAX_AGE_SECONDS || timestamp > now + MAX_FUTURE_SECONDS) {
            throw ApiError.invalid(
                    "Timestamp must be within the past 35 calendar days and not more than 5 minutes in the future.",
                    "timestamp");
        }
        String id = Ids.next("mtrevt");
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", id);
        event.put("object", "billing.meter_event");
        event.put("created", now);
        event.put("event_name", eventName);
        event.put("identifier", identifier != null ? identifier : id);
        event.put("livemode", false);
        event.put("payload", new LinkedHashMap<>(payload.raw()));
        event.put("timestamp", timestamp);
        s.store.put(event);
        return s.render(event);
    }

    private Map<String, Object> meterFor(String eventName) {
        for (Map<String, Object> meter : s.store.all("billing.meter")) {
            if (eventName.equals(meter.get("event_name")) && "active".equals(meter.get("status"))) {
                return meter;
            }
        }
        return null;
    }
}
