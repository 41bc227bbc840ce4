package dev.billing.testkit.contract;

import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.NewCustomer;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.catalog.MeteredPrice;
import dev.billing.core.model.catalog.Plan;
import dev.billing.core.model.catalog.PromotionCode;
import dev.billing.core.model.catalog.Tier;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoicePayment;
import dev.billing.core.model.payment.Refund;
import dev.billing.core.model.payment.RefundRequest;
import dev.billing.core.model.subscription.CheckoutMode;
import dev.billing.core.model.subscription.CheckoutRequest;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.model.subscription.LineItem;
import dev.billing.core.model.subscription.PortalSession;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.PaymentGateway.ProrationBehavior;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The part of the {@link dev.billing.core.port.PaymentGateway} contract about Checkout and subscriptions: sessions
 * (open ones listed and expired), subscribing, canceling and resuming, price, plan and quantity changes, promotion
 * codes, an invoice's payments, the portal. {@link PaymentGatewayContract} extends it with the gateway's other
 * resources, so each gateway still subclasses one contract; they are apart only so that neither file does two jobs.
 */
public abstract class PaymentGatewaySubscriptionsContract {
    PaymentGateway gateway;
    GatewayFixture fixture;

    /** Test-only powers over the Stripe behind the gateway. */
    public interface GatewayFixture {
        /** An active monthly recurring price. */
        String recurringPriceId();

        /** Another active recurring price (a plan change target). */
        String otherRecurringPriceId();

        /** An active metered monthly price (on a meter), to go with {@link #otherRecurringPriceId()}. */
        String meteredPriceId();

        /** The prices of the subscription's metered items, as the gateway's Stripe holds them now. */
        List<String> meteredPriceIds(String subscriptionId);

        /** An active one-time price with a unit amount. */
        String oneTimePriceId();

        /** Completes the session as a paying customer; returns the subscription id or payment intent id. */
        String completeCheckout(String sessionId);

        /** Attaches a test card to the customer; returns its payment method id. */
        String attachCard(CustomerId customer);

        /** The instant the gateway's Stripe considers "now" (for version checks). */
        Instant now();

        /** The sum of the values Stripe counted for the meter of {@code eventName} and this customer. */
        double meterTotal(String eventName, CustomerId customer);
    }

    protected abstract PaymentGateway gateway();

    protected abstract GatewayFixture fixture();

    @BeforeEach
    void setUpGateway() {
        gateway = gateway();
        fixture = fixture();
    }

    CustomerId newCustomer() {
        UserId user = UserId.of(unique("user_"));
        return gateway.createCustomer(new NewCustomer(user, user.value() + "@example.com", unique("key-")));
    }

    CheckoutSession checkout(CustomerId customer, CheckoutMode mode, String priceId) {
        return gateway.createCheckoutSession(new CheckoutRequest(
                mode,
                customer,
                List.of(new LineItem.OfPrice(priceId, 1)),
                "https://app.example.com/ok?session_id={CHECKOUT_SESSION_ID}",
                "https://app.example.com/cancel",
                "user_x",
                0,
                null,
                Map.of("user_id", "user_x", "price_id", priceId, "quantity", "1"),
                Map.of(),
                unique("checkout-")));
    }

    Subscription subscribed(CustomerId customer) {
        CheckoutSession session = checkout(customer, CheckoutMode.SUBSCRIPTION, fixture.recurringPriceId());
        String subscriptionId = fixture.completeCheckout(session.id());
        return gateway.getSubscription(subscriptionId).orElseThrow();
    }

    @Nested
    @DisplayName("checkout and subscriptions")
    class Subscriptions {

        @Test
        void createsACheckoutSessionToSendTheUserTo() {
            CustomerId customer = newCustomer();
            CheckoutSession session = checkout(customer, CheckoutMode.SUBSCRIPTION, fixture.recurringPriceId());
            assertThat(session.id()).isNotBlank();
            assertThat(session.url()).startsWith("http");
            assertThat(session.mode()).isEqualTo(CheckoutMode.SUBSCRIPTION);
            assertThat(gateway.getCheckoutSession(session.id()))
                    .map(CheckoutSession::customerId)
                    .contains(customer);
        }

