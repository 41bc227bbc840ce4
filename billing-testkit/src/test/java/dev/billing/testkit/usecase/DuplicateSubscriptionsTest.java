package dev.billing.testkit.usecase;

import static dev.billing.testkit.Builders.anEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.checkout.CheckoutCommand;
import dev.billing.core.checkout.CheckoutOutcome;
import dev.billing.core.checkout.ListDuplicateSubscriptions;
import dev.billing.core.config.DuplicateSubscriptions;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.audit.AuditQuery;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.payment.Refund;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.fake.FakePaymentGateway.Failure;
import dev.billing.testkit.fake.FakePaymentGateway.Operation;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One live subscription per party (issue 45): Checkout expires a party's other open subscription sessions when one is
 * started and when one is paid; a second live subscription that still appears (a session paid before it could be
 * expired) is canceled and refunded, or kept and flagged, by the setting, and always logged, counted, audited once
 * and listed.
 */
class DuplicateSubscriptionsTest {

    private static CheckoutSession start(BillingHarness h, String user, String tier, BillingInterval interval) {
        CheckoutOutcome outcome = h.billing()
                .startCheckout(h.identity(user), new CheckoutCommand.Subscribe(tier, interval, null, null, null));
        assertThat(outcome).isInstanceOf(CheckoutOutcome.Started.class);
        return ((CheckoutOutcome.Started) outcome).session();
    }

    private static String status(BillingHarness h, String sessionId) {
        return h.gateway().getCheckoutSession(sessionId).orElseThrow().status();
    }

    /** Pays the session at the fake Stripe and delivers what Stripe sends: the subscription, then the checkout. */
    private static Subscription pay(BillingHarness h, String sessionId) {
        Subscription sub = h.gateway()
                .getSubscription(h.gateway().completeCheckout(sessionId))
                .orElseThrow();
        deliverCreated(h, sub);
        deliverCompleted(h, sessionId);
        return sub;
    }

    private static StripeEvent deliverCompleted(BillingHarness h, String sessionId) {
        CheckoutSession session = h.gateway().getCheckoutSession(sessionId).orElseThrow();
        StripeEvent completed = anEvent()
                .withType("checkout.session.completed")
                .createdAt(h.clock().instant())
                .forObject("checkout.session", sessionId)
                .build();
        assertThat(h.deliver(completed, new EventObject.OfCheckoutSession(session))
                        .inlineStatus())
                .isEqualTo(InboxStatus.PROCESSED);
        return completed;
    }

    private static StripeEvent deliverCreated(BillingHarness h, Subscription sub) {
        StripeEvent created = anEvent()
                .withType("customer.subscription.created")
                .createdAt(h.clock().instant())
                .forObject("subscription", sub.id())
                .build();
        h.deliver(created, new EventObject.OfSubscription(sub));
        return created;
    }

    /** Two sessions of the user left open: the second's expiry of the first fails (Stripe down at that moment). */
    private static List<CheckoutSession> twoOpenSessions(
            BillingHarness h,
            String user,
            String firstTier,
            BillingInterval firstInterval,
            String secondTier,
            BillingInterval secondInterval) {
        CheckoutSession first = start(h, user, firstTier, firstInterval);
        h.clock().advance(Duration.ofMinutes(5));
        h.gateway().failNext(Operation.LIST_OPEN_CHECKOUTS, 1, Failure.NOT_DONE);
        CheckoutSession second = start(h, user, secondTier, secondInterval);
        assertThat(status(h, first.id())).isEqualTo("open");
        h.clock().advance(Duration.ofMinutes(5));
        return List.of(first, second);
    }

    private static List<AuditEntry> duplicateEntries(BillingHarness h) {
        return h.stores()
                .audit()
                .list(AuditQuery.all(100).withAction(AuditAction.SUBSCRIPTION_DUPLICATE))
                .items();
    }

    private static List<Subscription> live(BillingHarness h, CustomerId customer) {
        return h.gateway().listSubscriptions(customer).stream()
                .filter(s -> s.status().blocksNewSubscription())
                .toList();
    }

