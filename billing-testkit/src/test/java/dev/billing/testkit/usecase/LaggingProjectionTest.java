package dev.billing.testkit.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.UseCases;
import dev.billing.core.config.OrgOptions;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.port.PaymentGateway.ProrationBehavior;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.fake.FakePaymentGateway.Operation;
import org.junit.jupiter.api.Test;

/**
 * A user's change is skipped as already made only when Stripe has it too. The projection can lag behind Stripe: a
 * change made in the dashboard or by another process whose webhook is not processed yet. Each case puts the
 * projection one change behind Stripe (the change made at the fake gateway alone) and checks that the user's change
 * still reaches Stripe, where skipping it on the projection's row would lose it.
 */
class LaggingProjectionTest {
    private final BillingHarness h = BillingHarness.create();
    private final UseCases uc = h.billing().useCases();
    private final UserId alice = UserId.of("user_alice");

    private Subscription aliceSubscribes() {
        CustomerId customer =
                h.billing().ensureCustomer(h.identity(alice.value())).customerId();
        Subscription sub = h.gateway().subscribe(customer, "price_basic_monthly", SubscriptionStatus.ACTIVE);
        uc.reconcile().customer(customer);
        return sub;
    }

    private Subscription projected(String id) {
        return h.stores().subscriptions().findSubscription(id).orElseThrow();
    }

    private Subscription atStripe(String id) {
        return h.gateway().getSubscription(id).orElseThrow();
    }

    @Test
    void aResumeReachesStripeWhenTheProjectionMissedTheCancellation() {
        Subscription sub = aliceSubscribes();
        h.gateway().cancelSubscription(sub.id(), true, "elsewhere");
        assertThat(projected(sub.id()).cancelAtPeriodEnd()).isFalse();

        Subscription resumed = uc.resumeSubscription().resume(alice, sub.id());

        assertThat(resumed.cancelAtPeriodEnd()).isFalse();
        assertThat(atStripe(sub.id()).cancelAtPeriodEnd())
                .as("Stripe would still cancel")
                .isFalse();
        assertThat(projected(sub.id()).cancelAtPeriodEnd()).isFalse();
        assertThat(h.gateway().calls(Operation.RESUME_SUBSCRIPTION)).hasSize(1);
    }

    @Test
    void aCancellationReachesStripeWhenTheProjectionMissedTheResume() {
        Subscription sub = aliceSubscribes();
        uc.cancelSubscription().cancel(alice, sub.id(), true);
        h.gateway().resumeSubscription(sub.id(), "elsewhere");
        assertThat(projected(sub.id()).cancelAtPeriodEnd()).isTrue();

        Subscription canceling = uc.cancelSubscription().cancel(alice, sub.id(), true);

        assertThat(canceling.cancelAtPeriodEnd()).isTrue();
        assertThat(atStripe(sub.id()).cancelAtPeriodEnd())
                .as("Stripe would go on charging")
                .isTrue();
        assertThat(projected(sub.id()).cancelAtPeriodEnd()).isTrue();
        assertThat(h.gateway().calls(Operation.CANCEL_SUBSCRIPTION)).hasSize(2);
    }

    @Test
    void aPlanChangeBackReachesStripeWhenTheProjectionMissedTheFirstChange() {
        Subscription sub = aliceSubscribes();
        h.gateway().changeSubscriptionPrice(sub.id(), "price_pro_monthly", ProrationBehavior.NONE, "elsewhere");
        assertThat(projected(sub.id()).priceId()).isEqualTo("price_basic_monthly");

        Subscription back = uc.changePlan()
                .change(alice, sub.id(), "basic", BillingInterval.MONTH, ProrationBehavior.CREATE_PRORATIONS);

        assertThat(back.priceId()).isEqualTo("price_basic_monthly");
        assertThat(atStripe(sub.id()).priceId()).isEqualTo("price_basic_monthly");
        assertThat(projected(sub.id()).priceId()).isEqualTo("price_basic_monthly");
        assertThat(h.billing().entitlements(alice).tier()).isEqualTo("basic");
    }

    @Test
    void aSeatCountSetBackReachesStripeWhenTheProjectionMissedTheFirstChange() {
        BillingHarness teams = MembershipSyncTest.harness(OrgOptions.defaults());
        String sub = MembershipSyncTest.buyTeam(teams, 3);
        UserId org = UserId.of(MembershipSyncTest.ORG);
        teams.gateway().changeSubscriptionQuantity(sub, 5, ProrationBehavior.NONE, "elsewhere");
        assertThat(teams.stores()
                        .subscriptions()
                        .findSubscription(sub)
                        .orElseThrow()
                        .quantity())
                .isEqualTo(3);

        Subscription set = teams.billing().useCases().changeSeats().change(org, 3, ProrationBehavior.CREATE_PRORATIONS);

        assertThat(set.quantity()).isEqualTo(3);
        assertThat(teams.gateway().getSubscription(sub).orElseThrow().quantity())
                .isEqualTo(3);
        assertThat(teams.billing().entitlements(org).seats().purchased()).isEqualTo(3);
    }

    @Test
    void aRepeatedRequestIsCheckedAtStripeAndSentOnce() {
        Subscription sub = aliceSubscribes();
        uc.cancelSubscription().cancel(alice, sub.id(), true);
        int reads = h.gateway().calls(Operation.GET_SUBSCRIPTION).size();

        assertThat(uc.cancelSubscription().cancel(alice, sub.id(), true).cancelAtPeriodEnd())
                .isTrue();
        assertThat(h.gateway().calls(Operation.CANCEL_SUBSCRIPTION)).hasSize(1);
        assertThat(h.gateway().calls(Operation.GET_SUBSCRIPTION)).hasSize(reads + 1);

        uc.resumeSubscription().resume(alice, sub.id());
        assertThat(uc.resumeSubscription().resume(alice, sub.id()).cancelAtPeriodEnd())
                .isFalse();
        assertThat(h.gateway().calls(Operation.RESUME_SUBSCRIPTION)).hasSize(1);
        assertThat(h.gateway().calls(Operation.GET_SUBSCRIPTION)).hasSize(reads + 2);
    }
}
