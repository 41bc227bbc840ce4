package dev.billing.testkit.usecase;

import static dev.billing.testkit.Builders.aSubscription;
import static dev.billing.testkit.Builders.anEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.Billing;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.error.StoreUnavailableException;
import dev.billing.core.error.WebhookRejectedException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.Price;
import dev.billing.core.model.catalog.PriceQuery;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.notice.NoticeKind;
import dev.billing.core.model.notice.Notification;
import dev.billing.core.model.payment.InvoiceStatus;
import dev.billing.core.model.subscription.CheckoutMode;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.EventInbox;
import dev.billing.core.port.PaymentGateway.ProrationBehavior;
import dev.billing.core.webhook.WebhookReceipt;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.Builders;
import dev.billing.testkit.contract.Race;
import dev.billing.testkit.fake.FakePaymentGateway.Failure;
import dev.billing.testkit.fake.FakePaymentGateway.Operation;
import dev.billing.testkit.fake.FakeWebhookVerifier;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** I1, I2, I4 against the fakes: duplicates, reordering, ties, failures midway, crashes, parking and replay. */
class WebhookProcessingTest {

    private static StripeEvent subscriptionEvent(String type, Subscription snapshot, Instant created) {
        return anEvent()
                .withType(type)
                .createdAt(created)
                .forObject("subscription", snapshot.id())
                .build();
    }

    private static EventObject of(Subscription subscription) {
        return new EventObject.OfSubscription(subscription);
    }

    @Nested
    class Duplicates {
        private final BillingHarness h = BillingHarness.create();

        @Test
        void theSameEventDeliveredTenTimesAtOnceHasItsEffectsOnce() {
            CustomerId customer =
                    h.billing().ensureCustomer(h.identity("user_1")).customerId();
            CheckoutSession paid = new CheckoutSession(
                    "cs_1",
                    null,
                    CheckoutMode.PAYMENT,
                    customer,
                    null,
                    "pi_1",
                    "complete",
                    "paid",
                    "user_1",
                    1000L,
                    "usd",
                    Map.of("user_id", "user_1", "price_id", "price_credits_100", "quantity", "1"));
            StripeEvent event = anEvent()
                    .withType("checkout.session.completed")
                    .createdAt(h.clock().instant())
                    .forObject("checkout.session", "cs_1")
                    .build();
            h.verifier().sign(event, new EventObject.OfCheckoutSession(paid));

            List<WebhookReceipt> receipts =
                    Race.run(10, i -> h.deliver(event, new EventObject.OfCheckoutSession(paid)));

            assertThat(receipts.stream().filter(r -> !r.duplicate())).hasSize(1);
            assertThat(h.stores().subscriptions().purchasesOf(customer)).hasSize(1);
            assertThat(h.notifier().sent()).singleElement().isInstanceOf(Notification.Receipt.class);
            assertThat(h.stores().inbox().find(event.id()))
                    .map(InboxEntry::status)
                    .contains(InboxStatus.PROCESSED);
            assertThat(h.stores().inbox().countByStatus().values().stream()
                            .mapToLong(Long::longValue)
                            .sum())
                    .isEqualTo(1);
        }

        @Test
        void aSequentialRedeliveryAfterProcessingChangesNothing() {
            Subscription sub = h.gateway()
                    .subscribe(
                            h.billing().ensureCustomer(h.identity("user_1")).customerId(),
                            "price_pro_monthly",
                            SubscriptionStatus.ACTIVE);
            StripeEvent event = subscriptionEvent(
                    "customer.subscription.created", sub, h.clock().instant());
            h.deliver(event, of(sub));
            int gatewayCalls = h.gateway().calls(Operation.GET_SUBSCRIPTION).size();
            WebhookReceipt again = h.deliver(event, of(sub));
            assertThat(again.duplicate()).isTrue();
            assertThat(again.inlineStatus()).isNull();
            assertThat(h.gateway().calls(Operation.GET_SUBSCRIPTION)).hasSize(gatewayCalls);
        }

        @Test
        void aRedeliveryOfAnEventThisProcessCompletedIsAnsweredWithoutTheStore() {
            Subscription sub = h.gateway()
                    .subscribe(
                            h.billing().ensureCustomer(h.identity("user_1")).customerId(),
                            "price_pro_monthly",
                            SubscriptionStatus.ACTIVE);
            StripeEvent event = subscriptionEvent(
                    "customer.subscription.created", sub, h.clock().instant());
            assertThat(h.deliver(event, of(sub)).inlineStatus()).isEqualTo(InboxStatus.PROCESSED);

            h.stores().storeSwitch().down();
            WebhookReceipt again = h.deliver(event, of(sub));

            assertThat(again.duplicate()).isTrue();
            assertThat(again.inlineStatus()).isNull();
        }

        @Test
        void aRedeliveryOfAnEventAnotherProcessCompletedAsksTheStore() {
            StripeEvent event = anEvent()
                    .withType("customer.created")
                    .createdAt(h.clock().instant())
                    .forObject("customer", "cus_elsewhere")
                    .build();
            EventObject customer = new EventObject.OfCustomer(
                    CustomerId.of("cus_elsewhere"), UserId.of("user_9"), "u9@example.com", false);
            // Recorded and completed straight in the inbox, as another instance on the same database does.
            Instant now = h.clock().instant();
            h.stores().inbox().record(event, now);
            h.stores().inbox().claim(event.id(), "other-instance", now, Duration.ofMinutes(1));
            assertThat(h.stores().inbox().complete(event.id(), "other-instance", InboxStatus.PROCESSED, now))
                    .isTrue();

            h.stores().storeSwitch().down();
            assertThatThrownBy(() -> h.deliver(event, customer)).isInstanceOf(StoreUnavailableException.class);
            h.stores().storeSwitch().up();
            WebhookReceipt again = h.deliver(event, customer);

            assertThat(again.duplicate()).isTrue();
            assertThat(again.inlineStatus()).isNull();
        }

        @Test
        void aReplayedEventIsProcessedEvenWhenItsRedeliveryWasAnsweredFromMemory() {
            Subscription sub = h.gateway()
                    .subscribe(
                            h.billing().ensureCustomer(h.identity("user_1")).customerId(),
                            "price_pro_monthly",
                            SubscriptionStatus.ACTIVE);
            StripeEvent event = subscriptionEvent(
                    "customer.subscription.created", sub, h.clock().instant());
            h.deliver(event, of(sub));
            // Made due again behind this process' back, as an admin's replay on another instance does.
            assertThat(h.stores().inbox().requeue(event.id(), h.clock().instant()))
                    .isTrue();

            assertThat(h.deliver(event, of(sub)).duplicate()).isTrue();
            assertThat(h.stores().inbox().find(event.id()))
                    .map(InboxEntry::status)
                    .contains(InboxStatus.PENDING);

            assertThat(h.billing().processDueEvents(10))
                    .as("the worker takes the replayed event")
                    .isEqualTo(1);
            assertThat(h.stores().inbox().find(event.id()))
                    .map(InboxEntry::status)
                    .contains(InboxStatus.PROCESSED);
        }
    }

    @Nested
    class OrderingWithSnapshots {
        private final BillingHarness h = BillingHarness.create(o -> o.refetchOnWebhook(false));
        private final Instant t = h.clock().instant();

