package dev.billing.testkit.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.Billing;
import dev.billing.core.customer.EnsuredCustomer;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.error.GatewayUnavailableException;
import dev.billing.core.error.StoreUnavailableException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.Identity;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.CustomerStore;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.contract.Race;
import dev.billing.testkit.fake.FakePaymentGateway.Call;
import dev.billing.testkit.fake.FakePaymentGateway.Failure;
import dev.billing.testkit.fake.FakePaymentGateway.Operation;
import dev.billing.testkit.fake.InMemoryBillingStores;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** I3: exactly one Stripe customer per user, whatever the concurrency, failures and retries. */
class EnsureCustomerTest {
    private final BillingHarness h = BillingHarness.create();
    private final UserId user = UserId.of("user_1");

    @Test
    void twentyConcurrentFirstRequestsMakeOneCustomerAndOneLink() {
        List<EnsuredCustomer> results = Race.run(20, i -> h.billing().ensureCustomer(h.identity("user_1")));
        assertThat(h.gateway().customersOf(user)).hasSize(1);
        CustomerId only = h.gateway().customersOf(user).get(0);
        assertThat(results).allSatisfy(r -> assertThat(r.customerId()).isEqualTo(only));
        assertThat(results.stream().filter(EnsuredCustomer::created))
                .as("each found the user without one")
                .isNotEmpty();
        assertThat(h.stores().customers().findByUserId(user))
                .map(l -> l.customerId())
                .contains(only);
        assertThat(h.stores().customers().count()).isEqualTo(1);
        assertThat(h.gateway().calls(Operation.FIND_CUSTOMER))
                .as("Stripe's search lags its writes, so it is never what keeps a second customer from being made")
                .isEmpty();
    }

    @Test
    void aNotDoneThenAnUnknownOutcomeStillEndInOneCustomerWithOneKey() {
        h.gateway().failNext(Operation.CREATE_CUSTOMER, 1, Failure.NOT_DONE);
        h.gateway().failNext(Operation.CREATE_CUSTOMER, 1, Failure.UNKNOWN_AFTER_APPLYING);
        EnsuredCustomer customer = h.billing().ensureCustomer(h.identity("user_1"));
        assertThat(h.gateway().customersOf(user)).containsExactly(customer.customerId());
        List<Call> calls = h.gateway().calls(Operation.CREATE_CUSTOMER);
        assertThat(calls).hasSize(3);
        assertThat(calls)
                .extracting(Call::idempotencyKey)
                .containsOnly(calls.get(0).idempotencyKey());
    }

    @Test
    void aRateLimitIsWaitedOutWithTheSameKey() {
        h.gateway().failNext(Operation.CREATE_CUSTOMER, 2, Failure.RATE_LIMITED);
        h.billing().ensureCustomer(h.identity("user_1"));
        assertThat(h.gateway().customersOf(user)).hasSize(1);
        assertThat(h.gateway().calls(Operation.CREATE_CUSTOMER))
                .extracting(Call::idempotencyKey)
                .hasSize(3)
                .containsOnly(
                        h.gateway().calls(Operation.CREATE_CUSTOMER).get(0).idempotencyKey());
    }

    @Test
    void stripeDownFailsFastThenTheNextCallMakesTheOneCustomer() {
        h.gateway().failNext(Operation.CREATE_CUSTOMER, 3, Failure.NOT_DONE);
        assertThatThrownBy(() -> h.billing().ensureCustomer(h.identity("user_1")))
                .isInstanceOf(GatewayUnavailableException.class);
        assertThat(h.stores().customers().findByUserId(user)).isEmpty();
        h.billing().ensureCustomer(h.identity("user_1"));
        assertThat(h.gateway().customersOf(user)).hasSize(1);
    }

    @Test
    void stripeCreatedTheCustomerThenTheStoreFailedAndTheNextCallLinksThatSameCustomer() {
        h.stores().storeSwitch().failAfter(1, 1);
        assertThatThrownBy(() -> h.billing().ensureCustomer(h.identity("user_1")))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(h.gateway().customersOf(user)).hasSize(1);
        assertThat(h.stores().customers().findByUserId(user)).isEmpty();

        EnsuredCustomer retried = h.billing().ensureCustomer(h.identity("user_1"));
        assertThat(retried.created())
                .as("the user had no customer until this call linked it")
                .isTrue();
        assertThat(h.gateway().customersOf(user)).containsExactly(retried.customerId());
    }