    @Nested
    @DisplayName("expiring the other open sessions")
    class Expiring {
        private final BillingHarness h = BillingHarness.create();

        @Test
        void startingCheckoutAgainExpiresTheOlderSessionSoItCannotBePaid() {
            CheckoutSession first = start(h, "user_1", "enterprise", BillingInterval.MONTH);
            h.clock().advance(Duration.ofMinutes(5));
            CheckoutSession second = start(h, "user_1", "enterprise", BillingInterval.MONTH);

            assertThat(second.id()).isNotEqualTo(first.id());
            assertThat(status(h, first.id())).isEqualTo("expired");
            assertThat(status(h, second.id())).isEqualTo("open");
            assertThatThrownBy(() -> h.gateway().completeCheckout(first.id()))
                    .isInstanceOf(IllegalStateException.class);
            pay(h, second.id());
            assertThat(h.billing().entitlements(UserId.of("user_1")).tier()).isEqualTo("enterprise");
        }

        @Test
        void aDoubleClickGetsTheSameSessionBackAndLeavesItOpen() {
            CheckoutSession first = start(h, "user_1", "pro", BillingInterval.MONTH);
            CheckoutSession again = start(h, "user_1", "pro", BillingInterval.MONTH);

            assertThat(again.id()).isEqualTo(first.id());
            assertThat(status(h, first.id())).isEqualTo("open");
            assertThat(h.gateway().calls(Operation.EXPIRE_CHECKOUT)).isEmpty();
        }

        @Test
        @DisplayName("plan A, then B, then A again within a minute: a new open session, never A's expired one")
        void goingBackToAPlanWithinTheMinuteGetsAnOpenSession() {
            CheckoutSession a = start(h, "user_1", "pro", BillingInterval.MONTH);
            CheckoutSession b = start(h, "user_1", "enterprise", BillingInterval.MONTH);
            assertThat(status(h, a.id())).isEqualTo("expired");

            CheckoutSession again = start(h, "user_1", "pro", BillingInterval.MONTH);

            assertThat(again.id()).isNotIn(a.id(), b.id());
            assertThat(status(h, again.id())).isEqualTo("open");
            assertThat(status(h, b.id())).as("superseded in turn").isEqualTo("expired");
            CheckoutSession doubleClick = start(h, "user_1", "pro", BillingInterval.MONTH);
            assertThat(doubleClick.id())
                    .as("a double click still gets the same one")
                    .isEqualTo(again.id());
            CheckoutSession b2 = start(h, "user_1", "enterprise", BillingInterval.MONTH);
            CheckoutSession third = start(h, "user_1", "pro", BillingInterval.MONTH);
            assertThat(status(h, b2.id())).isEqualTo("expired");
            assertThat(status(h, third.id()))
                    .as("and once more, back and forth")
                    .isEqualTo("open");
            pay(h, third.id());
            assertThat(h.billing().entitlements(UserId.of("user_1")).tier()).isEqualTo("pro");
        }

        @Test
        void oneTimePurchasesAndOtherPartiesSessionsAreNotTouched() {
            CheckoutOutcome buy = h.billing()
                    .startCheckout(h.identity("user_1"), new CheckoutCommand.Buy("price_credits_100", 1, null, null));
            CheckoutSession purchase = ((CheckoutOutcome.Started) buy).session();
            CheckoutSession someoneElses = start(h, "user_2", "pro", BillingInterval.MONTH);
            h.clock().advance(Duration.ofMinutes(5));
            start(h, "user_1", "pro", BillingInterval.MONTH);

            assertThat(status(h, purchase.id())).isEqualTo("open");
            assertThat(status(h, someoneElses.id())).isEqualTo("open");
        }

        @Test
        void stripeDownWhileExpiringStillHandsTheUserTheirSession() {
            CheckoutSession first = start(h, "user_1", "pro", BillingInterval.MONTH);
            h.clock().advance(Duration.ofMinutes(5));
            h.gateway().failNext(Operation.EXPIRE_CHECKOUT, 1, Failure.NOT_DONE);

            CheckoutSession second = start(h, "user_1", "pro", BillingInterval.MONTH);

            assertThat(status(h, second.id())).isEqualTo("open");
            assertThat(status(h, first.id()))
                    .as("left for the completion and the duplicate check")
                    .isEqualTo("open");
        }