        @Test
        void updatedBeforeCreatedEndsInTheNewestState() {
            String id = "sub_order_1";
            Subscription created = aSubscription()
                    .withId(id)
                    .withStatus(SubscriptionStatus.INCOMPLETE)
                    .snapshotAt(t)
                    .build();
            Subscription updated = aSubscription()
                    .withId(id)
                    .withStatus(SubscriptionStatus.ACTIVE)
                    .snapshotAt(t.plusSeconds(2))
                    .build();
            h.deliver(subscriptionEvent("customer.subscription.updated", updated, t.plusSeconds(2)), of(updated));
            h.deliver(subscriptionEvent("customer.subscription.created", created, t), of(created));
            assertThat(h.stores().subscriptions().findSubscription(id)).contains(updated);
        }

        /**
         * Paid, then cancelled at once, and the update that made it active delivered last: the deletion must not
         * take the subscription for one never paid for (the projection still says incomplete), or the customer is
         * told it started and never that it ended.
         */
        @Test
        void aDeletionBeforeTheUpdateThatMadeItActiveIsStillAnnounced() {
            String id = paidThenDeletedItsStartLast("user_late_start", () -> {});

            assertThat(h.notifier().sent().stream().map(Notification::kind).toList())
                    .containsExactlyInAnyOrder(NoticeKind.SUBSCRIPTION_CANCELED, NoticeKind.SUBSCRIPTION_STARTED);
            assertThat(h.stores().subscriptions().findSubscription(id))
                    .map(Subscription::status)
                    .contains(SubscriptionStatus.CANCELED);
        }

        /** Stripe refusing the read of invoices would refuse every retry: the stored status decides, as before. */
        @Test
        void aRefusedReadOfInvoicesLeavesTheStoredStatusToDecide() {
            String id = paidThenDeletedItsStartLast(
                    "user_late_start_refused",
                    () -> h.gateway().failNext(Operation.LIST_INVOICES, 1, Failure.REJECTED));

            assertThat(h.notifier().sent().stream().map(Notification::kind).toList())
                    .containsExactly(NoticeKind.SUBSCRIPTION_STARTED);
            assertThat(h.gateway().calls(Operation.LIST_INVOICES))
                    .as("read once, not retried")
                    .hasSize(1);
            assertThat(h.stores().subscriptions().findSubscription(id))
                    .map(Subscription::status)
                    .contains(SubscriptionStatus.CANCELED);
        }

        /**
         * A read (an event whose coupons Stripe's payload does not show, processed late) found the subscription past
         * due and dated the turn by that event's bound, three days early; the event of the turn, older than the read,
         * is not written, but its bound must still date the turn, or the grace ends three days early.
         */
        @Test
        void theTurnToPastDueIsDatedByItsEventAlsoAfterANewerReadWasWritten() {
            CustomerId customer =
                    h.billing().ensureCustomer(h.identity("user_turn")).customerId();
            String id = h.gateway()
                    .subscribe(customer, "price_pro_monthly", SubscriptionStatus.ACTIVE)
                    .id();
            Instant turn = t.plus(Duration.ofDays(3));
            h.gateway().setStatus(id, SubscriptionStatus.PAST_DUE);
            h.clock().advance(Duration.ofDays(4));
            Subscription before = aSubscription()
                    .withId(id)
                    .withCustomer(customer.value())
                    .withStatus(SubscriptionStatus.ACTIVE)
                    .snapshotAt(t)
                    .build();
            Subscription turned = aSubscription()
                    .withId(id)
                    .withCustomer(customer.value())
                    .withStatus(SubscriptionStatus.PAST_DUE)
                    .snapshotAt(turn)
                    .build();
            h.deliver(
                    subscriptionEvent("customer.subscription.updated", before, t),
                    new EventObject.OfSubscription(before, EventObject.SubscriptionChange.NONE, true));
            assertThat(h.stores().subscriptions().findSubscription(id))
                    .map(Subscription::pastDueSince)
                    .as("the read, dated by the earlier event's bound")
                    .contains(t);
            h.deliver(
                    subscriptionEvent("customer.subscription.updated", turned, turn),
                    new EventObject.OfSubscription(
                            turned, new EventObject.SubscriptionChange(null, null, SubscriptionStatus.ACTIVE)));

            assertThat(h.stores().subscriptions().findSubscription(id))
                    .map(Subscription::pastDueSince)
                    .contains(turn);
        }

        /**
         * A subscription paid at Stripe, delivered as created (incomplete), deleted, then the update that made it
         * active.
         */
        private String paidThenDeletedItsStartLast(String user, Runnable beforeTheDeletion) {
            CustomerId customer = h.billing().ensureCustomer(h.identity(user)).customerId();
            String id = h.gateway()
                    .subscribe(customer, "price_pro_monthly", SubscriptionStatus.ACTIVE)
                    .id();
            Subscription created = aSubscription()
                    .withId(id)
                    .withCustomer(customer.value())
                    .withStatus(SubscriptionStatus.INCOMPLETE)
                    .snapshotAt(t)
                    .build();
            Subscription active = aSubscription()
                    .withId(id)
                    .withCustomer(customer.value())
                    .withStatus(SubscriptionStatus.ACTIVE)
                    .snapshotAt(t.plusSeconds(2))
                    .build();
            Subscription deleted = aSubscription()
                    .withId(id)
                    .withCustomer(customer.value())
                    .canceled(t.plusSeconds(10))
                    .snapshotAt(t.plusSeconds(10))
                    .build();
            h.deliver(subscriptionEvent("customer.subscription.created", created, t), of(created));
            beforeTheDeletion.run();
            h.deliver(subscriptionEvent("customer.subscription.deleted", deleted, t.plusSeconds(10)), of(deleted));
            h.deliver(
                    subscriptionEvent("customer.subscription.updated", active, t.plusSeconds(2)),
                    new EventObject.OfSubscription(
                            active, new EventObject.SubscriptionChange(null, null, SubscriptionStatus.INCOMPLETE)));
            return id;
        }

        @Test
        void aLateUpdatedAfterDeletedDoesNotResurrect() {
            String id = "sub_order_2";
            Subscription deleted = aSubscription()
                    .withId(id)
                    .canceled(t.plusSeconds(10))
                    .snapshotAt(t.plusSeconds(10))
                    .build();
            Subscription late = aSubscription()
                    .withId(id)
                    .withStatus(SubscriptionStatus.ACTIVE)
                    .snapshotAt(t.plusSeconds(5))
                    .build();
            h.deliver(subscriptionEvent("customer.subscription.deleted", deleted, t.plusSeconds(10)), of(deleted));
            h.deliver(subscriptionEvent("customer.subscription.updated", late, t.plusSeconds(5)), of(late));
            assertThat(h.stores().subscriptions().findSubscription(id))
                    .map(Subscription::status)
                    .contains(SubscriptionStatus.CANCELED);
        }

