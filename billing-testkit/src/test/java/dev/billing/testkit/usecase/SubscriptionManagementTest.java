package dev.billing.testkit.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.UseCases;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.error.NotFoundException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.port.PaymentGateway.ProrationBehavior;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.fake.FakePaymentGateway.Operation;
import org.junit.jupiter.api.Test;

/** I5: users manage only their own subscriptions; another user's is not found. */
class SubscriptionManagementTest {
    private final BillingHarness h = BillingHarness.create();
    private final UseCases uc = h.billing().useCases();
    private final UserId alice = UserId.of("user_alice");
    private final UserId mallory = UserId.of("user_mallory");

    private Subscription aliceSubscribes() {
        CustomerId customer =
                h.billing().ensureCustomer(h.identity(alice.value())).customerId();
        h.billing().ensureCustomer(h.identity(mallory.value()));
        Subscription sub = h.gateway().subscribe(customer, "price_basic_monthly", SubscriptionStatus.ACTIVE);
        uc.reconcile().customer(customer);
        return sub;
    }

    @Test
    void anotherUsersSubscriptionIsNotFoundForCancelResumeAndChange() {
        Subscription sub = aliceSubscribes();
        int mutations = h.gateway().calls(Operation.CANCEL_SUBSCRIPTION).size();
        assertThatThrownBy(() -> uc.cancelSubscription().cancel(mallory, sub.id(), true))
                .isInstanceOfSatisfying(
                        NotFoundException.class, e -> assertThat(e.code()).isEqualTo("subscription_not_found"));
        assertThatThrownBy(() -> uc.resumeSubscription().resume(mallory, sub.id()))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> uc.changePlan()
                        .change(mallory, sub.id(), "pro", BillingInterval.MONTH, ProrationBehavior.CREATE_PRORATIONS))
                .isInstanceOf(NotFoundException.class);
        assertThat(h.gateway().calls(Operation.CANCEL_SUBSCRIPTION)).hasSize(mutations);
        assertThat(h.gateway().calls(Operation.CHANGE_PRICE)).isEmpty();
    }

    @Test
    void aSubscriptionOnlyStripeKnowsIsCheckedThereToo() {
        CustomerId aliceCustomer =
                h.billing().ensureCustomer(h.identity(alice.value())).customerId();
        h.billing().ensureCustomer(h.identity(mallory.value()));
        Subscription notYetProjected =
                h.gateway().subscribe(aliceCustomer, "price_basic_monthly", SubscriptionStatus.ACTIVE);
        assertThatThrownBy(() -> uc.cancelSubscription().cancel(mallory, notYetProjected.id(), true))
                .isInstanceOf(NotFoundException.class);
        assertThat(uc.cancelSubscription()
                        .cancel(alice, notYetProjected.id(), true)
                        .cancelAtPeriodEnd())
                .isTrue();
    }

    @Test
    void aUserWithoutACustomerOrWithAJunkIdGetsNotFound() {
        assertThatThrownBy(() -> uc.cancelSubscription().cancel(UserId.of("user_new"), "sub_1", true))
                .isInstanceOf(NotFoundException.class);
        aliceSubscribes();
        assertThatThrownBy(() -> uc.cancelSubscription().cancel(alice, "../../etc", true))
                .isInstanceOf(NotFoundException.class);
        assertThat(uc.listSubscriptions().of(UserId.of("user_new"))).isEmpty();
        assertThat(uc.listSubscriptions().of(mallory)).isEmpty();
    }

    @Test
    void cancelAtPeriodEndThenResumeUpdatesTheProjectionAtOnce() {
        Subscription sub = aliceSubscribes();
        Subscription canceling = uc.cancelSubscription().cancel(alice, sub.id(), true);
        assertThat(canceling.cancelAtPeriodEnd()).isTrue();
        assertThat(h.stores().subscriptions().findSubscription(sub.id()))
                .map(Subscription::cancelAtPeriodEnd)
                .contains(true);
        assertThat(uc.cancelSubscription().cancel(alice, sub.id(), true))
                .as("idempotent")
                .extracting(Subscription::cancelAtPeriodEnd)
                .isEqualTo(true);
        Subscription resumed = uc.resumeSubscription().resume(alice, sub.id());
        assertThat(resumed.cancelAtPeriodEnd()).isFalse();
        assertThat(h.stores().subscriptions().findSubscription(sub.id()))
                .map(Subscription::cancelAtPeriodEnd)
                .contains(false);
    }

    @Test
    void anEndedSubscriptionCannotBeResumedOrChanged() {
        Subscription sub = aliceSubscribes();
        uc.cancelSubscription().cancel(alice, sub.id(), false);
        assertThatThrownBy(() -> uc.resumeSubscription().resume(alice, sub.id()))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.code()).isEqualTo("subscription_not_resumable"));
        assertThatThrownBy(() ->
                        uc.changePlan().change(alice, sub.id(), "pro", BillingInterval.MONTH, ProrationBehavior.NONE))
                .isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void changingThePlanMovesThePriceAndAnUnknownPlanIsRefused() {
        Subscription sub = aliceSubscribes();
        Subscription pro = uc.changePlan()
                .change(alice, sub.id(), "pro", BillingInterval.YEAR, ProrationBehavior.CREATE_PRORATIONS);
        assertThat(pro.priceId()).isEqualTo("price_pro_yearly");
        assertThat(h.billing().entitlements(alice).tier()).isEqualTo("pro");
        assertThatThrownBy(() -> uc.changePlan()
                        .change(alice, sub.id(), "platinum", BillingInterval.MONTH, ProrationBehavior.NONE))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo("unknown_plan"));
    }

    @Test
    void invoicesAndPaymentMethodsOfAnotherUserAreNotFound() {
        Subscription sub = aliceSubscribes();
        String invoiceId = uc.listInvoices().of(alice, 10, null).items().get(0).id();
        String card = h.gateway().attachCard(sub.customerId());
        assertThatThrownBy(() -> uc.getInvoice().get(mallory, invoiceId)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> uc.payInvoice().pay(mallory, invoiceId)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> uc.removePaymentMethod().remove(mallory, card)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> uc.setDefaultPaymentMethod().set(mallory, card))
                .isInstanceOf(NotFoundException.class);
        assertThat(uc.getInvoice().get(alice, invoiceId).id()).isEqualTo(invoiceId);
        assertThat(uc.setDefaultPaymentMethod().set(alice, card).isDefault()).isTrue();
        assertThat(uc.listPaymentMethods().of(mallory)).isEmpty();
    }
}
