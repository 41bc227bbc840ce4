package dev.billing.testkit.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.error.NotFoundException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.UserId;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.projection.ReconcileReport;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.fake.FakePaymentGateway.Failure;
import dev.billing.testkit.fake.FakePaymentGateway.Operation;
import org.junit.jupiter.api.Test;

/** Missed webhooks: reconcile re-reads Stripe and repairs the projection. */
class ReconcileTest {
    private final BillingHarness h = BillingHarness.create();

    @Test
    void repairsDriftFromMissedWebhooks() {
        CustomerId customer = h.billing().ensureCustomer(h.identity("user_1")).customerId();
        Subscription sub = h.gateway().subscribe(customer, "price_pro_monthly", SubscriptionStatus.ACTIVE);
        assertThat(h.billing().entitlements(UserId.of("user_1")).tier()).isEqualTo("free");
        ReconcileReport report = h.billing().useCases().reconcile().user(UserId.of("user_1"));
        assertThat(report.subscriptionsApplied()).isEqualTo(1);
        assertThat(h.stores().subscriptions().findSubscription(sub.id())).isPresent();
        assertThat(h.billing().entitlements(UserId.of("user_1")).tier()).isEqualTo("pro");
        assertThat(h.billing().useCases().reconcile().user(UserId.of("user_1")).subscriptionsSeen())
                .isEqualTo(1);
    }

    @Test
    void reconcilesEveryCustomerAndCountsTheOnesThatFail() {
        for (int i = 0; i < 3; i++) {
            CustomerId customer =
                    h.billing().ensureCustomer(h.identity("user_" + i)).customerId();
            h.gateway().subscribe(customer, "price_basic_monthly", SubscriptionStatus.ACTIVE);
        }
        h.gateway().failNext(Operation.LIST_SUBSCRIPTIONS, 1, Failure.REJECTED);
        ReconcileReport report = h.billing().useCases().reconcile().all();
        assertThat(report.customers()).isEqualTo(3);
        assertThat(report.failedCustomers()).isEqualTo(1);
        assertThat(report.subscriptionsApplied()).isEqualTo(2);
    }

    @Test
    void aUserWithoutACustomerIsNotFound() {
        assertThatThrownBy(() -> h.billing().useCases().reconcile().user(UserId.of("nobody")))
                .isInstanceOf(NotFoundException.class);
    }
}
