package dev.billing.testkit.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.checkout.CheckoutCommand;
import dev.billing.core.checkout.CheckoutOutcome;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.catalog.MeterDefinition;
import dev.billing.core.model.catalog.MeteredPrice;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.catalog.Tier;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.port.PaymentGateway.ProrationBehavior;
import dev.billing.testkit.BillingHarness;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A plan with metered prices: Checkout adds them, a plan change moves them, the plan stays the licensed price. */
class MeteredPlansTest {
    private static final String METERED = "price_api_calls_metered";
    private final BillingHarness h = BillingHarness.withPlans(PlanCatalog.builder()
            .freeTier(new Tier("free", 0, Set.of(), Map.of("api_calls", 100L), 0, 0))
            .tier(new Tier("basic", 1, Set.of(), Map.of("api_calls", 1000L), 0, 0))
            .tier(new Tier("pro", 2, Set.of(), Map.of("api_calls", Tier.UNLIMITED), 0, 0))
            .plan("basic", BillingInterval.MONTH, "price_basic_monthly")
            .plan("pro", BillingInterval.MONTH, "price_pro_monthly")
            .meteredPrice("pro", BillingInterval.MONTH, new MeteredPrice("api_calls", METERED))
            .meter(new MeterDefinition("api_calls", "api_calls"))
            .build());
    private final UserId alice = UserId.of("user_alice");

    private String subscribe(String tier) {
        CheckoutOutcome outcome = h.billing()
                .startCheckout(
                        h.identity(alice.value()),
                        new CheckoutCommand.Subscribe(tier, BillingInterval.MONTH, null, null, null));
        String subscription = h.gateway()
                .completeCheckout(((CheckoutOutcome.Started) outcome).session().id());
        h.billing()
                .useCases()
                .reconcile()
                .customer(
                        h.gateway().getSubscription(subscription).orElseThrow().customerId());
        return subscription;
    }

    @Test
    void checkoutSubscribesToThePlanAndItsMeteredPrices() {
        String subscription = subscribe("pro");
        assertThat(h.gateway().meteredPriceIds(subscription)).containsExactly(METERED);
        assertThat(h.gateway().getSubscription(subscription))
                .map(Subscription::priceId)
                .contains("price_pro_monthly");
        assertThat(h.billing().entitlements(alice).tier()).isEqualTo("pro");
    }

    @Test
    void aPlanChangeRemovesAndAddsTheMeteredPrices() {
        String subscription = subscribe("basic");
        assertThat(h.gateway().meteredPriceIds(subscription)).isEmpty();

        Subscription pro = h.billing()
                .useCases()
                .changePlan()
                .change(alice, subscription, "pro", BillingInterval.MONTH, ProrationBehavior.CREATE_PRORATIONS);
        assertThat(pro.priceId()).isEqualTo("price_pro_monthly");
        assertThat(h.gateway().meteredPriceIds(subscription)).containsExactly(METERED);

        h.billing()
                .useCases()
                .changePlan()
                .change(alice, subscription, "basic", BillingInterval.MONTH, ProrationBehavior.NONE);
        assertThat(h.gateway().meteredPriceIds(subscription)).isEmpty();
        assertThat(h.billing().entitlements(alice).tier()).isEqualTo("basic");
    }
}
