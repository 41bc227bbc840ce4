package dev.billing.testkit.fake;

import dev.billing.core.model.usage.MeterEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The meter events reported to the fake, one per identifier as Stripe keeps them. Not thread-safe:
 * {@link FakePaymentGateway} calls it under its lock.
 */
final class FakeMeterEvents {
    private final FakeCustomers customers;
    private final Map<String, MeterEvent> meterEvents = new LinkedHashMap<>();

    FakeMeterEvents(FakeCustomers customers) {
        this.customers = customers;
    }

    /** A repeated identifier keeps the first event. */
    void report(MeterEvent event) {
        customers.require(event.customerId());
        meterEvents.putIfAbsent(event.identifier(), event);
    }

    List<MeterEvent> all() {
        return List.copyOf(meterEvents.values());
    }
}
