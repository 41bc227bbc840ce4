package dev.billing.testkit.usecase;

import static dev.billing.testkit.Builders.anEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.Billing;
import dev.billing.core.config.BackgroundOptions;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.notice.Notification;
import dev.billing.core.model.subscription.CheckoutMode;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.port.Notifier;
import dev.billing.core.port.WorkObserver;
import dev.billing.core.webhook.WebhookReceipt;
import dev.billing.testkit.Await;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.Builders;
import dev.billing.testkit.MutableClock;
import dev.billing.testkit.SamplePlans;
import dev.billing.testkit.fake.FakePaymentGateway;
import dev.billing.testkit.fake.FakeWebhookVerifier;
import dev.billing.testkit.fake.InMemoryBillingStores;
import dev.billing.testkit.fake.RecordingNotifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The core runs its own background work between {@link Billing#start()} and {@link Billing#close()}. */
class BackgroundWorkTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final MutableClock clock = MutableClock.at(Builders.T0);
    private final FakePaymentGateway gateway = FakePaymentGateway.withSampleCatalog(clock);
    private final InMemoryBillingStores stores = InMemoryBillingStores.create();
    private final FakeWebhookVerifier verifier = new FakeWebhookVerifier();
    private final RecordingNotifier notifier = new RecordingNotifier();
    private final List<Billing> built = new ArrayList<>();

    @AfterEach
    void closeAll() {
        built.forEach(Billing::close);
    }

    private Billing billing(
            Notifier notices, UnaryOperator<BillingOptions.Builder> options, UnaryOperator<Billing.Builder> more) {
        BillingOptions configured = options.apply(
                        BillingOptions.builder().allowedOrigins(List.of(BillingHarness.ORIGIN)))
                .build();
        Billing billing = more.apply(Billing.builder()
                        .gateway(gateway)
                        .webhookVerifier(verifier)
                        .stores(stores.stores())
                        .plans(SamplePlans.catalog())
                        .notifier(notices)
                        .options(configured)
                        .clock(clock)
                        .sleeper(d -> {})
                        .background(BackgroundOptions.defaults()
                                .withInboxEvery(Duration.ofMillis(20))
                                .withMeterReportsEvery(Duration.ofMillis(20))
                                .withCloseTimeout(WAIT)))
                .build();
        built.add(billing);
        return billing;
    }

    private Billing billing() {
        return billing(notifier, UnaryOperator.identity(), UnaryOperator.identity());
    }

    /** On the host's scheduler, watched by {@code observer}. */
    private Billing billingOn(ScheduledExecutorService host, WorkObserver observer) {
        return billing(
                notifier, UnaryOperator.identity(), b -> b.scheduler(host).observer(observer));
    }

    /** A paid one-time purchase: processing it records the purchase and sends a receipt. */
    private StripeEvent purchase(Billing billing, String user, String session) {
        CustomerId customer =
                billing.ensureCustomer(BillingHarness.create().identity(user)).customerId();
        CheckoutSession paid = new CheckoutSession(
                session,
                null,
                CheckoutMode.PAYMENT,
                customer,
                null,
                "pi_" + session,
                "complete",
                "paid",
                user,
                1000L,
                "usd",
                Map.of("user_id", user, "price_id", "price_credits_100", "quantity", "1"));
        StripeEvent event = anEvent()
                .withType("checkout.session.completed")
                .createdAt(clock.instant())
                .forObject("checkout.session", session)
                .build();
        verifier.sign(event, new EventObject.OfCheckoutSession(paid));
        return event;
    }

    private WebhookReceipt deliver(Billing billing, StripeEvent event) {
        FakeWebhookVerifier.Delivery delivery = verifier.sign(event, verifier.decode(event));
        return billing.receiveWebhook(delivery.body(), delivery.signature());
    }

    private InboxStatus status(StripeEvent event) {
        return stores.inbox().find(event.id()).map(InboxEntry::status).orElse(null);
    }

    @Test
    void anEventNoRequestProcessedIsProcessedOnceStarted() {
        Billing billing = billing(notifier, o -> o.inlinePermits(0), UnaryOperator.identity());
        StripeEvent event = purchase(billing, "user_1", "cs_1");

        WebhookReceipt receipt = deliver(billing, event);

        assertThat(receipt.inlineStatus()).isNull();
        assertThat(status(event)).isEqualTo(InboxStatus.PENDING);
        billing.start();
        Await.until("the pending event is processed", () -> status(event) == InboxStatus.PROCESSED);
        assertThat(notifier.sent()).singleElement().isInstanceOf(Notification.Receipt.class);
    }

    @Test
    void aWebhookReceivedWhileStartedIsProcessedAfterItsAnswer() {
        Billing billing = billing().start();
        StripeEvent event = purchase(billing, "user_1", "cs_1");

        WebhookReceipt receipt = deliver(billing, event);

        assertThat(receipt.duplicate()).isFalse();
        assertThat(receipt.inlineStatus()).as("not processed inside the call").isNull();
        Await.until("the event is processed", () -> status(event) == InboxStatus.PROCESSED);
        assertThat(stores.subscriptions()
                        .purchasesOf(gateway.customersOf(UserId.of("user_1")).get(0)))
                .hasSize(1);
    }

    @Test
    void beyondTheBackgroundPermitsTheAnswerWaitsForTheBatch() {
        // No permit at all: every delivery overflows, joins the drainer's batches and is answered once processed
        // (not processed alone inline, and not left to the worker's next run).
        Billing billing = billing(notifier, o -> o.backgroundPermits(0).inlinePermits(0), UnaryOperator.identity())
                .start();
        StripeEvent first = purchase(billing, "user_1", "cs_1");
        StripeEvent second = purchase(billing, "user_2", "cs_2");

        WebhookReceipt one = deliver(billing, first);
        WebhookReceipt two = deliver(billing, second);

        assertThat(List.of(one.inlineStatus() == null, two.inlineStatus() == null))
                .as("processed by the drainer, not inline")
                .containsOnly(true);
        assertThat(List.of(status(first), status(second)))
                .as("processed before the answer")
                .containsOnly(InboxStatus.PROCESSED);
        assertThat(notifier.sent()).hasSize(2);
    }

    @Test
    void anObjectDecodedWhileVerifiedIsNotDecodedAgain() {
        verifier.decodingWhileVerifying();
        Billing inline = billing();
        FakeWebhookVerifier.Delivery first = signed(purchase(inline, "user_1", "cs_1"));
        int before = verifier.decodes();
        assertThat(inline.receiveWebhook(first.body(), first.signature()).inlineStatus())
                .isEqualTo(InboxStatus.PROCESSED);
        int whileProcessing = verifier.decodes() - before;

        Billing started = billing().start();
        StripeEvent event = purchase(started, "user_2", "cs_2");
        FakeWebhookVerifier.Delivery second = signed(event);
        before = verifier.decodes();
        started.receiveWebhook(second.body(), second.signature());
        Await.until("the event is processed after the answer", () -> status(event) == InboxStatus.PROCESSED);
        whileProcessing += verifier.decodes() - before;

        assertThat(whileProcessing).as("neither path read the payload again").isZero();
        assertThat(notifier.sent()).hasSize(2);
    }

    @Test
    void anEventReadBackFromTheInboxIsDecodedOnceOnEitherWorkerPath() {
        Billing alone = billing(notifier, o -> o.inlinePermits(0), UnaryOperator.identity());
        deliver(alone, subscriptionStarted(alone, "user_1"));
        int before = verifier.decodes();
        assertThat(alone.processDueEvents(10)).isEqualTo(1);
        assertThat(verifier.decodes() - before)
                .as("the worker's events one by one")
                .isEqualTo(1);

        Billing started = billing(notifier, o -> o.inlinePermits(0), UnaryOperator.identity());
        StripeEvent second = subscriptionStarted(started, "user_2");
        StripeEvent third = subscriptionStarted(started, "user_3");
        deliver(started, second);
        deliver(started, third);
        before = verifier.decodes();
        started.start();
        Await.until(
                "the worker's batch is processed",
                () -> status(second) == InboxStatus.PROCESSED && status(third) == InboxStatus.PROCESSED);
        assertThat(verifier.decodes() - before)
                .as("the worker's batch: sorted, then applied with a notice")
                .isEqualTo(2);
        assertThat(notifier.sent()).hasSize(3);
    }

    /** A new subscription's event: processing it means a notice, so a batch applies it on its own. */
    private StripeEvent subscriptionStarted(Billing billing, String user) {
        CustomerId customer =
                billing.ensureCustomer(BillingHarness.create().identity(user)).customerId();
        Subscription pro = gateway.subscribe(customer, "price_pro_monthly", SubscriptionStatus.ACTIVE);
        StripeEvent created = anEvent()
                .withType("customer.subscription.created")
                .createdAt(clock.instant())
                .forObject("subscription", pro.id())
                .build();
        verifier.sign(created, new EventObject.OfSubscription(pro));
        return created;
    }

    @Test
    void aVerifierThatOnlyVerifiesLeavesDecodingToProcessing() {
        Billing billing = billing();
        FakeWebhookVerifier.Delivery delivery = signed(purchase(billing, "user_1", "cs_1"));
        int before = verifier.decodes();

        assertThat(billing.receiveWebhook(delivery.body(), delivery.signature()).inlineStatus())
                .isEqualTo(InboxStatus.PROCESSED);
        assertThat(verifier.decodes() - before).isPositive();
    }

    /** The delivery of an event {@link #purchase} registered (reading its object back counts as a decode). */
    private FakeWebhookVerifier.Delivery signed(StripeEvent event) {
        return verifier.sign(event, verifier.decode(event));
    }

    /** {@code user} on the Pro plan (metered api_calls), learned of through its webhook. */
    private void subscribeToPro(Billing billing, String user) {
        CustomerId customer =
                billing.ensureCustomer(BillingHarness.create().identity(user)).customerId();
        Subscription pro = gateway.subscribe(customer, "price_pro_monthly", SubscriptionStatus.ACTIVE);
        StripeEvent created = anEvent()
                .withType("customer.subscription.created")
                .createdAt(clock.instant())
                .forObject("subscription", pro.id())
                .build();
        verifier.sign(created, new EventObject.OfSubscription(pro));
        deliver(billing, created);
    }

    @Test
    void meteredUsageReachesStripeOnceStarted() {
        Billing billing = billing();
        subscribeToPro(billing, "user_1");
        billing.recordUsage(UserId.of("user_1"), "api_calls", 7, "metered-1");
        assertThat(stores.usage().pendingReports()).isEqualTo(1);

        billing.start();

        Await.until("the meter report is sent", () -> stores.usage().pendingReports() == 0);
        assertThat(gateway.meterEvents())
                .singleElement()
                .satisfies(m -> assertThat(m.value()).isEqualTo(7));
    }

    @Test
    void aBacklogOfMeterReportsIsSentInOneRunBatchAfterBatch() {
        // The host's scheduler holds the runs; the test starts each once, so what one run sends is what is seen.
        HeldScheduler host = new HeldScheduler();
        List<Integer> sent = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            Billing billing = billingOn(host, new WorkObserver() {
                @Override
                public void meterReportsSent(int accepted) {
                    sent.add(accepted);
                }
            });
            subscribeToPro(billing, "user_1");
            for (int i = 0; i < 250; i++) {
                billing.recordUsage(UserId.of("user_1"), "api_calls", 1, "backlog-" + i);
            }

            billing.start();
            host.runEachOnce();

            // A run stopping after its first batch sends 100, and no other run comes.
            Await.until(
                    "the one run sends the whole backlog",
                    () -> sent.stream().mapToInt(Integer::intValue).sum() == 250);
            assertThat(sent).as("batches of 100, until one is not full").containsExactly(100, 100, 50);
            assertThat(gateway.meterEvents()).hasSize(250);
            assertThat(stores.usage().pendingReports()).isZero();
        } finally {
            host.shutdownNow();
        }
    }

    @Test
    void aMeterDrainWaitingOnStripeHoldsNoSchedulerThread() throws Exception {
        // One scheduler thread: while a drain waits on Stripe, the inbox's runs (every 20 ms) must still come.
        ScheduledThreadPoolExecutor host = new ScheduledThreadPoolExecutor(1);
        AtomicInteger inboxRuns = new AtomicInteger();
        CountDownLatch atStripe = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            Billing billing = billingOn(host, new WorkObserver() {
                @Override
                public void inboxRun(int claimed) {
                    inboxRuns.incrementAndGet();
                }
            });
            subscribeToPro(billing, "user_1");
            gateway.beforeNext(FakePaymentGateway.Operation.REPORT_METER_EVENT, () -> {
                atStripe.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            billing.recordUsage(UserId.of("user_1"), "api_calls", 1, "held-1");
            billing.start();
            assertThat(atStripe.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

            int before = inboxRuns.get();
            Await.until("the inbox runs while the drain waits on Stripe", () -> inboxRuns.get() > before + 2);
            release.countDown();
            Await.until("the report is sent", () -> stores.usage().pendingReports() == 0);
        } finally {
            release.countDown();
            host.shutdownNow();
        }
    }

    /** A host's scheduler that takes the periodic tasks without running them: {@link #runEachOnce} runs them here. */
    private static final class HeldScheduler extends ScheduledThreadPoolExecutor {
        private final List<Runnable> periodic = new ArrayList<>();

        HeldScheduler() {
            super(1);
        }

        @Override
        public java.util.concurrent.ScheduledFuture<?> scheduleWithFixedDelay(
                Runnable command, long initialDelay, long delay, TimeUnit unit) {
            synchronized (periodic) {
                periodic.add(command);
            }
            return super.scheduleWithFixedDelay(command, 1, 1, TimeUnit.DAYS);
        }

        void runEachOnce() {
            List<Runnable> tasks;
            synchronized (periodic) {
                tasks = List.copyOf(periodic);
            }
            tasks.forEach(Runnable::run);
        }
    }

    @Test
    void closeWaitsForTheEventInFlightAndThenStopsTakingWork() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Notifier blocking = notice -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            notifier.send(notice);
        };
        Billing billing = billing(blocking, UnaryOperator.identity(), UnaryOperator.identity())
                .start();
        StripeEvent event = purchase(billing, "user_1", "cs_1");
        deliver(billing, event);
        assertThat(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS))
                .as("processing reached the notice")
                .isTrue();

        CompletableFuture<Void> closing = CompletableFuture.runAsync(billing::close);

        assertThatThrownBy(() -> closing.get(200, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(status(event)).isNotEqualTo(InboxStatus.PROCESSED);
        release.countDown();
        closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(status(event)).isEqualTo(InboxStatus.PROCESSED);
        assertThat(notifier.sent()).hasSize(1);
        assertThat(billing.isRunning()).isFalse();

        StripeEvent later = purchase(billing, "user_2", "cs_2");
        WebhookReceipt afterClose = deliver(billing, later);
        assertThat(afterClose.inlineStatus())
                .as("processed inside the call once closed")
                .isEqualTo(InboxStatus.PROCESSED);
    }

    @Test
    void onTheHostsSchedulerCloseCancelsOnlyItsOwnTasks() {
        ScheduledThreadPoolExecutor host = new ScheduledThreadPoolExecutor(1);
        try {
            Billing billing = billing(notifier, o -> o.inlinePermits(0), b -> b.scheduler(host))
                    .start();
            StripeEvent event = purchase(billing, "user_1", "cs_1");
            deliver(billing, event);
            Await.until("the event is processed on the host's scheduler", () -> status(event) == InboxStatus.PROCESSED);

            billing.close();

            assertThat(host.isShutdown()).isFalse();
            assertThat(host.getQueue())
                    .allSatisfy(task -> assertThat(((java.util.concurrent.Future<?>) task).isCancelled())
                            .isTrue());
        } finally {
            host.shutdownNow();
        }
    }

    @Test
    void aFailedRunIsToldAndTheNextRunTriesAgain() {
        AtomicInteger failures = new AtomicInteger();
        WorkObserver observer = new WorkObserver() {
            @Override
            public void runFailed(String work, RuntimeException failure) {
                failures.incrementAndGet();
            }
        };
        Billing billing = billing(notifier, o -> o.inlinePermits(0), b -> b.observer(observer));
        StripeEvent event = purchase(billing, "user_1", "cs_1");
        deliver(billing, event);
        stores.storeSwitch().down();

        billing.start();
        Await.until("a failed run is told", () -> failures.get() > 0);
        stores.storeSwitch().up();

        Await.until("a later run processes the event", () -> status(event) == InboxStatus.PROCESSED);
    }

    @Test
    void startAndCloseFollowALifecycle() {
        Billing billing = billing();
        assertThat(billing.isRunning()).isFalse();
        assertThat(billing.start()).isSameAs(billing);
        billing.start();
        assertThat(billing.isRunning()).isTrue();

        billing.close();
        billing.close();

        assertThat(billing.isRunning()).isFalse();
        assertThatThrownBy(billing::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        billing().close();
    }
}