    @Test
    void createdStaysTrueWhenTheCustomersOwnWebhookLinkedItFirst() {
        InMemoryBillingStores memory = InMemoryBillingStores.create();
        // The customer.created webhook of the very customer this call creates links it a moment before the call's
        // own insert: the call still made Stripe create it.
        CustomerStore webhookFirst = new CustomerStore() {
            public Optional<CustomerLink> findByUserId(UserId u) {
                return memory.customers().findByUserId(u);
            }

            public Optional<CustomerLink> findByCustomerId(CustomerId c) {
                return memory.customers().findByCustomerId(c);
            }

            public LinkResult link(CustomerLink link) {
                memory.customers().link(link);
                return memory.customers().link(link);
            }

            public Page<CustomerLink> list(String cursor, int limit) {
                return memory.customers().list(cursor, limit);
            }

            public long count() {
                return memory.customers().count();
            }
        };
        Billing billing = Billing.builder()
                .gateway(h.gateway())
                .webhookVerifier(h.verifier())
                .stores(new BillingStores(webhookFirst, memory.subscriptions(), memory.inbox(), memory.usage()))
                .plans(h.plans())
                .clock(h.clock())
                .sleeper(d -> {})
                .build();
        EnsuredCustomer first = billing.ensureCustomer(h.identity("user_1"));
        assertThat(first.created()).isTrue();
        assertThat(billing.ensureCustomer(h.identity("user_1")).created()).isFalse();
        assertThat(h.gateway().customersOf(user)).containsExactly(first.customerId());
    }

    @Test
    void anExistingLinkAnswersWithoutCallingStripe() {
        h.billing().ensureCustomer(h.identity("user_1"));
        int calls = h.gateway().calls().size();
        EnsuredCustomer again = h.billing().ensureCustomer(h.identity("user_1"));
        assertThat(again.created()).isFalse();
        assertThat(h.gateway().calls()).hasSize(calls);
    }

    @Test
    void aKeyRejectedForChangedParametersAdoptsTheConfirmedCustomerInsteadOfMakingASecond() {
        h.stores().storeSwitch().failAfter(1, 1);
        assertThatThrownBy(() -> h.billing().ensureCustomer(h.identity("user_1")))
                .isInstanceOf(StoreUnavailableException.class);
        Identity newEmail = new Identity(user, "sess_2", "changed@example.com", null, Map.of());
        EnsuredCustomer adopted = h.billing().ensureCustomer(newEmail);
        assertThat(h.gateway().customersOf(user)).containsExactly(adopted.customerId());
        assertThat(h.gateway().calls(Operation.FIND_CUSTOMER)).hasSize(1);
    }

    @Test
    void aKeyRejectedForChangedParametersIsRotatedOnlyWhenNoCustomerIsConfirmed() {
        // The first key was used with other parameters but Stripe holds no customer for the user (it was deleted).
        h.gateway().searchLags(true);
        h.stores().storeSwitch().failAfter(1, 1);
        assertThatThrownBy(() -> h.billing().ensureCustomer(h.identity("user_1")));
        Identity newEmail = new Identity(user, "sess_2", "changed@example.com", null, Map.of());
        EnsuredCustomer rotated = h.billing().ensureCustomer(newEmail);
        List<Call> creates = h.gateway().calls(Operation.CREATE_CUSTOMER);
        assertThat(creates.get(creates.size() - 1).idempotencyKey())
                .isNotEqualTo(creates.get(0).idempotencyKey());
        assertThat(h.stores().customers().findByUserId(user))
                .map(l -> l.customerId())
                .contains(rotated.customerId());
    }

    @Test
    void aPlainRejectionIsNotTreatedAsAKeyConflict() {
        h.gateway().failNext(Operation.CREATE_CUSTOMER, 1, Failure.REJECTED);
        assertThatThrownBy(() -> h.billing().ensureCustomer(h.identity("user_1")))
                .isInstanceOf(GatewayRejectedException.class);
        assertThat(h.gateway().calls(Operation.FIND_CUSTOMER)).isEmpty();
        assertThat(h.gateway().customersOf(user)).isEmpty();
    }
}