        @Test
        @DisplayName("a completed checkout leaves an active subscription with its period, re-fetch versioned")
        void completedCheckoutSubscribes() {
            CustomerId customer = newCustomer();
            CheckoutSession session = checkout(customer, CheckoutMode.SUBSCRIPTION, fixture.recurringPriceId());
            Subscription subscription = gateway.getSubscription(fixture.completeCheckout(session.id()))
                    .orElseThrow();
            assertThat(subscription.customerId()).isEqualTo(customer);
            assertThat(subscription.status()).isIn(SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING);
            assertThat(subscription.priceId()).isEqualTo(fixture.recurringPriceId());
            assertThat(subscription.currentPeriodStart()).isNotNull();
            assertThat(subscription.currentPeriodEnd()).isAfter(subscription.currentPeriodStart());
            assertThat(subscription.version().source()).isEqualTo(SourceVersion.Source.REFETCH);
            assertThat(gateway.listSubscriptions(customer))
                    .extracting(Subscription::id)
                    .containsExactly(subscription.id());
            CheckoutSession completed = gateway.getCheckoutSession(session.id()).orElseThrow();
            assertThat(completed.subscriptionId()).isEqualTo(subscription.id());
            assertThat(completed.status()).isEqualTo("complete");
        }

        @Test
        @DisplayName("a guest's checkout creates a customer at payment and keeps the buyer's email")
        void aGuestCheckoutCreatesItsCustomer() {
            String email = unique("guest") + "@example.com";
            CheckoutSession session = gateway.createCheckoutSession(new CheckoutRequest(
                    CheckoutMode.PAYMENT,
                    null,
                    List.of(new LineItem.OfPrice(fixture.oneTimePriceId(), 1)),
                    "https://app.example.com/ok",
                    "https://app.example.com/cancel",
                    null,
                    0,
                    null,
                    Map.of("guest", "true"),
                    Map.of(),
                    unique("guest-"),
                    email));
            assertThat(session.customerId()).isNull();

            fixture.completeCheckout(session.id());

            CheckoutSession completed = gateway.getCheckoutSession(session.id()).orElseThrow();
            assertThat(completed.isPaid()).isTrue();
            assertThat(completed.customerId()).isNotNull();
            assertThat(completed.customerEmail()).isEqualTo(email);
            assertThat(completed.metadata()).containsEntry("guest", "true");
        }

        @Test
        void cancelsAtPeriodEndAndResumes() {
            Subscription subscription = subscribed(newCustomer());
            Subscription canceling = gateway.cancelSubscription(subscription.id(), true, unique("cancel-"));
            assertThat(canceling.cancelAtPeriodEnd()).isTrue();
            assertThat(canceling.status()).isEqualTo(subscription.status());
            Subscription resumed = gateway.resumeSubscription(subscription.id(), unique("resume-"));
            assertThat(resumed.cancelAtPeriodEnd()).isFalse();
        }

        @Test
        void cancelsNow() {
            Subscription subscription = subscribed(newCustomer());
            Subscription canceled = gateway.cancelSubscription(subscription.id(), false, unique("cancel-"));
            assertThat(canceled.status()).isEqualTo(SubscriptionStatus.CANCELED);
            assertThat(gateway.getSubscription(subscription.id()))
                    .map(Subscription::status)
                    .contains(SubscriptionStatus.CANCELED);
        }

        @Test
        @DisplayName("cancelling now what is canceled already (a retry whose first answer was lost, with a new key)"
                + " answers the canceled subscription as it is")
        void cancelsNowWhatIsCanceledAlready() {
            Subscription subscription = subscribed(newCustomer());
            Subscription canceled = gateway.cancelSubscription(subscription.id(), false, unique("cancel-"));

            Subscription again = gateway.cancelSubscription(subscription.id(), false, unique("cancel-"));

            assertThat(again.status()).isEqualTo(SubscriptionStatus.CANCELED);
            assertThat(again.endedAt()).isEqualTo(canceled.endedAt());
        }