        @Test
        void payingOneSessionExpiresTheOthersStillOpen() {
            List<CheckoutSession> open =
                    twoOpenSessions(h, "user_1", "pro", BillingInterval.MONTH, "enterprise", BillingInterval.MONTH);

            pay(h, open.get(1).id());

            assertThat(status(h, open.get(0).id())).isEqualTo("expired");
            assertThat(duplicateEntries(h)).isEmpty();
            assertThat(h.duplicatesObserved()).isEmpty();
        }

        @ParameterizedTest(name = "re-fetch {0}")
        @ValueSource(booleans = {true, false})
        void aReplayedCompletionOfAnEndedSubscriptionLeavesTheNextSessionPayable(boolean refetch) {
            BillingHarness h = BillingHarness.create(o -> o.refetchOnWebhook(refetch));
            String first = start(h, "user_1", "pro", BillingInterval.MONTH).id();
            Subscription sub = h.gateway()
                    .getSubscription(h.gateway().completeCheckout(first))
                    .orElseThrow();
            deliverCreated(h, sub);
            StripeEvent completed = deliverCompleted(h, first);
            h.clock().advance(Duration.ofDays(40));
            Subscription ended = h.gateway().cancelSubscription(sub.id(), false, "cancel-1");
            h.deliver(
                    anEvent()
                            .withType("customer.subscription.deleted")
                            .createdAt(h.clock().instant())
                            .forObject("subscription", sub.id())
                            .build(),
                    new EventObject.OfSubscription(ended));
            h.clock().advance(Duration.ofDays(1));
            String next =
                    start(h, "user_1", "enterprise", BillingInterval.MONTH).id();

            // An admin replays the old completion while the user is on the new session's page.
            h.billing().useCases().replayEvent().replay(completed.id());

            assertThat(h.stores().inbox().find(completed.id()).orElseThrow().status())
                    .isEqualTo(InboxStatus.PROCESSED);
            assertThat(status(h, next)).as("the new session is still payable").isEqualTo("open");
            h.gateway().completeCheckout(next);
            assertThat(live(h, sub.customerId())).hasSize(1);
        }

        @Test
        void anExpiryThatFailsAtCompletionIsRetriedWithTheEvent() {
            List<CheckoutSession> open =
                    twoOpenSessions(h, "user_1", "pro", BillingInterval.MONTH, "enterprise", BillingInterval.MONTH);
            Subscription sub = h.gateway()
                    .getSubscription(h.gateway().completeCheckout(open.get(1).id()))
                    .orElseThrow();
            deliverCreated(h, sub);
            h.gateway().failNext(Operation.LIST_OPEN_CHECKOUTS, 1, Failure.NOT_DONE);
            StripeEvent completed = anEvent()
                    .withType("checkout.session.completed")
                    .createdAt(h.clock().instant())
                    .forObject("checkout.session", open.get(1).id())
                    .build();

            assertThat(h.deliver(
                                    completed,
                                    new EventObject.OfCheckoutSession(h.gateway()
                                            .getCheckoutSession(open.get(1).id())
                                            .orElseThrow()))
                            .inlineStatus())
                    .isEqualTo(InboxStatus.PENDING);
            assertThat(status(h, open.get(0).id())).isEqualTo("open");

            h.clock().advance(Duration.ofMinutes(1));
            h.billing().processDueEvents(10);
            assertThat(status(h, open.get(0).id())).isEqualTo("expired");
            assertThat(h.stores().inbox().find(completed.id()).orElseThrow().status())
                    .isEqualTo(InboxStatus.PROCESSED);
        }
    }

    @Nested
    @DisplayName("a second live subscription, cancel (the default)")
    class Cancel {
        private final BillingHarness h = BillingHarness.create();

