package dev.billing.testkit.fake;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.payment.Card;
import dev.billing.core.model.payment.PaymentMethod;
import dev.billing.core.model.payment.SetupIntent;
import dev.billing.testkit.fake.FakeCustomers.FakeCustomer;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** The fake's cards and setup intents. Not thread-safe: {@link FakePaymentGateway} calls it under its lock. */
final class FakePaymentMethods {
    private final Clock clock;
    private final AtomicLong ids;
    private final FakeCustomers customers;
    private final Map<String, PaymentMethod> paymentMethods = new LinkedHashMap<>();

    /** @param ids the gateway's, so that ids of every kind come from one sequence */
    FakePaymentMethods(Clock clock, AtomicLong ids, FakeCustomers customers) {
        this.clock = clock;
        this.ids = ids;
        this.customers = customers;
    }

    String attachCard(CustomerId customer) {
        String id = "pm_fake_" + ids.incrementAndGet();
        paymentMethods.put(
                id,
                new PaymentMethod(id, customer, "card", new Card("visa", "4242", 12, 2034), false, clock.instant()));
        return id;
    }

    List<PaymentMethod> list(CustomerId customerId) {
        String defaultId = customers.defaultPaymentMethodOf(customerId);
        return paymentMethods.values().stream()
                .filter(p -> customerId.equals(p.customerId()))
                .map(p -> p.asDefault(p.id().equals(defaultId)))
                .toList();
    }

    Optional<PaymentMethod> get(String paymentMethodId) {
        return Optional.ofNullable(paymentMethods.get(paymentMethodId));
    }

    SetupIntent createSetupIntent(CustomerId customerId) {
        customers.require(customerId);
        String id = "seti_fake_" + ids.incrementAndGet();
        return new SetupIntent(id, id + "_secret_fake", "requires_payment_method");
    }

    void detach(String paymentMethodId) {
        PaymentMethod pm = Optional.ofNullable(paymentMethods.get(paymentMethodId))
                .orElseThrow(() -> FakeErrors.missing("payment_method", paymentMethodId));
        paymentMethods.put(
                paymentMethodId, new PaymentMethod(pm.id(), null, pm.type(), pm.card(), false, pm.created()));
        customers.forgetDefault(paymentMethodId);
    }

    void setDefault(CustomerId customerId, String paymentMethodId) {
        FakeCustomer customer = customers.require(customerId);
        PaymentMethod pm = paymentMethods.get(paymentMethodId);
        if (pm == null || !customerId.equals(pm.customerId())) {
            throw FakeErrors.missing("payment_method", paymentMethodId);
        }
        customer.defaultPaymentMethod = paymentMethodId;
    }
}