        @Test
        @DisplayName("a customer's open sessions are listed newest first, of every mode; an expired one is listed no "
                + "more and cannot be paid, and expiring a session no longer open answers false")
        void listsAndExpiresOpenSessions() {
            CustomerId customer = newCustomer();
            CheckoutSession first = checkout(customer, CheckoutMode.SUBSCRIPTION, fixture.recurringPriceId());
            CheckoutSession purchase = checkout(customer, CheckoutMode.PAYMENT, fixture.oneTimePriceId());
            CheckoutSession paid = checkout(customer, CheckoutMode.SUBSCRIPTION, fixture.otherRecurringPriceId());
            fixture.completeCheckout(paid.id());
            CheckoutSession second = checkout(customer, CheckoutMode.SUBSCRIPTION, fixture.recurringPriceId());
            checkout(newCustomer(), CheckoutMode.SUBSCRIPTION, fixture.recurringPriceId());

            assertThat(gateway.listOpenCheckoutSessions(customer))
                    .extracting(CheckoutSession::id)
                    .containsExactly(second.id(), purchase.id(), first.id());
            assertThat(gateway.listOpenCheckoutSessions(customer))
                    .extracting(CheckoutSession::mode)
                    .containsExactly(CheckoutMode.SUBSCRIPTION, CheckoutMode.PAYMENT, CheckoutMode.SUBSCRIPTION);

            assertThat(gateway.expireCheckoutSession(first.id())).isTrue();
            assertThat(gateway.getCheckoutSession(first.id()))
                    .map(CheckoutSession::status)
                    .contains("expired");
            assertThat(gateway.listOpenCheckoutSessions(customer))
                    .extracting(CheckoutSession::id)
                    .containsExactly(second.id(), purchase.id());
            assertThat(gateway.expireCheckoutSession(first.id()))
                    .as("expired already")
                    .isFalse();
            assertThat(gateway.expireCheckoutSession(paid.id())).as("paid").isFalse();
            assertThat(gateway.getCheckoutSession(paid.id()))
                    .map(CheckoutSession::status)
                    .contains("complete");
            assertThatThrownBy(() -> fixture.completeCheckout(first.id()))
                    .as("Stripe refuses to pay it")
                    .isInstanceOf(RuntimeException.class);
        }

        @Test
        @DisplayName("a paid subscription invoice names the payment intent that paid it, and refunding that refunds "
                + "the invoice's charge")
        void listsAnInvoicesPayments() {
            Subscription subscription = subscribed(newCustomer());
            Invoice invoice = gateway.listInvoices(subscription.customerId(), 10, null).items().stream()
                    .filter(i -> subscription.id().equals(i.subscriptionId()))
                    .findFirst()
                    .orElseThrow();
            assertThat(invoice.amountPaid()).isPositive();

            List<InvoicePayment> payments = gateway.listInvoicePayments(invoice.id());

            assertThat(payments)
                    .singleElement()
                    .satisfies(p -> assertThat(p.invoiceId()).isEqualTo(invoice.id()));
            Refund refund = gateway.createRefund(
                    new RefundRequest(payments.get(0).paymentIntentId(), null, "duplicate", unique("refund-")));
            assertThat(refund.amount().amount()).isEqualTo(invoice.amountPaid());
        }

        @Test
        @DisplayName("a promotion code is found by its code in any case, with its coupon's terms; an unknown one is "
                + "empty")
        void findsAPromotionCode() {
            assertThat(gateway.findPromotionCode("launch20")).hasValueSatisfying(code -> {
                assertThat(code.code()).isEqualTo("LAUNCH20");
                assertThat(code.percentOff()).isEqualByComparingTo("20");
                assertThat(code.amountOff()).isZero();
                assertThat(code.duration()).isEqualTo(PromotionCode.Duration.ONCE);
            });
            assertThat(gateway.findPromotionCode("NOSUCHCODE")).isEmpty();
        }

        @Test
        @DisplayName("a promotion code applied to a subscription answers with the subscription, its discount in the "
                + "pricing when the pricing is known")
        void appliesAPromotionCode() {
            Subscription subscription = subscribed(newCustomer());
            PromotionCode code = gateway.findPromotionCode("LAUNCH20").orElseThrow();

            Subscription discounted = gateway.applyPromotionCode(subscription.id(), code.id(), unique("discount-"));

            assertThat(discounted.id()).isEqualTo(subscription.id());
            assertThat(discounted.priceId()).isEqualTo(subscription.priceId());
            if (discounted.pricing() != null) {
                assertThat(discounted.pricing().percentOff()).isEqualByComparingTo("20");
            }
        }

        @Test
        void changesThePrice() {
            Subscription subscription = subscribed(newCustomer());
            Subscription changed = gateway.changeSubscriptionPrice(
                    subscription.id(),
                    fixture.otherRecurringPriceId(),
                    ProrationBehavior.CREATE_PRORATIONS,
                    unique("change-"));
            assertThat(changed.priceId()).isEqualTo(fixture.otherRecurringPriceId());
        }