        @Test
        void theNewerIsCanceledAndItsChargeRefundedOnce() {
            List<CheckoutSession> open = twoOpenSessions(
                    h, "user_1", "enterprise", BillingInterval.MONTH, "enterprise", BillingInterval.MONTH);
            // Both pages were paid before either completion came back: the second Checkout expires nothing.
            Subscription older = h.gateway()
                    .getSubscription(h.gateway().completeCheckout(open.get(0).id()))
                    .orElseThrow();
            h.clock().advance(Duration.ofMinutes(1));
            Subscription newer = h.gateway()
                    .getSubscription(h.gateway().completeCheckout(open.get(1).id()))
                    .orElseThrow();
            CustomerId customer = older.customerId();

            StripeEvent olderCreated = deliverCreated(h, older);
            StripeEvent newerCreated = deliverCreated(h, newer);

            assertThat(live(h, customer)).extracting(Subscription::id).containsExactly(older.id());
            assertThat(h.gateway().getSubscription(newer.id()).orElseThrow().status())
                    .isEqualTo(SubscriptionStatus.CANCELED);
            assertThat(h.stores()
                            .subscriptions()
                            .findSubscription(newer.id())
                            .orElseThrow()
                            .status())
                    .isEqualTo(SubscriptionStatus.CANCELED);
            assertThat(h.gateway().refunds())
                    .singleElement()
                    .satisfies(r -> assertThat(r.amount().amount()).isEqualTo(9900));
            assertThat(h.billing().entitlements(UserId.of("user_1")).tier()).isEqualTo("enterprise");
            assertThat(h.billing().entitlements(UserId.of("user_1")).subscriptionId())
                    .isEqualTo(older.id());
            assertThat(duplicateEntries(h)).singleElement().satisfies(e -> {
                assertThat(e.entityId()).isEqualTo(newer.id());
                assertThat(e.customerId()).isEqualTo(customer);
                assertThat(e.detail())
                        .containsEntry("kept_subscription_id", older.id())
                        .containsEntry("handling", "cancel")
                        .containsEntry("found_by", "event:" + newerCreated.id());
            });
            assertThat(h.stores()
                            .audit()
                            .list(AuditQuery.all(100).withAction(AuditAction.SUBSCRIPTION_CANCELED))
                            .items())
                    .extracting(AuditEntry::entityId)
                    .containsExactly(newer.id());
            assertThat(h.duplicatesObserved()).containsExactly("cancel");

            // Every later event about them, and replays of these, cancel, refund and record nothing more.
            StripeEvent completed = anEvent()
                    .withType("checkout.session.completed")
                    .createdAt(h.clock().instant())
                    .forObject("checkout.session", open.get(1).id())
                    .build();
            h.deliver(
                    completed,
                    new EventObject.OfCheckoutSession(
                            h.gateway().getCheckoutSession(open.get(1).id()).orElseThrow()));
            h.billing().useCases().replayEvent().replay(newerCreated.id());
            h.billing().useCases().replayEvent().replay(olderCreated.id());
            assertThat(h.gateway().refunds()).hasSize(1);
            assertThat(h.gateway().calls(Operation.CANCEL_SUBSCRIPTION)).hasSize(1);
            assertThat(duplicateEntries(h)).hasSize(1);
            assertThat(h.duplicatesObserved()).hasSize(1);

            List<ListDuplicateSubscriptions.Duplicate> listed = h.billing()
                    .useCases()
                    .listDuplicateSubscriptions()
                    .list(null, 50)
                    .items();
            assertThat(listed).singleElement().satisfies(d -> {
                assertThat(d.subscriptionId()).isEqualTo(newer.id());
                assertThat(d.userId()).isEqualTo(UserId.of("user_1"));
                assertThat(d.keptSubscriptionId()).isEqualTo(older.id());
                assertThat(d.handling()).isEqualTo("cancel");
                assertThat(d.status()).isEqualTo(SubscriptionStatus.CANCELED);
                assertThat(d.live()).isFalse();
            });
        }