        @Test
        void twoEventsInTheSameSecondEndInStripesState() {
            for (boolean newerFirst : new boolean[] {true, false}) {
                BillingHarness fresh = BillingHarness.create(o -> o.refetchOnWebhook(false));
                CustomerId customer =
                        fresh.billing().ensureCustomer(fresh.identity("user_1")).customerId();
                Subscription truth =
                        fresh.gateway().subscribe(customer, "price_pro_monthly", SubscriptionStatus.ACTIVE);
                fresh.gateway().setStatus(truth.id(), SubscriptionStatus.PAST_DUE);
                Instant second = fresh.clock().instant();
                Subscription asActive = aSubscription()
                        .withId(truth.id())
                        .withCustomer(customer.value())
                        .withStatus(SubscriptionStatus.ACTIVE)
                        .snapshotAt(second)
                        .build();
                Subscription asPastDue = aSubscription()
                        .withId(truth.id())
                        .withCustomer(customer.value())
                        .withStatus(SubscriptionStatus.PAST_DUE)
                        .snapshotAt(second)
                        .build();
                StripeEvent first = subscriptionEvent("customer.subscription.updated", asActive, second);
                StripeEvent then = subscriptionEvent("customer.subscription.updated", asPastDue, second);
                if (newerFirst) {
                    fresh.deliver(then, of(asPastDue));
                    fresh.deliver(first, of(asActive));
                } else {
                    fresh.deliver(first, of(asActive));
                    fresh.deliver(then, of(asPastDue));
                }
                assertThat(fresh.stores().subscriptions().findSubscription(truth.id()))
                        .map(Subscription::status)
                        .as("newer first: %s", newerFirst)
                        .contains(SubscriptionStatus.PAST_DUE);
            }
        }

        @Test
        void aSnapshotOfAChangeMadeAfterAReadEndsInStripesState() {
            // The change later in the read's own second, or before the answer to our own call arrived (stamped
            // then, it may be seconds after Stripe made it): the snapshot is older by the watermark, not by Stripe.
            for (Duration readAfter : List.of(Duration.ZERO, Duration.ofSeconds(30))) {
                BillingHarness fresh = BillingHarness.create(o -> o.refetchOnWebhook(false));
                CustomerId customer =
                        fresh.billing().ensureCustomer(fresh.identity("user_1")).customerId();
                Subscription truth =
                        fresh.gateway().subscribe(customer, "price_pro_monthly", SubscriptionStatus.ACTIVE);
                Instant changed = fresh.clock().instant();
                fresh.clock().advance(readAfter);
                fresh.billing().useCases().reconcile().user(UserId.of("user_1")); // a read, stamped now
                Subscription canceled = aSubscription()
                        .withId(truth.id())
                        .withCustomer(customer.value())
                        .canceled(changed)
                        .snapshotAt(changed)
                        .build();
                fresh.gateway().setStatus(truth.id(), SubscriptionStatus.CANCELED);
                int reads = fresh.gateway().calls(Operation.GET_SUBSCRIPTION).size();

                fresh.deliver(subscriptionEvent("customer.subscription.deleted", canceled, changed), of(canceled));

                assertThat(fresh.stores().subscriptions().findSubscription(truth.id()))
                        .map(Subscription::status)
                        .as("read %s after the change: only Stripe knows which came first", readAfter)
                        .contains(SubscriptionStatus.CANCELED);
                assertThat(fresh.gateway().calls(Operation.GET_SUBSCRIPTION)).hasSize(reads + 1);
            }
        }

        @Test
        void aSnapshotWhoseCouponsAreUnknownIsReadFromStripe() {
            CustomerId customer =
                    h.billing().ensureCustomer(h.identity("user_1")).customerId();
            Subscription truth = h.gateway().subscribe(customer, "price_pro_monthly", SubscriptionStatus.ACTIVE);
            Subscription idsOnly = aSubscription()
                    .withId(truth.id())
                    .withCustomer(customer.value())
                    .withStatus(SubscriptionStatus.ACTIVE)
                    .withQuantity(7)
                    .snapshotAt(t.plusSeconds(5))
                    .build();

            h.deliver(
                    subscriptionEvent("customer.subscription.updated", idsOnly, t.plusSeconds(5)),
                    new EventObject.OfSubscription(idsOnly, EventObject.SubscriptionChange.NONE, true));

            assertThat(h.gateway().calls(Operation.GET_SUBSCRIPTION)).hasSize(1);
            assertThat(h.stores().subscriptions().findSubscription(truth.id()))
                    .map(Subscription::quantity)
                    .as("Stripe's subscription, not the snapshot")
                    .contains(truth.quantity());
        }

        @Test
        void anInvoiceSnapshotOfTheSecondItWasReadInIsSettledByReadingIt() {
            CustomerId customer =
                    h.billing().ensureCustomer(h.identity("user_1")).customerId();
            var read = Builders.anInvoice()
                    .withId("in_read")
                    .withCustomer(customer.value())
                    .withStatus(InvoiceStatus.OPEN)
                    .withVersion(SourceVersion.refetch(t.plusMillis(400)))
                    .build();
            h.stores().subscriptions().upsertInvoice(read);
            var paid = Builders.anInvoice()
                    .withId("in_read")
                    .withCustomer(customer.value())
                    .withStatus(InvoiceStatus.PAID)
                    .withVersion(SourceVersion.snapshot(t))
                    .build();
            StripeEvent event = anEvent()
                    .withType("invoice.paid")
                    .createdAt(t)
                    .forObject("invoice", "in_read")
                    .build();

            h.deliver(event, new EventObject.OfInvoice(paid));

            assertThat(h.gateway().calls(Operation.GET_INVOICE))
                    .as("only Stripe knows whether the read or the event came first")
                    .hasSize(1);
        }

        @Test
        void aSnapshotAMinuteOlderThanTheReadIsRefusedWithoutAsking() {
            CustomerId customer =
                    h.billing().ensureCustomer(h.identity("user_1")).customerId();
            Subscription truth = h.gateway().subscribe(customer, "price_pro_monthly", SubscriptionStatus.ACTIVE);
            h.billing().useCases().reconcile().user(UserId.of("user_1"));
            Instant before = t.minus(SourceVersion.READ_AMBIGUITY).minusSeconds(1);
            Subscription older = aSubscription()
                    .withId(truth.id())
                    .withCustomer(customer.value())
                    .withStatus(SubscriptionStatus.INCOMPLETE)
                    .snapshotAt(before)
                    .build();
            int reads = h.gateway().calls(Operation.GET_SUBSCRIPTION).size();

            h.deliver(subscriptionEvent("customer.subscription.created", older, before), of(older));

            assertThat(h.stores().subscriptions().findSubscription(truth.id()))
                    .map(Subscription::status)
                    .contains(SubscriptionStatus.ACTIVE);
            assertThat(h.gateway().calls(Operation.GET_SUBSCRIPTION)).hasSize(reads);
        }
    }

    /** {@code receiveWebhook(payload, signature, executor)}: the answer after the insert, the batch processed after. */
    @Nested
    class AfterTheAnswer {
        private final BillingHarness h = BillingHarness.create(o -> o.refetchOnWebhook(false));
        /** Re-fetch on, the default. */
        private final BillingHarness refetching = BillingHarness.create();

        private final ExecutorService pool = Executors.newFixedThreadPool(4);
        private final CountDownLatch gate = new CountDownLatch(1);
        /** Runs nothing until the gate opens, so the deliveries made before that form one batch. */
        private final Executor gated = task -> pool.execute(() -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            task.run();
        });

        @AfterEach
        void stopPool() {
            pool.shutdownNow();
        }

        private WebhookReceipt deliverLater(StripeEvent event, EventObject object) {
            return deliverLater(h, event, object);
        }

        private WebhookReceipt deliverLater(BillingHarness to, StripeEvent event, EventObject object) {
            FakeWebhookVerifier.Delivery delivery = to.verifier().sign(event, object);
            return to.billing().useCases().receiveWebhook().receive(delivery.body(), delivery.signature(), gated);
        }

