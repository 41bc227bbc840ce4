package dev.billing.testkit.usecase;

import static dev.billing.testkit.Builders.anEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.NewCustomer;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.projection.CoalescedReads;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.Builders;
import dev.billing.testkit.MutableClock;
import dev.billing.testkit.fake.FakePaymentGateway;
import dev.billing.testkit.fake.FakePaymentGateway.Failure;
import dev.billing.testkit.fake.FakePaymentGateway.Operation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * A re-fetch answers every event received before it started (DESIGN §4.3): a burst of events about one subscription
 * costs one read across batches, and never a read that started before an event was received.
 */
class CoalescedReadsTest {
    private final MutableClock clock = MutableClock.at(Builders.T0);
    private final FakePaymentGateway gateway = FakePaymentGateway.withSampleCatalog(clock);
    private final CoalescedReads reads = new CoalescedReads(gateway, clock);
    private final Subscription sub = gateway.subscribe(
            gateway.createCustomer(new NewCustomer(UserId.of("user_reads"), null, "key_reads")),
            "price_pro_monthly",
            SubscriptionStatus.ACTIVE);

    private int stripeReads() {
        return gateway.calls(Operation.GET_SUBSCRIPTION).size();
    }

    @Nested
    class Rules {
        @Test
        void aReadStartedAfterAnEventsReceiptAnswersItAndALaterEventReadsAnew() {
            Instant received = clock.instant();
            clock.advance(Duration.ofMillis(5));

            assertThat(reads.subscription(sub.id(), received))
                    .map(Subscription::id)
                    .contains(sub.id());
            assertThat(reads.subscription(sub.id(), received))
                    .as("a second event received before")
                    .map(Subscription::id)
                    .contains(sub.id());
            assertThat(reads.subscription(sub.id(), received.plusMillis(1)))
                    .map(Subscription::id)
                    .contains(sub.id());
            assertThat(stripeReads()).isEqualTo(1);

            clock.advance(Duration.ofMillis(5));
            assertThat(reads.subscription(sub.id(), clock.instant().minusMillis(1)))
                    .as("received after the read started")
                    .map(Subscription::id)
                    .contains(sub.id());
            assertThat(stripeReads()).isEqualTo(2);
        }

        @Test
        void aReadStartedAtTheVeryInstantOfTheReceiptDoesNotAnswerIt() {
            reads.subscription(sub.id(), clock.instant().minusMillis(1));
            reads.subscription(sub.id(), clock.instant());
            assertThat(stripeReads()).isEqualTo(2);
        }

        @Test
        void outsideAReceiptEveryReadGoesToStripe() {
            reads.subscription(sub.id());
            reads.subscription(sub.id());
            assertThat(stripeReads()).isEqualTo(2);

            Instant received = clock.instant();
            clock.advance(Duration.ofMillis(1));
            try (CoalescedReads.Receipt r = CoalescedReads.receivedAt(received)) {
                reads.subscription(sub.id());
                reads.subscription(sub.id());
            }
            assertThat(stripeReads()).isEqualTo(3);
            reads.subscription(sub.id());
            assertThat(stripeReads()).as("the scope is closed").isEqualTo(4);
        }

        @Test
        void aFailedReadIsNeverSharedTheNextCallerReadsAnew() {
            Instant received = clock.instant();
            clock.advance(Duration.ofMillis(1));
            gateway.failNext(Operation.GET_SUBSCRIPTION, 1, Failure.NOT_DONE);

            assertThatThrownBy(() -> reads.subscription(sub.id(), received)).isInstanceOf(RuntimeException.class);
            assertThat(reads.subscription(sub.id(), received))
                    .map(Subscription::id)
                    .contains(sub.id());
            assertThat(stripeReads()).isEqualTo(2);
        }

        @Test
        void aReadOlderThanItsKeepingIsNotReused() {
            Instant received = clock.instant();
            clock.advance(Duration.ofMillis(1));
            reads.subscription(sub.id(), received);
            clock.advance(Duration.ofSeconds(31));
            reads.subscription(sub.id(), received);
            assertThat(stripeReads()).isEqualTo(2);
        }

        @Test
        void aCallerJoinsTheReadInFlightInsteadOfStartingAnother() throws Exception {
            Instant received = clock.instant();
            clock.advance(Duration.ofMillis(1));
            CountDownLatch reading = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            gateway.beforeNext(Operation.GET_SUBSCRIPTION, () -> {
                reading.countDown();
                await(release);
            });
            CompletableFuture<Optional<Subscription>> first =
                    CompletableFuture.supplyAsync(() -> reads.subscription(sub.id(), received));
            assertThat(reading.await(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Optional<Subscription>> second =
                    CompletableFuture.supplyAsync(() -> reads.subscription(sub.id(), received));
            release.countDown();

            assertThat(first.get(30, TimeUnit.SECONDS)).map(Subscription::id).contains(sub.id());
            assertThat(second.get(30, TimeUnit.SECONDS)).as("the same read").isEqualTo(first.get());
            assertThat(stripeReads()).isEqualTo(1);
        }

        private void await(CountDownLatch latch) {
            try {
                latch.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Through the core: events received together, processed one batch at a time later, share one read. */
    @Nested
    class AcrossBatches {
        private final BillingHarness h = BillingHarness.create(o -> o.inlinePermits(0));

        @Test
        void aBurstAboutOneSubscriptionCostsOneReadHoweverItIsBatched() {
            CustomerId customer =
                    h.billing().ensureCustomer(h.identity("user_burst")).customerId();
            Subscription truth = h.gateway().subscribe(customer, "price_pro_monthly", SubscriptionStatus.ACTIVE);
            List<StripeEvent> burst = List.of(
                    event("customer.subscription.created", truth, 0),
                    event("customer.subscription.updated", truth, 1),
                    event("customer.subscription.updated", truth, 2));
            for (StripeEvent e : burst) {
                h.deliver(e, new EventObject.OfSubscription(truth));
            }
            int before = h.gateway().calls(Operation.GET_SUBSCRIPTION).size();
            h.clock().advance(Duration.ofMillis(10));

            assertThat(h.billing().processDueEvents(1)).isEqualTo(1);
            assertThat(h.billing().processDueEvents(1)).isEqualTo(1);
            assertThat(h.billing().processDueEvents(5)).isEqualTo(1);

            assertThat(burst)
                    .allSatisfy(e -> assertThat(h.stores().inbox().find(e.id()))
                            .map(InboxEntry::status)
                            .contains(InboxStatus.PROCESSED));
            assertThat(h.stores().subscriptions().findSubscription(truth.id()))
                    .map(Subscription::status)
                    .contains(SubscriptionStatus.ACTIVE);
            assertThat(h.gateway().calls(Operation.GET_SUBSCRIPTION).size() - before)
                    .as("Stripe reads for three events in three batches")
                    .isEqualTo(1);

            // An event received after that read started is answered by a read of its own.
            StripeEvent later = event("customer.subscription.updated", truth, 3);
            h.deliver(later, new EventObject.OfSubscription(truth));
            h.clock().advance(Duration.ofMillis(10));
            assertThat(h.billing().processDueEvents(5)).isEqualTo(1);
            assertThat(h.gateway().calls(Operation.GET_SUBSCRIPTION).size() - before)
                    .isEqualTo(2);
        }

        private StripeEvent event(String type, Subscription s, int second) {
            return anEvent()
                    .withType(type)
                    .createdAt(h.clock().instant().plusSeconds(second))
                    .forObject("subscription", s.id())
                    .build();
        }
    }
}