        @Test
        void whicheverEventArrivesFirstTheNewerIsTheOneCanceled() {
            List<CheckoutSession> open = twoOpenSessions(
                    h, "user_1", "enterprise", BillingInterval.MONTH, "enterprise", BillingInterval.MONTH);
            Subscription older = h.gateway()
                    .getSubscription(h.gateway().completeCheckout(open.get(0).id()))
                    .orElseThrow();
            h.clock().advance(Duration.ofMinutes(1));
            Subscription newer = h.gateway()
                    .getSubscription(h.gateway().completeCheckout(open.get(1).id()))
                    .orElseThrow();

            deliverCreated(h, newer);
            deliverCreated(h, older);

            assertThat(live(h, older.customerId())).extracting(Subscription::id).containsExactly(older.id());
            assertThat(duplicateEntries(h)).extracting(AuditEntry::entityId).containsExactly(newer.id());
        }

        @Test
        void aTrialBesideAPaidPlanCancelsTheNewerPaidOneAndRefundsIt() {
            List<CheckoutSession> open =
                    twoOpenSessions(h, "user_1", "pro", BillingInterval.YEAR, "enterprise", BillingInterval.MONTH);
            Subscription trial = h.gateway()
                    .getSubscription(h.gateway().completeCheckout(open.get(0).id()))
                    .orElseThrow();
            assertThat(trial.status()).isEqualTo(SubscriptionStatus.TRIALING);
            h.clock().advance(Duration.ofMinutes(1));
            Subscription paid = h.gateway()
                    .getSubscription(h.gateway().completeCheckout(open.get(1).id()))
                    .orElseThrow();
            deliverCreated(h, trial);
            deliverCreated(h, paid);

            assertThat(live(h, trial.customerId())).extracting(Subscription::id).containsExactly(trial.id());
            assertThat(h.gateway().refunds())
                    .extracting(r -> r.amount().amount())
                    .containsExactly(9900L);
            assertThat(h.billing().entitlements(UserId.of("user_1")).tier()).isEqualTo("pro");
        }

        @Test
        void aNewerTrialBesideAPaidPlanIsCanceledWithNothingToRefund() {
            List<CheckoutSession> open =
                    twoOpenSessions(h, "user_1", "enterprise", BillingInterval.MONTH, "pro", BillingInterval.YEAR);
            Subscription paid = h.gateway()
                    .getSubscription(h.gateway().completeCheckout(open.get(0).id()))
                    .orElseThrow();
            h.clock().advance(Duration.ofMinutes(1));
            Subscription trial = h.gateway()
                    .getSubscription(h.gateway().completeCheckout(open.get(1).id()))
                    .orElseThrow();
            assertThat(trial.status()).isEqualTo(SubscriptionStatus.TRIALING);
            deliverCreated(h, paid);
            deliverCreated(h, trial);

            assertThat(live(h, paid.customerId())).extracting(Subscription::id).containsExactly(paid.id());
            assertThat(h.gateway().refunds()).isEmpty();
            assertThat(h.billing().entitlements(UserId.of("user_1")).tier()).isEqualTo("enterprise");
            assertThat(duplicateEntries(h))
                    .singleElement()
                    .satisfies(e -> assertThat(e.detail()).containsEntry("status", "trialing"));
        }

        @Test
        void stripeDownWhileCancelingRetriesTheEventAndRefundsOnce() {
            List<CheckoutSession> open = twoOpenSessions(
                    h, "user_1", "enterprise", BillingInterval.MONTH, "enterprise", BillingInterval.MONTH);
            Subscription older = h.gateway()
                    .getSubscription(h.gateway().completeCheckout(open.get(0).id()))
                    .orElseThrow();
            h.clock().advance(Duration.ofMinutes(1));
            Subscription newer = h.gateway()
                    .getSubscription(h.gateway().completeCheckout(open.get(1).id()))
                    .orElseThrow();
            deliverCreated(h, older);
            h.gateway().failNext(Operation.CANCEL_SUBSCRIPTION, 1, Failure.NOT_DONE);
            StripeEvent newerCreated = deliverCreated(h, newer);
            assertThat(h.stores().inbox().find(newerCreated.id()).orElseThrow().status())
                    .isEqualTo(InboxStatus.PENDING);
            assertThat(live(h, older.customerId())).hasSize(2);

            h.clock().advance(Duration.ofMinutes(1));
            h.billing().processDueEvents(10);

            assertThat(live(h, older.customerId())).extracting(Subscription::id).containsExactly(older.id());
            assertThat(h.gateway().refunds()).extracting(Refund::id).hasSize(1);
            assertThat(duplicateEntries(h)).hasSize(1);
            assertThat(h.duplicatesObserved()).containsExactly("cancel");
        }

