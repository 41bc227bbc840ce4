package dev.billing.emulator.service;

import dev.billing.emulator.state.EmulatorState;
import java.util.List;
import java.util.Map;

/**
 * A meter's aggregation of its events: the meter's event summaries show it, and the metered lines of
 * an invoice bill it.
 */
public final class MeterUsage {
    private MeterUsage() {}

    /** Aggregates a customer's events for a meter over {@code [start, end)}. */
    @SuppressWarnings("unchecked")
    public static double aggregate(
            EmulatorState s, Map<String, Object> meter, String customerId, long start, long end) {
        String eventName = (String) meter.get("event_name");
        String customerKey = (String) ((Map<String, Object>) meter.get("customer_mapping")).get("event_payload_key");
        String valueKey = (String) ((Map<String, Object>) meter.get("value_settings")).get("event_payload_key");
        String formula = (String) ((Map<String, Object>) meter.get("default_aggregation")).get("formula");
        double total = 0;
        long lastTs = Long.MIN_VALUE;
        List<Map<String, Object>> events = s.store.all("billing.meter_event");
        for (Map<String, Object> e : events) {
            Map<String, Object> payload = (Map<String, Object>) e.get("payload");
            long ts = (Long) e.get("timestamp");
            if (!eventName.equals(e.get("event_name"))
                    || !customerId.equals(payload.get(customerKey))
                    || ts < start
                    || ts >= end) {
                continue;
            }
            double value = Double.parseDouble((String) payload.get(valueKey));
            switch (formula) {
                case "count" -> total += 1;
                case "last" -> {
                    if (ts >= lastTs) {
                        lastTs = ts;
                        total = value;
                    }
                }
                default -> total += value;
            }
        }
        return total;
    }
}