        private void awaitNoneLeased(List<StripeEvent> events) throws InterruptedException {
            awaitNoneLeased(h, events);
        }

        private void awaitNoneLeased(BillingHarness in, List<StripeEvent> events) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (events.stream()
                    .anyMatch(
                            e -> in.stores().inbox().find(e.id()).orElseThrow().leaseOwner() != null)) {
                assertThat(System.nanoTime())
                        .as("events still leased after 10 s")
                        .isLessThan(deadline);
                Thread.sleep(5);
            }
        }

        @Test
        void aBatchHasEachEventsEffectAndOneFailureStaysWithItsEvent() throws InterruptedException {
            CustomerId customer =
                    h.billing().ensureCustomer(h.identity("user_1")).customerId();
            Subscription truth = h.gateway().subscribe(customer, "price_pro_monthly", SubscriptionStatus.ACTIVE);
            Instant t = h.clock().instant();
            Subscription v1 = aSubscription()
                    .withId("sub_batch")
                    .withStatus(SubscriptionStatus.INCOMPLETE)
                    .snapshotAt(t)
                    .build();
            Subscription v2 = aSubscription()
                    .withId("sub_batch")
                    .withStatus(SubscriptionStatus.ACTIVE)
                    .snapshotAt(t.plusSeconds(2))
                    .build();
            Subscription v3 = aSubscription()
                    .withId("sub_batch")
                    .withStatus(SubscriptionStatus.PAST_DUE)
                    .snapshotAt(t.plusSeconds(3))
                    .build();
            Subscription tieFirst = aSubscription()
                    .withId(truth.id())
                    .withCustomer(customer.value())
                    .withStatus(SubscriptionStatus.ACTIVE)
                    .snapshotAt(t.plusSeconds(5))
                    .build();
            Subscription tieSecond = aSubscription()
                    .withId(truth.id())
                    .withCustomer(customer.value())
                    .withStatus(SubscriptionStatus.PAST_DUE)
                    .snapshotAt(t.plusSeconds(5))
                    .build();
            h.gateway().failNext(Operation.GET_SUBSCRIPTION, 1, Failure.NOT_DONE); // the tie-break re-fetch fails
            StripeEvent linkUser2 = anEvent()
                    .withType("customer.created")
                    .createdAt(t)
                    .forObject("customer", "cus_batch_2")
                    .build();
            List<StripeEvent> events = List.of(
                    subscriptionEvent("customer.subscription.updated", v2, t.plusSeconds(2)),
                    linkUser2,
                    subscriptionEvent("customer.subscription.created", v1, t),
                    subscriptionEvent("customer.subscription.updated", tieFirst, t.plusSeconds(5)),
                    subscriptionEvent("customer.subscription.updated", v3, t.plusSeconds(3)),
                    subscriptionEvent("customer.subscription.updated", tieSecond, t.plusSeconds(5)));
            List<EventObject> objects = List.of(
                    of(v2),
                    new EventObject.OfCustomer(
                            CustomerId.of("cus_batch_2"), UserId.of("user_2"), "u2@example.com", false),
                    of(v1),
                    of(tieFirst),
                    of(v3),
                    of(tieSecond));

            for (int i = 0; i < events.size(); i++) {
                WebhookReceipt receipt = deliverLater(events.get(i), objects.get(i));
                assertThat(receipt.duplicate()).isFalse();
                assertThat(receipt.inlineStatus())
                        .as("answered before processing")
                        .isNull();
                InboxEntry durable = h.stores().inbox().find(events.get(i).id()).orElseThrow();
                assertThat(durable.status()).isEqualTo(InboxStatus.PENDING);
                assertThat(durable.leaseOwner()).as("leased to this process").isNotNull();
            }
            assertThat(h.stores().subscriptions().findSubscription("sub_batch")).isEmpty();
            gate.countDown();
            awaitNoneLeased(events);

            assertThat(h.stores().subscriptions().findSubscription("sub_batch"))
                    .contains(v3.withPastDueSince(t.plusSeconds(3)));
            assertThat(h.stores().customers().findByUserId(UserId.of("user_2")))
                    .map(l -> l.customerId().value())
                    .contains("cus_batch_2");
            assertThat(h.stores().subscriptions().findSubscription(truth.id()))
                    .map(Subscription::status)
                    .contains(SubscriptionStatus.ACTIVE);
            for (int i = 0; i < events.size(); i++) {
                InboxEntry entry = h.stores().inbox().find(events.get(i).id()).orElseThrow();
                if (i == 5) {
                    assertThat(entry.status()).isEqualTo(InboxStatus.PENDING);
                    assertThat(entry.lastError()).startsWith("stripe_unavailable");
                } else {
                    assertThat(entry.status()).as(events.get(i).type()).isEqualTo(InboxStatus.PROCESSED);
                    assertThat(entry.attempts()).isEqualTo(1);
                }
            }
            h.clock().advance(Duration.ofSeconds(10));
            assertThat(h.billing().processDueEvents(10))
                    .as("the failed event is retried")
                    .isEqualTo(1);
            assertThat(h.stores().subscriptions().findSubscription(truth.id()))
                    .map(Subscription::status)
                    .as("the tie is broken by Stripe's state")
                    .contains(SubscriptionStatus.ACTIVE);
        }

        /**
         * Delivers {@code snapshot}'s update and another subscription's creation, of the same second, in one batch;
         * returns once both are processed, the other stored as it came.
         */
        private void inABatchWithAnother(Subscription snapshot, EventObject object) throws InterruptedException {
            Instant second = snapshot.version().at();
            Subscription other = aSubscription()
                    .withId("sub_other")
                    .withStatus(SubscriptionStatus.ACTIVE)
                    .snapshotAt(second)
                    .build();
            List<StripeEvent> events = List.of(
                    subscriptionEvent("customer.subscription.updated", snapshot, second),
                    subscriptionEvent("customer.subscription.created", other, second));
            deliverLater(events.get(0), object);
            deliverLater(events.get(1), of(other));
            gate.countDown();
            awaitNoneLeased(events);
            assertThat(h.stores().subscriptions().findSubscription("sub_other")).contains(other);
        }

        @Test
        void aBatchedSnapshotOfAChangeMadeAfterAReadEndsInStripesState() throws InterruptedException {
            CustomerId customer =
                    h.billing().ensureCustomer(h.identity("user_1")).customerId();
            Subscription truth = h.gateway().subscribe(customer, "price_pro_monthly", SubscriptionStatus.ACTIVE);
            Instant t = h.clock().instant();
            h.billing().useCases().reconcile().user(UserId.of("user_1")); // a read, stamped in this second
            // Seats added at Stripe later in that second (an update without a notice, so batched).
            h.gateway().changeSubscriptionQuantity(truth.id(), 3, ProrationBehavior.NONE, "seats");
            Subscription threeSeats = aSubscription()
                    .withId(truth.id())
                    .withCustomer(customer.value())
                    .withStatus(SubscriptionStatus.ACTIVE)
                    .withQuantity(3)
                    .snapshotAt(t)
                    .build();

            inABatchWithAnother(threeSeats, of(threeSeats));

            assertThat(h.stores().subscriptions().findSubscription(truth.id()))
                    .map(Subscription::quantity)
                    .as("only Stripe knows whether the read or the event came first")
                    .contains(3L);
            assertThat(h.gateway().calls(Operation.GET_SUBSCRIPTION)).hasSize(1);
        }

        @Test
        void aBatchedSnapshotWhoseCouponsAreUnknownIsReadFromStripe() throws InterruptedException {
            CustomerId customer =
                    h.billing().ensureCustomer(h.identity("user_1")).customerId();
            Subscription truth = h.gateway().subscribe(customer, "price_pro_monthly", SubscriptionStatus.ACTIVE);
            Instant t = h.clock().instant();
            Subscription idsOnly = aSubscription()
                    .withId(truth.id())
                    .withCustomer(customer.value())
                    .withStatus(SubscriptionStatus.ACTIVE)
                    .withQuantity(7)
                    .snapshotAt(t)
                    .build();

            inABatchWithAnother(
                    idsOnly, new EventObject.OfSubscription(idsOnly, EventObject.SubscriptionChange.NONE, true));

            assertThat(h.stores().subscriptions().findSubscription(truth.id()))
                    .map(Subscription::quantity)
                    .as("Stripe's subscription, not the snapshot")
                    .contains(truth.quantity());
            assertThat(h.gateway().calls(Operation.GET_SUBSCRIPTION)).hasSize(1);
        }

        @Test
        void withRefetchABatchReadsEachSubscriptionOnceAndStoresStripesState() throws InterruptedException {
            CustomerId customer = refetching
                    .billing()
                    .ensureCustomer(refetching.identity("user_1"))
                    .customerId();
            Subscription first =
                    refetching.gateway().subscribe(customer, "price_pro_monthly", SubscriptionStatus.ACTIVE);
            Subscription second =
                    refetching.gateway().subscribe(customer, "price_basic_monthly", SubscriptionStatus.ACTIVE);
            refetching.gateway().setStatus(first.id(), SubscriptionStatus.PAST_DUE); // Stripe moved on since
            Instant t = refetching.clock().instant();
            Subscription staleFirst = aSubscription()
                    .withId(first.id())
                    .withCustomer(customer.value())
                    .withStatus(SubscriptionStatus.INCOMPLETE)
                    .snapshotAt(t)
                    .build();
            Subscription staleSecond = aSubscription()
                    .withId(second.id())
                    .withCustomer(customer.value())
                    .withStatus(SubscriptionStatus.INCOMPLETE)
                    .snapshotAt(t)
                    .build();
            Subscription gone = aSubscription()
                    .withId("sub_not_at_stripe")
                    .withCustomer(customer.value())
                    .withStatus(SubscriptionStatus.ACTIVE)
                    .snapshotAt(t)
                    .build();
            List<StripeEvent> events = List.of(
                    subscriptionEvent("customer.subscription.created", staleFirst, t),
                    subscriptionEvent("customer.subscription.created", staleSecond, t),
                    subscriptionEvent("customer.subscription.updated", staleFirst, t.plusSeconds(1)),
                    subscriptionEvent("customer.subscription.updated", gone, t));
            List<Subscription> carried = List.of(staleFirst, staleSecond, staleFirst, gone);
            int readsBefore =
                    refetching.gateway().calls(Operation.GET_SUBSCRIPTION).size();
            for (int i = 0; i < events.size(); i++) {
                assertThat(deliverLater(refetching, events.get(i), of(carried.get(i)))
                                .inlineStatus())
                        .isNull();
            }
            gate.countDown();
            awaitNoneLeased(refetching, events);

            assertThat(refetching.gateway().calls(Operation.GET_SUBSCRIPTION).size() - readsBefore)
                    .as("one read per subscription of the batch")
                    .isEqualTo(3);
            assertThat(refetching.stores().subscriptions().findSubscription(first.id()))
                    .map(Subscription::status)
                    .contains(SubscriptionStatus.PAST_DUE);
            assertThat(refetching.stores().subscriptions().findSubscription(second.id()))
                    .map(Subscription::priceId)
                    .contains("price_basic_monthly");
            assertThat(refetching.stores().subscriptions().findSubscription("sub_not_at_stripe"))
                    .contains(gone);
            for (StripeEvent event : events) {
                InboxEntry entry = refetching.stores().inbox().find(event.id()).orElseThrow();
                assertThat(entry.status()).isEqualTo(InboxStatus.PROCESSED);
                assertThat(entry.attempts()).isEqualTo(1);
            }
        }

        @Test
        void withRefetchAFailedReadFailsItsSubscriptionsEventsUntilTheRetry() throws InterruptedException {
            CustomerId customer = refetching
                    .billing()
                    .ensureCustomer(refetching.identity("user_1"))
                    .customerId();
            Subscription truth =
                    refetching.gateway().subscribe(customer, "price_pro_monthly", SubscriptionStatus.ACTIVE);
            Instant t = refetching.clock().instant();
            Subscription stale = aSubscription()
                    .withId(truth.id())
                    .withCustomer(customer.value())
                    .withStatus(SubscriptionStatus.INCOMPLETE)
                    .snapshotAt(t)
                    .build();
            List<StripeEvent> events = List.of(
                    subscriptionEvent("customer.subscription.created", stale, t),
                    subscriptionEvent("customer.subscription.updated", stale, t.plusSeconds(1)));
            refetching.gateway().failNext(Operation.GET_SUBSCRIPTION, 1, Failure.NOT_DONE);
            for (StripeEvent event : events) {
                deliverLater(refetching, event, of(stale));
            }
            gate.countDown();
            awaitNoneLeased(refetching, events);

            assertThat(refetching.stores().subscriptions().findSubscription(truth.id()))
                    .isEmpty();
            for (StripeEvent event : events) {
                InboxEntry entry = refetching.stores().inbox().find(event.id()).orElseThrow();
                assertThat(entry.status()).isEqualTo(InboxStatus.PENDING);
                assertThat(entry.lastError()).startsWith("stripe_unavailable");
            }
            refetching.clock().advance(Duration.ofSeconds(10));
            assertThat(refetching.billing().processDueEvents(10)).isEqualTo(2);
            assertThat(refetching.stores().subscriptions().findSubscription(truth.id()))
                    .map(Subscription::status)
                    .contains(SubscriptionStatus.ACTIVE);
            assertThat(events)
                    .allSatisfy(e -> assertThat(refetching.stores().inbox().find(e.id()))
                            .map(InboxEntry::status)
                            .contains(InboxStatus.PROCESSED));
        }

        @Test
        void aRedeliveryIsADuplicateAndAShutDownExecutorMeansInline() {
            Subscription sub = aSubscription()
                    .withId("sub_inline")
                    .withStatus(SubscriptionStatus.ACTIVE)
                    .snapshotAt(h.clock().instant())
                    .build();
            StripeEvent event = subscriptionEvent(
                    "customer.subscription.created", sub, h.clock().instant());
            pool.shutdown();
            WebhookReceipt receipt = deliverLater(event, of(sub));
            assertThat(receipt.inlineStatus()).isNull();
            assertThat(h.stores().inbox().find(event.id()))
                    .map(InboxEntry::status)
                    .contains(InboxStatus.PROCESSED);
            assertThat(h.stores().subscriptions().findSubscription("sub_inline"))
                    .contains(sub);
            WebhookReceipt again = deliverLater(event, of(sub));
            assertThat(again.duplicate()).isTrue();
        }

        @Test
        void aRedeliveryOfAnEventItsBatchCompletedIsAnsweredWithoutTheStore() throws InterruptedException {
            Instant t = h.clock().instant();
            Subscription sub = aSubscription()
                    .withId("sub_drained")
                    .withStatus(SubscriptionStatus.ACTIVE)
                    .snapshotAt(t)
                    .build();
            StripeEvent first = subscriptionEvent("customer.subscription.created", sub, t);
            StripeEvent second = subscriptionEvent("customer.subscription.updated", sub, t.plusSeconds(1));
            deliverLater(first, of(sub));
            deliverLater(second, of(sub));
            gate.countDown();
            pool.shutdown(); // the drainer's task ends once its batch is completed and remembered
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            assertThat(List.of(first, second))
                    .allSatisfy(e -> assertThat(h.stores().inbox().find(e.id()))
                            .map(InboxEntry::status)
                            .contains(InboxStatus.PROCESSED));

            h.stores().storeSwitch().down();
            WebhookReceipt again = deliverLater(second, of(sub));

            assertThat(again.duplicate()).isTrue();
            assertThat(again.inlineStatus()).isNull();
        }
    }

    @Nested
    class OrderingWithRefetch {
        private final BillingHarness h = BillingHarness.create();

        @Test
        void anyOrderEndsInStripesState() {
            CustomerId customer =
                    h.billing().ensureCustomer(h.identity("user_1")).customerId();
            Subscription truth = h.gateway().subscribe(customer, "price_pro_monthly", SubscriptionStatus.ACTIVE);
            Instant t = h.clock().instant();
            Subscription staleSnapshot = aSubscription()
                    .withId(truth.id())
                    .withCustomer(customer.value())
                    .withStatus(SubscriptionStatus.INCOMPLETE)
                    .snapshotAt(t)
                    .build();
            h.clock().advance(Duration.ofSeconds(1));
            h.deliver(subscriptionEvent("customer.subscription.updated", truth, t.plusSeconds(1)), of(truth));
            h.clock().advance(Duration.ofSeconds(1));
            h.deliver(subscriptionEvent("customer.subscription.created", staleSnapshot, t), of(staleSnapshot));
            assertThat(h.stores().subscriptions().findSubscription(truth.id()))
                    .map(Subscription::status)
                    .contains(SubscriptionStatus.ACTIVE);
        }
    }

    @Nested
    class Failures {
        private final BillingHarness h = BillingHarness.create();

        private Subscription subscribed() {
            CustomerId customer =
                    h.billing().ensureCustomer(h.identity("user_1")).customerId();
            return h.gateway().subscribe(customer, "price_pro_monthly", SubscriptionStatus.ACTIVE);
        }

        @Test
        void anEventWhoseObjectCanNeverBeDecodedIsParkedAtOnceWithItsReason() {
            StripeEvent event = anEvent()
                    .withType("invoice.paid")
                    .createdAt(h.clock().instant())
                    .forObject("invoice", "in_deleted")
                    .build();
            FakeWebhookVerifier.Delivery delivery =
                    h.verifier().signUndecodable(event, "Not a Stripe invoice: customer is missing.");

            WebhookReceipt receipt = h.billing().receiveWebhook(delivery.body(), delivery.signature());

            assertThat(receipt.inlineStatus()).isEqualTo(InboxStatus.FAILED);
            InboxEntry parked = h.stores().inbox().find(event.id()).orElseThrow();
            assertThat(parked.status()).isEqualTo(InboxStatus.FAILED);
            assertThat(parked.attempts()).isEqualTo(1);
            assertThat(parked.lastError()).contains("customer is missing");
            assertThat(parked.nextAttemptAt()).isNull();
            h.clock().advance(Duration.ofHours(2));
            assertThat(h.billing().processDueEvents(10))
                    .as("never retried on the schedule")
                    .isZero();
            assertThat(h.billing()
                            .useCases()
                            .listInboxEvents()
                            .list(InboxStatus.FAILED, null, 10)
                            .items())
                    .extracting(InboxEntry::eventId)
                    .containsExactly(event.id());
        }

        @Test
        void stripeDownWhileRefetchingLeavesTheEventPendingAndTheRetryCompletesIt() {
            Subscription sub = subscribed();
            h.gateway().failNext(Operation.GET_SUBSCRIPTION, 1, Failure.NOT_DONE);
            StripeEvent event = subscriptionEvent(
                    "customer.subscription.created", sub, h.clock().instant());
            WebhookReceipt receipt = h.deliver(event, of(sub));

            assertThat(receipt.inlineStatus()).isEqualTo(InboxStatus.PENDING);
            InboxEntry pending = h.stores().inbox().find(event.id()).orElseThrow();
            assertThat(pending.attempts()).isEqualTo(1);
            assertThat(pending.lastError()).startsWith("stripe_unavailable");
            assertThat(pending.nextAttemptAt()).isEqualTo(h.clock().instant().plusSeconds(10));
            assertThat(h.stores().subscriptions().findSubscription(sub.id())).isEmpty();

            assertThat(h.billing().processDueEvents(10)).as("not due yet").isZero();
            h.clock().advance(Duration.ofSeconds(10));
            assertThat(h.billing().processDueEvents(10)).isEqualTo(1);
            assertThat(h.stores().inbox().find(event.id()))
                    .map(InboxEntry::status)
                    .contains(InboxStatus.PROCESSED);
            assertThat(h.stores().subscriptions().findSubscription(sub.id()))
                    .map(Subscription::status)
                    .contains(SubscriptionStatus.ACTIVE);
        }

        @Test
        void aRateLimitWhileRefetchingIsNeverMarkedDone() {
            Subscription sub = subscribed();
            h.gateway().failNext(Operation.GET_SUBSCRIPTION, 1, Failure.RATE_LIMITED);
            StripeEvent event = subscriptionEvent(
                    "customer.subscription.updated", sub, h.clock().instant());
            assertThat(h.deliver(event, of(sub)).inlineStatus()).isEqualTo(InboxStatus.PENDING);
        }

        @Test
        void aCrashAfterTheEffectsBeforeCompletionIsRepairedOnceTheLeaseEnds() {
            Subscription sub = subscribed();
            Subscription trialing = aSubscription()
                    .withId(sub.id())
                    .withCustomer(sub.customerId().value())
                    .withStatus(SubscriptionStatus.TRIALING)
                    .withTrial(h.clock().instant(), h.clock().instant().plus(Duration.ofDays(3)))
                    .build();
            StripeEvent event = subscriptionEvent(
                    "customer.subscription.trial_will_end", trialing, h.clock().instant());
            // Store calls: the record (already leased to the route), the customer's link (an erased account's
            // subscription is written under its pseudonym), upsert, the notice's user lookup, the lease renewed before
            // the send, mark notified (no cached user needs the entitlement cache's lookup), the link read again
            // (redacting an erased account's event; a trial's reminder cannot add a live subscription, so no duplicate
            // check reads); then the completion and the failure both "crash", leaving the lease to run out.
            h.stores().storeSwitch().failAfter(7, 2);
            h.deliver(event, of(trialing));
            InboxEntry stuck = h.stores().inbox().find(event.id()).orElseThrow();
            assertThat(stuck.status()).isEqualTo(InboxStatus.PENDING);
            assertThat(stuck.leaseOwner()).isNotNull();
            assertThat(h.notifier().sent()).hasSize(1);

            h.clock().advance(Duration.ofSeconds(30));
            assertThat(h.billing().processDueEvents(10)).as("still leased").isZero();
            h.clock().advance(Duration.ofSeconds(31));
            assertThat(h.billing().processDueEvents(10)).isEqualTo(1);
            assertThat(h.stores().inbox().find(event.id()))
                    .map(InboxEntry::status)
                    .contains(InboxStatus.PROCESSED);
            assertThat(h.notifier().sent()).as("notified once").hasSize(1);
            assertThat(h.stores().subscriptions().findSubscription(sub.id())).isPresent();
        }

        @Test
        void aNotifierFailureRetriesTheEventAndTheNoticeGoesOutOnce() {
            Subscription sub = subscribed();
            h.notifier().failNext(1);
            StripeEvent event = subscriptionEvent(
                    "customer.subscription.trial_will_end", sub, h.clock().instant());
            assertThat(h.deliver(event, of(sub)).inlineStatus()).isEqualTo(InboxStatus.PENDING);
            h.clock().advance(Duration.ofSeconds(10));
            h.billing().processDueEvents(10);
            h.clock().advance(Duration.ofMinutes(10));
            h.billing().processDueEvents(10);
            assertThat(h.notifier().sent()).singleElement().isInstanceOf(Notification.TrialEnding.class);
        }

        @Test
        void stripesRateLimitNeverParksAnEventItIsTriedAgainOnceRetryAfterHasPassed() {
            Subscription sub = subscribed();
            // More 429s than the 5 attempts after which a failing event is parked.
            h.gateway().failNext(Operation.GET_SUBSCRIPTION, 8, Failure.RATE_LIMITED);
            StripeEvent event = subscriptionEvent(
                    "customer.subscription.updated", sub, h.clock().instant());
            assertThat(h.deliver(event, of(sub)).inlineStatus()).isEqualTo(InboxStatus.PENDING);
            for (int i = 0; i < 10; i++) {
                h.clock().advance(Duration.ofSeconds(2));
                h.billing().processDueEvents(10);
                assertThat(h.stores().inbox().find(event.id()).orElseThrow().status())
                        .as("never parked for a rate limit")
                        .isNotEqualTo(InboxStatus.FAILED);
            }
            InboxEntry done = h.stores().inbox().find(event.id()).orElseThrow();
            assertThat(done.status()).isEqualTo(InboxStatus.PROCESSED);
            assertThat(done.attempts()).isEqualTo(9);
        }

        @Test
        void theWorkerClaimsNothingUntilStripesRetryAfterHasPassed() {
            Subscription sub = subscribed();
            h.gateway().failNext(Operation.GET_SUBSCRIPTION, 1, Failure.NOT_DONE);
            h.gateway().failNext(Operation.GET_SUBSCRIPTION, 1, Failure.RATE_LIMITED_FOR_30_SECONDS);
            StripeEvent failed = subscriptionEvent(
                    "customer.subscription.updated", sub, h.clock().instant());
            StripeEvent limited = anEvent()
                    .withType("customer.subscription.updated")
                    .createdAt(h.clock().instant())
                    .forObject("subscription", sub.id())
                    .build();
            assertThat(h.deliver(failed, of(sub)).inlineStatus()).isEqualTo(InboxStatus.PENDING); // due in 10 s
            assertThat(h.deliver(limited, of(sub)).inlineStatus()).isEqualTo(InboxStatus.PENDING); // due in 30 s

            h.clock().advance(Duration.ofSeconds(15));
            assertThat(h.billing().processDueEvents(10))
                    .as("the first event is due, but Stripe asked to wait 30 s")
                    .isZero();
            assertThat(h.stores().inbox().find(failed.id()).orElseThrow().attempts())
                    .isEqualTo(1);

            h.clock().advance(Duration.ofSeconds(16));
            assertThat(h.billing().processDueEvents(10)).isEqualTo(2);
            assertThat(List.of(failed.id(), limited.id()))
                    .allSatisfy(id -> assertThat(h.stores().inbox().find(id))
                            .map(InboxEntry::status)
                            .contains(InboxStatus.PROCESSED));
        }

        /** An update of {@code sub} whose every read of Stripe fails, until the worker parks it (five attempts). */
        private StripeEvent parkedAfterFiveFailedReads(Subscription sub) {
            h.gateway().failNext(Operation.GET_SUBSCRIPTION, 5, Failure.NOT_DONE);
            StripeEvent event = subscriptionEvent(
                    "customer.subscription.updated", sub, h.clock().instant());
            h.deliver(event, of(sub));
            for (int i = 0; i < 6; i++) {
                h.clock().advance(Duration.ofMinutes(10));
                h.billing().processDueEvents(10);
            }
            return event;
        }

        @Test
        void theLastFailedAttemptParksTheEventAndAReplayCompletesIt() {
            Subscription sub = subscribed();
            StripeEvent event = parkedAfterFiveFailedReads(sub);
            InboxEntry parked = h.stores().inbox().find(event.id()).orElseThrow();
            assertThat(parked.status()).isEqualTo(InboxStatus.FAILED);
            assertThat(parked.attempts()).isEqualTo(5);

            InboxEntry replayed = h.billing().useCases().replayEvent().replay(event.id());
            assertThat(replayed.status()).isEqualTo(InboxStatus.PROCESSED);
            assertThat(h.stores().subscriptions().findSubscription(sub.id())).isPresent();
        }

        @Test
        void aReplayProcessesTheEventItselfThoughAWorkerPollsBetweenTwoCalls() {
            Subscription sub = subscribed();
            StripeEvent event = parkedAfterFiveFailedReads(sub);
            assertThat(h.stores().inbox().find(event.id()).orElseThrow().status())
                    .isEqualTo(InboxStatus.FAILED);
            // Another instance's worker polls for due events between any two of the inbox's calls: right after an
            // entry is made due again, it takes it (and is slow to finish). One atomic call leaves it nothing.
            EventInbox memory = h.stores().stores().inbox();
            EventInbox polled = (EventInbox) Proxy.newProxyInstance(
                    EventInbox.class.getClassLoader(), new Class<?>[] {EventInbox.class}, (proxy, method, args) -> {
                        Object result;
                        try {
                            result = method.invoke(memory, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                        if (method.getName().equals("requeue") && Boolean.TRUE.equals(result)) {
                            memory.claimDue(10, "another-instance", (Instant) args[1], Duration.ofMinutes(5));
                        }
                        return result;
                    });
            BillingStores stores = h.stores().stores();
            BillingStores withPolling = new BillingStores(
                    stores.customers(),
                    stores.subscriptions(),
                    polled,
                    stores.usage(),
                    stores.changes(),
                    stores.lifecycle(),
                    stores.memberships(),
                    stores.guests(),
                    stores.audit(),
                    stores.analytics(),
                    stores.notices(),
                    stores.serviceKeys());
            Billing admin = Billing.builder()
                    .gateway(h.gateway())
                    .webhookVerifier(h.verifier())
                    .stores(withPolling)
                    .plans(h.plans())
                    .clock(h.clock())
                    .options(BillingOptions.builder()
                            .allowedOrigins(List.of(BillingHarness.ORIGIN))
                            .build())
                    .sleeper(d -> {})
                    .build();

            InboxEntry replayed = admin.useCases().replayEvent().replay(event.id());

            assertThat(replayed.status()).isEqualTo(InboxStatus.PROCESSED);
            assertThat(replayed.attempts()).isEqualTo(1);
            assertThat(h.stores().subscriptions().findSubscription(sub.id())).isPresent();
        }
    }

    @Nested
    class Routing {
        private final BillingHarness h = BillingHarness.create();

        @Test
        void anEventCreatedAfterItArrivedShowsTheClockBehindStripes() {
            Instant now = h.clock().instant();
            StripeEvent ahead = anEvent()
                    .withType("radar.early_fraud_warning.created")
                    .createdAt(now.plusSeconds(5))
                    .forObject("radar.early_fraud_warning", "issfr_1")
                    .build();
            StripeEvent behind = anEvent()
                    .withType("radar.early_fraud_warning.created")
                    .createdAt(now.minusSeconds(2))
                    .forObject("radar.early_fraud_warning", "issfr_2")
                    .build();
            StripeEvent aheadAnswered = anEvent()
                    .withType("radar.early_fraud_warning.created")
                    .createdAt(now.plusSeconds(3))
                    .forObject("radar.early_fraud_warning", "issfr_3")
                    .build();

            h.deliver(ahead, new EventObject.Other("radar.early_fraud_warning", "issfr_1"));
            h.deliver(behind, new EventObject.Other("radar.early_fraud_warning", "issfr_2"));
            FakeWebhookVerifier.Delivery answered =
                    h.verifier().sign(aheadAnswered, new EventObject.Other("radar.early_fraud_warning", "issfr_3"));
            h.billing().useCases().receiveWebhook().receive(answered.body(), answered.signature(), Runnable::run);

            assertThat(h.clockLeadsObserved())
                    .as("Stripe made each event before sending it: the clock is behind by at least the lead")
                    .containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(3));
        }

        @Test
        void unknownTypesAreRecordedAsIgnored() {
            StripeEvent event = anEvent()
                    .withType("radar.early_fraud_warning.created")
                    .forObject("radar.early_fraud_warning", "issfr_1")
                    .build();
            assertThat(h.deliver(event, new EventObject.Other("radar.early_fraud_warning", "issfr_1"))
                            .inlineStatus())
                    .isEqualTo(InboxStatus.IGNORED);
        }

        @Test
        void eventsOfTheOtherModeAreIgnored() {
            Subscription sub = aSubscription().build();
            StripeEvent live =
                    anEvent().live().withType("customer.subscription.updated").build();
            assertThat(h.deliver(live, of(sub)).inlineStatus()).isEqualTo(InboxStatus.IGNORED);
            assertThat(h.stores().subscriptions().findSubscription(sub.id())).isEmpty();
        }

        @Test
        void aForgedDeliveryIsRejectedAndStoresNothing() {
            StripeEvent event = anEvent().build();
            h.verifier().sign(event, of(aSubscription().build()));
            byte[] tampered = event.payload().replace("sub_default", "sub_evil").getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> h.billing().receiveWebhook(tampered, "fake-v1=abc"))
                    .isInstanceOf(WebhookRejectedException.class);
            assertThatThrownBy(() -> h.billing().receiveWebhook(tampered, null))
                    .isInstanceOfSatisfying(
                            WebhookRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(WebhookRejectedException.Reason.MISSING_SIGNATURE));
            assertThat(h.stores().inbox().countByStatus().values()).containsOnly(0L);
        }

        @Test
        void aCatalogEventRefreshesTheCachedCatalog() {
            PriceQuery query = PriceQuery.activeOnly();
            assertThat(h.billing().useCases().listCatalog().prices(query).items())
                    .extracting(Price::id)
                    .doesNotContain("price_new");
            h.gateway().addOneTimePrice("price_new", "prod_credits", 500);
            assertThat(h.billing().useCases().listCatalog().prices(query).items())
                    .extracting(Price::id)
                    .as("still cached")
                    .doesNotContain("price_new");
            StripeEvent created = anEvent()
                    .withType("price.created")
                    .forObject("price", "price_new")
                    .build();
            assertThat(h.deliver(created, new EventObject.OfCatalog("price", "price_new"))
                            .inlineStatus())
                    .isEqualTo(InboxStatus.PROCESSED);
            assertThat(h.billing().useCases().listCatalog().prices(query).items())
                    .extracting(Price::id)
                    .contains("price_new");
        }

        @Test
        void aCustomerCarryingAUserIdIsLinkedWhenTheUserHasNone() {
            StripeEvent event = anEvent()
                    .withType("customer.created")
                    .forObject("customer", "cus_dash")
                    .build();
            h.deliver(
                    event,
                    new EventObject.OfCustomer(
                            CustomerId.of("cus_dash"),
                            dev.billing.core.model.UserId.of("user_dash"),
                            "d@example.com",
                            false));
            assertThat(h.stores().customers().findByUserId(dev.billing.core.model.UserId.of("user_dash")))
                    .map(l -> l.customerId().value())
                    .contains("cus_dash");
        }
    }

    @Nested
    class WorkerBatches {
        private final BillingHarness h = BillingHarness.create();

        @Test
        void aBatchIsProcessedConcurrentlyWithCustomerEventsFirst() throws Exception {
            // Recorded but not processed (as when the route had no inline permit left).
            java.time.Instant now = h.clock().instant();
            StripeEvent linked = anEvent()
                    .withType("customer.created")
                    .createdAt(now)
                    .forObject("customer", "cus_batch")
                    .build();
            h.verifier()
                    .sign(
                            linked,
                            new EventObject.OfCustomer(
                                    CustomerId.of("cus_batch"),
                                    dev.billing.core.model.UserId.of("user_batch"),
                                    "b@example.com",
                                    false));
            dev.billing.core.model.payment.Invoice invoice = dev.billing.testkit.Builders.anInvoice()
                    .withId("in_batch")
                    .withCustomer("cus_batch")
                    .withCreated(now)
                    .build();
            StripeEvent paid = anEvent()
                    .withType("invoice.paid")
                    .createdAt(now.minusSeconds(1))
                    .forObject("invoice", "in_batch")
                    .build();
            h.verifier().sign(paid, new EventObject.OfInvoice(invoice));
            h.stores().inbox().record(paid, now);
            h.stores().inbox().record(linked, now);
            List<Subscription> subs = new java.util.ArrayList<>();
            for (int i = 0; i < 30; i++) {
                Subscription sub = aSubscription()
                        .withId("sub_batch_" + i)
                        .withCustomer("cus_batch_" + i)
                        .build();
                subs.add(sub);
                StripeEvent event = subscriptionEvent("customer.subscription.updated", sub, now);
                h.verifier().sign(event, of(sub));
                h.stores().inbox().record(event, now);
            }
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                assertThat(h.billing().useCases().processInboxEvent().processDue(50, pool))
                        .isEqualTo(32);
            } finally {
                pool.shutdown();
            }
            assertThat(h.stores().inbox().countByStatus().get(InboxStatus.PROCESSED))
                    .isEqualTo(32);
            for (Subscription sub : subs) {
                assertThat(h.stores().subscriptions().findSubscription(sub.id()))
                        .isPresent();
            }
            // The receipt of the invoice (older than the customer event) still found its user: customers go first.
            assertThat(h.notifier().sent())
                    .singleElement()
                    .isInstanceOfSatisfying(
                            Notification.Receipt.class,
                            r -> assertThat(r.userId().value()).isEqualTo("user_batch"));
            assertThat(h.billing().useCases().processInboxEvent().processDue(50, Runnable::run))
                    .isZero();
        }
    }
}
