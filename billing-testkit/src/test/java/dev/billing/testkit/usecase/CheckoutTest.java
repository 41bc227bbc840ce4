package dev.billing.testkit.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.checkout.CheckoutCommand;
import dev.billing.core.checkout.CheckoutOutcome;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.fake.FakePaymentGateway.Operation;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CheckoutTest {
    private final BillingHarness h = BillingHarness.create();

    private CheckoutOutcome subscribe(String user, String tier) {
        return h.billing()
                .startCheckout(
                        h.identity(user), new CheckoutCommand.Subscribe(tier, BillingInterval.MONTH, null, null, null));
    }

    @Test
    void startsASessionWithTheServerBuiltParametersAndTheFirstTimeTrial() {
        CheckoutOutcome outcome = subscribe("user_1", "pro");
        assertThat(outcome).isInstanceOf(CheckoutOutcome.Started.class);
        var session = ((CheckoutOutcome.Started) outcome).session();
        assertThat(session.url()).startsWith("https://");
        assertThat(session.metadata()).containsEntry("user_id", "user_1").containsEntry("tier", "pro");
        assertThat(session.clientReferenceId()).isEqualTo("user_1");
        String sub = h.gateway().completeCheckout(session.id());
        assertThat(h.gateway().getSubscription(sub)).map(s -> s.status()).contains(SubscriptionStatus.TRIALING);
    }

    @Test
    void anAlreadySubscribedUserGetsAPortalHintNotASecondSession() {
        String sessionId = ((CheckoutOutcome.Started) subscribe("user_1", "basic"))
                .session()
                .id();
        h.gateway().completeCheckout(sessionId);
        int sessions = h.gateway().calls(Operation.CREATE_CHECKOUT).size();
        CheckoutOutcome second = subscribe("user_1", "pro");
        assertThat(second)
                .isInstanceOfSatisfying(
                        CheckoutOutcome.AlreadySubscribed.class,
                        a -> assertThat(a.status()).isEqualTo(SubscriptionStatus.TRIALING));
        assertThat(h.gateway().calls(Operation.CREATE_CHECKOUT)).hasSize(sessions);
    }

    @Test
    void aReturningCustomerGetsNoSecondTrial() {
        CustomerId customer = h.billing().ensureCustomer(h.identity("user_1")).customerId();
        var old = h.gateway().subscribe(customer, "price_basic_monthly", SubscriptionStatus.ACTIVE);
        h.gateway().cancelSubscription(old.id(), false, "k");
        var session = ((CheckoutOutcome.Started) subscribe("user_1", "pro")).session();
        String sub = h.gateway().completeCheckout(session.id());
        assertThat(h.gateway().getSubscription(sub)).map(s -> s.status()).contains(SubscriptionStatus.ACTIVE);
    }

    @Test
    void redirectUrlsOutsideTheAllowedOriginsAreRefusedBeforeAnyStripeCall() {
        for (String url : List.of(
                "https://evil.example.net/x",
                "//evil.com",
                "javascript:alert(1)",
                "http://app.example.com/x",
                "https://app.example.com@evil.com/")) {
            assertThatThrownBy(() -> h.billing()
                            .startCheckout(
                                    h.identity("user_1"),
                                    new CheckoutCommand.Subscribe("pro", BillingInterval.MONTH, url, null, null)))
                    .isInstanceOfSatisfying(
                            InvalidRequestException.class,
                            e -> assertThat(e.code()).isEqualTo("invalid_redirect_url"));
        }
        assertThat(h.gateway().calls()).isEmpty();
    }

    @Test
    void anUnknownPlanOrItemIsRefusedBeforeAnyStripeCall() {
        assertThatThrownBy(() -> subscribe("user_1", "platinum"))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo("unknown_plan"));
        assertThatThrownBy(() -> h.billing()
                        .startCheckout(
                                h.identity("user_1"), new CheckoutCommand.Buy("price_pro_monthly", 1, null, null)))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo("unknown_item"));
        assertThatThrownBy(() -> h.billing()
                        .startCheckout(
                                h.identity("user_1"), new CheckoutCommand.Buy("price_credits_100", 0, null, null)))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo("invalid_quantity"));
        assertThat(h.gateway().calls()).isEmpty();
    }

    @Test
    void aDoubleClickWithinAMinuteGetsTheSameSession() {
        var first = ((CheckoutOutcome.Started) subscribe("user_1", "pro")).session();
        var second = ((CheckoutOutcome.Started) subscribe("user_1", "pro")).session();
        assertThat(second.id()).isEqualTo(first.id());
    }

    @Test
    void aTiersPurchaseDiscountIsAppliedServerSide() {
        var subscribe = ((CheckoutOutcome.Started) subscribe("user_1", "pro")).session();
        h.gateway().completeCheckout(subscribe.id());
        h.billing().useCases().reconcile().user(h.identity("user_1").userId());
        var purchase = ((CheckoutOutcome.Started) h.billing()
                        .startCheckout(
                                h.identity("user_1"), new CheckoutCommand.Buy("price_credits_100", 2, null, null)))
                .session();
        assertThat(purchase.metadata())
                .containsEntry("price_id", "price_credits_100")
                .containsEntry("quantity", "2")
                .containsEntry("discount_percent", "10");
        String intent = h.gateway().completeCheckout(purchase.id());
        assertThat(h.gateway().getCheckoutSession(purchase.id()))
                .map(s -> s.amountTotal())
                .contains(1800L);
        assertThat(intent).startsWith("pi_");
    }

    @Test
    void aFreeUserPaysTheListPrice() {
        var purchase = ((CheckoutOutcome.Started) h.billing()
                        .startCheckout(
                                h.identity("user_2"), new CheckoutCommand.Buy("price_credits_100", 1, null, null)))
                .session();
        h.gateway().completeCheckout(purchase.id());
        assertThat(h.gateway().getCheckoutSession(purchase.id()))
                .map(s -> s.amountTotal())
                .contains(1000L);
        assertThat(purchase.metadata()).containsEntry("discount_percent", "0");
    }

    @Test
    @DisplayName("the same item bought again within a minute after the tier changed is a new session, not a 502")
    void aPurchaseAfterATierChangeWithinTheMinuteIsANewSession() {
        var free = ((CheckoutOutcome.Started) h.billing()
                        .startCheckout(
                                h.identity("user_3"), new CheckoutCommand.Buy("price_credits_100", 1, null, null)))
                .session();
        var subscribe = ((CheckoutOutcome.Started) subscribe("user_3", "basic")).session();
        h.gateway().completeCheckout(subscribe.id());
        h.billing().useCases().reconcile().user(h.identity("user_3").userId());

        // Basic takes no discount either, so only the tier the purchase is recorded under differs.
        var basic = ((CheckoutOutcome.Started) h.billing()
                        .startCheckout(
                                h.identity("user_3"), new CheckoutCommand.Buy("price_credits_100", 1, null, null)))
                .session();
        assertThat(basic.id()).isNotEqualTo(free.id());
        assertThat(basic.metadata()).containsEntry("tier", "basic").containsEntry("discount_percent", "0");
        assertThat(free.metadata()).containsEntry("tier", "free");
    }
}