        @Test
        void aRefundStripeRefusesLeavesTheNewerLiveAndListedForAnOperator() {
            List<CheckoutSession> open = twoOpenSessions(
                    h, "user_1", "enterprise", BillingInterval.MONTH, "enterprise", BillingInterval.MONTH);
            Subscription older = h.gateway()
                    .getSubscription(h.gateway().completeCheckout(open.get(0).id()))
                    .orElseThrow();
            h.clock().advance(Duration.ofMinutes(1));
            Subscription newer = h.gateway()
                    .getSubscription(h.gateway().completeCheckout(open.get(1).id()))
                    .orElseThrow();
            deliverCreated(h, older);
            h.gateway().failNext(Operation.CREATE_REFUND, 1, Failure.REJECTED);

            deliverCreated(h, newer);

            assertThat(live(h, older.customerId())).hasSize(2);
            assertThat(h.gateway().calls(Operation.CANCEL_SUBSCRIPTION)).isEmpty();
            assertThat(duplicateEntries(h)).hasSize(1);
            assertThat(h.billing()
                            .useCases()
                            .listDuplicateSubscriptions()
                            .list(null, 50)
                            .items())
                    .singleElement()
                    .satisfies(d -> {
                        assertThat(d.subscriptionId()).isEqualTo(newer.id());
                        assertThat(d.live()).as("left for an operator").isTrue();
                    });
        }
    }

    @Nested
    @DisplayName("a second live subscription, flag")
    class Flag {
        private final BillingHarness h =
                BillingHarness.create(o -> o.duplicateSubscriptions(DuplicateSubscriptions.FLAG));

        @Test
        void bothStayAndTheNewerIsFlaggedOnceAndListedAsLive() {
            List<CheckoutSession> open =
                    twoOpenSessions(h, "user_1", "pro", BillingInterval.YEAR, "enterprise", BillingInterval.MONTH);
            Subscription older = h.gateway()
                    .getSubscription(h.gateway().completeCheckout(open.get(0).id()))
                    .orElseThrow();
            h.clock().advance(Duration.ofMinutes(1));
            Subscription newer = h.gateway()
                    .getSubscription(h.gateway().completeCheckout(open.get(1).id()))
                    .orElseThrow();
            deliverCreated(h, older);
            StripeEvent newerCreated = deliverCreated(h, newer);
            h.billing().useCases().replayEvent().replay(newerCreated.id());

            assertThat(live(h, older.customerId())).hasSize(2);
            assertThat(h.gateway().refunds()).isEmpty();
            assertThat(h.gateway().calls(Operation.CANCEL_SUBSCRIPTION)).isEmpty();
            assertThat(duplicateEntries(h)).singleElement().satisfies(e -> {
                assertThat(e.entityId()).isEqualTo(newer.id());
                assertThat(e.detail()).containsEntry("handling", "flag");
            });
            assertThat(h.duplicatesObserved()).containsExactly("flag");
            assertThat(h.billing()
                            .useCases()
                            .listDuplicateSubscriptions()
                            .list(null, 50)
                            .items())
                    .singleElement()
                    .satisfies(d -> {
                        assertThat(d.live()).isTrue();
                        assertThat(d.status()).isEqualTo(SubscriptionStatus.ACTIVE);
                        assertThat(d.handling()).isEqualTo("flag");
                    });
        }
    }

    @Test
    void duplicateSubscriptionsParseTheSettingsSpelling() {
        assertThat(DuplicateSubscriptions.parse("cancel")).contains(DuplicateSubscriptions.CANCEL);
        assertThat(DuplicateSubscriptions.parse(" FLAG ")).contains(DuplicateSubscriptions.FLAG);
        assertThat(DuplicateSubscriptions.parse("refund")).isEmpty();
        assertThat(DuplicateSubscriptions.parse(null)).isEmpty();
    }
}