        @Test
        @DisplayName("a plan change moves the price and sets exactly the plan's metered items, once per key")
        void changesThePlanWithItsMeteredItems() {
            Subscription subscription = subscribed(newCustomer());
            Tier tier = new Tier("contract", 1, Set.of(), Map.of(), 0, 0);
            Plan metered = new Plan(
                    tier,
                    BillingInterval.MONTH,
                    fixture.otherRecurringPriceId(),
                    List.of(new MeteredPrice("api_calls", fixture.meteredPriceId())));
            String key = unique("plan-");

            Subscription changed = gateway.changeSubscriptionPlan(
                    subscription.id(), metered, ProrationBehavior.CREATE_PRORATIONS, key);
            Subscription replayed = gateway.changeSubscriptionPlan(
                    subscription.id(), metered, ProrationBehavior.CREATE_PRORATIONS, key);

            assertThat(changed.priceId()).isEqualTo(fixture.otherRecurringPriceId());
            assertThat(replayed.priceId()).isEqualTo(fixture.otherRecurringPriceId());
            assertThat(fixture.meteredPriceIds(subscription.id())).containsExactly(fixture.meteredPriceId());

            Subscription back = gateway.changeSubscriptionPlan(
                    subscription.id(),
                    new Plan(tier, BillingInterval.MONTH, fixture.recurringPriceId()),
                    ProrationBehavior.NONE,
                    unique("plan-"));
            assertThat(back.priceId()).isEqualTo(fixture.recurringPriceId());
            assertThat(fixture.meteredPriceIds(subscription.id())).isEmpty();
            assertThatThrownBy(() -> gateway.changeSubscriptionPlan(
                            "sub_missing", metered, ProrationBehavior.NONE, unique("plan-")))
                    .isInstanceOfSatisfying(
                            GatewayRejectedException.class,
                            e -> assertThat(e.isMissingResource()).isTrue());
        }

        @Test
        @DisplayName("the quantity (seats) changes, and reads back; zero seats are refused")
        void changesTheQuantity() {
            Subscription subscription = subscribed(newCustomer());
            String key = unique("seats-");

            Subscription changed =
                    gateway.changeSubscriptionQuantity(subscription.id(), 5, ProrationBehavior.CREATE_PRORATIONS, key);
            Subscription replayed =
                    gateway.changeSubscriptionQuantity(subscription.id(), 5, ProrationBehavior.CREATE_PRORATIONS, key);

            assertThat(changed.quantity()).isEqualTo(5);
            assertThat(replayed.quantity()).isEqualTo(5);
            assertThat(gateway.getSubscription(subscription.id()))
                    .map(Subscription::quantity)
                    .contains(5L);
            assertThat(changed.priceId()).isEqualTo(subscription.priceId());
            assertThatThrownBy(() -> gateway.changeSubscriptionQuantity(
                            subscription.id(), -1, ProrationBehavior.NONE, unique("seats-")))
                    .isInstanceOf(GatewayRejectedException.class);
        }

        @Test
        @DisplayName("deleting a customer ends its subscriptions; deleting it again finds none")
        void deletesACustomer() {
            CustomerId customer = newCustomer();
            Subscription subscription = subscribed(customer);

            assertThat(gateway.deleteCustomer(customer)).isTrue();

            assertThat(gateway.getCustomer(customer)).isEmpty();
            assertThat(gateway.getSubscription(subscription.id()))
                    .hasValueSatisfying(s -> assertThat(s.status()).isEqualTo(SubscriptionStatus.CANCELED));
            assertThat(gateway.deleteCustomer(customer)).isFalse();
        }

        @Test
        @DisplayName("an unknown subscription is empty to read and missing to change")
        void unknownSubscription() {
            String id = unique("sub_missing_");
            assertThat(gateway.getSubscription(id)).isEmpty();
            assertThatThrownBy(() -> gateway.cancelSubscription(id, true, unique("cancel-")))
                    .isInstanceOfSatisfying(
                            GatewayRejectedException.class,
                            e -> assertThat(e.isMissingResource()).isTrue());
        }

        @Test
        void opensThePortal() {
            PortalSession portal = gateway.createPortalSession(newCustomer(), "https://app.example.com/account");
            assertThat(portal.url()).startsWith("http");
        }
    }
}
