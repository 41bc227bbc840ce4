package dev.billing.stripe;

import com.stripe.StripeClient;
import com.stripe.model.Customer;
import com.stripe.model.StripeSearchResult;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.CustomerSearchParams;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerRecord;
import dev.billing.core.model.NewCustomer;
import dev.billing.core.model.UserId;
import java.util.Comparator;
import java.util.Optional;

/** Creates customers and finds a user's customer through Stripe search on {@code metadata['user_id']}. */
final class StripeCustomers {
    private static final int SEARCH_LIMIT = 10;

    private final StripeClient client;
    private final StripeCalls calls;

    StripeCustomers(StripeClient client, StripeCalls calls) {
        this.client = client;
        this.calls = calls;
    }

    CustomerId createCustomer(NewCustomer customer) {
        // user_id is the billing account the webhook projection links the customer to; an organization's account
        // also says so, for people reading the dashboard.
        CustomerCreateParams.Builder params = CustomerCreateParams.builder()
                .putMetadata("user_id", customer.userId().value());
        if (customer.userId().isOrganization()) {
            params.putMetadata("org_id", customer.userId().value()).putMetadata("billing_account", "organization");
        }
        if (customer.email() != null) {
            params.setEmail(customer.email());
        }
        Customer created = calls.call(
                "create customer",
                () -> client.v1().customers().create(params.build(), StripeCalls.keyed(customer.idempotencyKey())));
        return calls.read("create customer", created, c -> CustomerId.of(c.getId()));
    }

    /** The customer, unless Stripe does not know it (404) or it was deleted. */
    Optional<CustomerRecord> getCustomer(CustomerId customerId) {
        Optional<Customer> found = calls.find(
                "retrieve customer",
                customerId.value(),
                () -> client.v1().customers().retrieve(customerId.value()));
        return found.filter(c -> !Boolean.TRUE.equals(c.getDeleted()))
                .map(c -> calls.read("retrieve customer", c, StripeCustomers::record));
    }

    boolean deleteCustomer(CustomerId customerId) {
        return calls.find(
                        "delete customer",
                        customerId.value(),
                        () -> client.v1().customers().delete(customerId.value()))
                .isPresent();
    }

    private static CustomerRecord record(Customer customer) {
        String user =
                customer.getMetadata() == null ? null : customer.getMetadata().get("user_id");
        UserId userId;
        try {
            userId = user == null || user.isBlank() ? null : UserId.of(user);
        } catch (IllegalArgumentException notAUserId) {
            userId = null;
        }
        return new CustomerRecord(CustomerId.of(customer.getId()), userId, customer.getEmail());
    }

    Optional<CustomerId> findCustomerByUserId(UserId userId) {
        CustomerSearchParams params = CustomerSearchParams.builder()
                .setQuery(userIdQuery(userId))
                .setLimit((long) SEARCH_LIMIT)
                .build();
        StripeSearchResult<Customer> result =
                calls.call("search customers", () -> client.v1().customers().search(params));
        return calls.read(
                "search customers",
                result,
                r -> r.getData().stream()
                        .filter(c -> !Boolean.TRUE.equals(c.getDeleted()))
                        .min(Comparator.comparing(
                                        (Customer c) -> c.getCreated() == null ? Long.MAX_VALUE : c.getCreated())
                                .thenComparing(Customer::getId))
                        .map(c -> CustomerId.of(c.getId())));
    }

    /** Stripe search syntax: {@code metadata['user_id']:'<id>'} with quotes and backslashes escaped. */
    static String userIdQuery(UserId userId) {
        return "metadata['user_id']:'" + escapeSearchValue(userId.value()) + "'";
    }

    static String escapeSearchValue(String value) {
        StringBuilder escaped = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == '\'' || c == '"') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }
}
