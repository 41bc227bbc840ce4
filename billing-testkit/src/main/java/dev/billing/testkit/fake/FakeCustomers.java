package dev.billing.testkit.fake;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerRecord;
import dev.billing.core.model.NewCustomer;
import dev.billing.core.model.UserId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fake's customers, found by their user as Stripe search would, and each customer's default payment method.
 * Not thread-safe apart from {@link #searchLags}: {@link FakePaymentGateway} calls it under its lock.
 */
final class FakeCustomers {
    private final AtomicLong ids;
    private final Map<String, FakeCustomer> customers = new LinkedHashMap<>();
    private volatile boolean searchLags;

    /** @param ids the gateway's, so that ids of every kind come from one sequence */
    FakeCustomers(AtomicLong ids) {
        this.ids = ids;
    }

    CustomerId create(NewCustomer customer) {
        String id = "cus_fake_" + ids.incrementAndGet();
        customers.put(id, new FakeCustomer(id, customer.userId(), customer.email()));
        return CustomerId.of(id);
    }

    /** The customer Checkout creates for a guest's payment: no user, the email typed on the page. */
    CustomerId createGuest(String email) {
        String id = "cus_fake_" + ids.incrementAndGet();
        customers.put(id, new FakeCustomer(id, null, email));
        return CustomerId.of(id);
    }

    Optional<CustomerId> findByUserId(UserId userId) {
        return searchLags
                ? Optional.<CustomerId>empty()
                : customers.values().stream()
                        .filter(c -> userId.equals(c.userId))
                        .findFirst()
                        .map(c -> CustomerId.of(c.id));
    }

    Optional<CustomerRecord> record(CustomerId customerId) {
        return Optional.ofNullable(customers.get(customerId.value()))
                .map(c -> new CustomerRecord(customerId, c.userId, c.email));
    }

    /** Removes the customer; false when there is none. */
    boolean delete(CustomerId customerId) {
        return customers.remove(customerId.value()) != null;
    }

    void searchLags(boolean lagging) {
        this.searchLags = lagging;
    }

    List<CustomerId> customersOf(UserId user) {
        return customers.values().stream()
                .filter(c -> user.equals(c.userId))
                .map(c -> CustomerId.of(c.id))
                .toList();
    }

    int count() {
        return customers.size();
    }

    /** The customer, or Stripe's 404. */
    FakeCustomer require(CustomerId customerId) {
        FakeCustomer customer = customers.get(customerId.value());
        if (customer == null) {
            throw FakeErrors.missing("customer", customerId.value());
        }
        return customer;
    }

    /** Null for an unknown customer or one without a default. */
    String defaultPaymentMethodOf(CustomerId customerId) {
        return Optional.ofNullable(customers.get(customerId.value()))
                .map(c -> c.defaultPaymentMethod)
                .orElse(null);
    }

    /** A detached payment method stops being any customer's default. */
    void forgetDefault(String paymentMethodId) {
        customers.values().stream()
                .filter(c -> paymentMethodId.equals(c.defaultPaymentMethod))
                .forEach(c -> c.defaultPaymentMethod = null);
    }

    static final class FakeCustomer {
        final String id;
        final UserId userId;
        final String email;
        String defaultPaymentMethod;

        FakeCustomer(String id, UserId userId, String email) {
            this.id = id;
            this.userId = userId;
            this.email = email;
        }
    }
}
