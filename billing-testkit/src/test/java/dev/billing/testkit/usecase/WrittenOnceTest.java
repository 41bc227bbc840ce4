package dev.billing.testkit.usecase;

import static dev.billing.testkit.Builders.anEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.Billing;
import dev.billing.core.config.BackgroundOptions;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.error.StoreUnavailableException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.EventInbox;
import dev.billing.core.port.Notifier;
import dev.billing.core.privacy.ErasePersonalData.Options;
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
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * While started, a customer event that only links a user to a customer is linked with its batch and then recorded
 * in the inbox already done, one write, before its delivery is answered (on an inbox that links and records in one
 * write); what goes wrong on the way leaves it to be recorded and processed as any other event, and an erasure
 * meanwhile still redacts it.
 */
class WrittenOnceTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final UserId ADA = UserId.of("user_ada");
    private static final CustomerId CUSTOMER = CustomerId.of("cus_ada");

    private final MutableClock clock = MutableClock.at(Builders.T0);
    private final FakePaymentGateway gateway = FakePaymentGateway.withSampleCatalog(clock);
    private final InMemoryBillingStores stores = InMemoryBillingStores.create();
    private final FakeWebhookVerifier verifier = new FakeWebhookVerifier();
    private final List<Billing> built = new ArrayList<>();
    /** Every inbox method a billing built here called, by name, in order. */
    private final List<String> inboxCalls = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void closeAll() {
        built.forEach(Billing::close);
    }

    private Billing started(EventInbox inbox, CustomerStore customers) {
        return started(inbox, customers, new RecordingNotifier());
    }

    private Billing started(EventInbox inbox, CustomerStore customers, Notifier notifier) {
        BillingStores s = stores.stores();
        BillingStores wired = new BillingStores(
                customers,
                s.subscriptions(),
                inbox,
                s.usage(),
                s.changes(),
                s.lifecycle(),
                s.memberships(),
                s.guests(),
                s.audit(),
                s.analytics(),
                s.notices(),
                s.serviceKeys());
        Billing billing = Billing.builder()
                .gateway(gateway)
                .webhookVerifier(verifier)
                .stores(wired)
                .plans(SamplePlans.catalog())
                .notifier(notifier)
                .options(BillingOptions.builder()
                        .allowedOrigins(List.of(BillingHarness.ORIGIN))
                        .refetchOnWebhook(false)
                        .build())
                .clock(clock)
                .sleeper(d -> {})
                .background(BackgroundOptions.defaults()
                        .withInboxEvery(Duration.ofMillis(20))
                        .withCloseTimeout(WAIT))
                .build();
        built.add(billing);
        return billing.start();
    }

    private Billing started() {
        return started(recording(stores.inbox(), null), stores.customers());
    }

    /** The inbox, its calls recorded in {@link #inboxCalls}, and {@code before} run ahead of each call it names. */
    private EventInbox recording(EventInbox inbox, Before before) {
        InvocationHandler handler = (proxy, method, args) -> {
            inboxCalls.add(method.getName());
            if (before != null) {
                before.run(method.getName());
            }
            return forward(inbox, method, args);
        };
        return (EventInbox)
                Proxy.newProxyInstance(EventInbox.class.getClassLoader(), new Class<?>[] {EventInbox.class}, handler);
    }

    /** The event, recorded as any other, is processed by the worker: linked once. */
    private void processedAsAnyOther(StripeEvent event) {
        Await.until(
                "the event is processed",
                () -> stores.inbox().find(event.id()).map(InboxEntry::status).orElse(null) == InboxStatus.PROCESSED);
        assertThat(stores.customers().findByUserId(ADA))
                .map(CustomerLink::customerId)
                .contains(CUSTOMER);
        assertThat(linkedEntries()).isEqualTo(1);
    }

    /** A proxied call made on {@code target}, throwing what the call threw. */
    private static Object forward(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private interface Before {
        void run(String method);
    }

    private StripeEvent customerCreated() {
        return anEvent()
                .withType("customer.created")
                .createdAt(clock.instant())
                .forObject("customer", CUSTOMER.value())
                .build();
    }

    private WebhookReceipt deliver(Billing billing, StripeEvent event) {
        FakeWebhookVerifier.Delivery delivery =
                verifier.sign(event, new EventObject.OfCustomer(CUSTOMER, ADA, "ada@example.com", false));
        return billing.receiveWebhook(delivery.body(), delivery.signature());
    }

    private long linkedEntries() {
        return stores.audit().entries().stream()
                .filter(e -> e.action() == AuditAction.CUSTOMER_LINKED)
                .count();
    }

    @Test
    void aPlainLinkIsAnsweredOnceLinkedAndItsEntryIsWrittenOnceAlreadyDone() {
        Billing billing = started();
        StripeEvent event = customerCreated();

        WebhookReceipt receipt = deliver(billing, event);

        assertThat(receipt.duplicate()).isFalse();
        assertThat(receipt.inlineStatus()).as("answered once processed").isEqualTo(InboxStatus.PROCESSED);
        assertThat(stores.customers().findByUserId(ADA))
                .map(CustomerLink::customerId)
                .contains(CUSTOMER);
        InboxEntry entry = stores.inbox().find(event.id()).orElseThrow();
        assertThat(entry.status()).isEqualTo(InboxStatus.PROCESSED);
        assertThat(entry.attempts()).isEqualTo(1);
        assertThat(entry.leaseOwner()).isNull();
        assertThat(inboxCalls)
                .as("no pending entry first, and no completion after")
                .contains("linkAndRecordProcessed")
                .doesNotContain("record", "recordLeased", "complete", "completeAll");
        assertThat(linkedEntries()).isEqualTo(1);
    }

    @Test
    void anInboxThatCannotLinkAndRecordInOneWriteRecordsTheEventFirst() {
        // As on Supabase: the port's default is three calls per event, too many for an answer to wait for.
        EventInbox inMemory = stores.inbox();
        EventInbox inbox = (EventInbox) Proxy.newProxyInstance(
                EventInbox.class.getClassLoader(), new Class<?>[] {EventInbox.class}, (proxy, method, args) -> {
                    if (method.getName().equals("linksAndRecordsInOneWrite")) {
                        return false;
                    }
                    return forward(inMemory, method, args);
                });
        Billing billing = started(recording(inbox, null), stores.customers());
        StripeEvent event = customerCreated();

        WebhookReceipt receipt = deliver(billing, event);

        assertThat(receipt.duplicate()).isFalse();
        assertThat(inboxCalls).contains("recordLeased").doesNotContain("linkAndRecordProcessed");
        processedAsAnyOther(event);
    }

    @Test
    void aRedeliveryToAnotherInstanceIsADuplicateAndLinksNothingMore() {
        StripeEvent event = customerCreated();
        assertThat(deliver(started(), event).duplicate()).isFalse();

        // Another instance on the same stores has not seen the event complete, so it asks them.
        WebhookReceipt again = deliver(started(), event);

        assertThat(again.duplicate()).isTrue();
        assertThat(stores.inbox().find(event.id()).orElseThrow().status()).isEqualTo(InboxStatus.PROCESSED);
        assertThat(linkedEntries()).as("audited once").isEqualTo(1);
    }

    @Test
    void aLinkThatFailsLeavesTheEventToBeRecordedAndProcessedAsAnyOther() {
        AtomicBoolean failed = new AtomicBoolean();
        CustomerStore failingOnce = (CustomerStore) Proxy.newProxyInstance(
                CustomerStore.class.getClassLoader(), new Class<?>[] {CustomerStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("linkAll") && failed.compareAndSet(false, true)) {
                        throw new IllegalStateException("the store refused the batch");
                    }
                    return forward(stores.customers(), method, args);
                });
        Billing billing = started(recording(stores.inbox(), null), failingOnce);
        StripeEvent event = customerCreated();

        WebhookReceipt receipt = deliver(billing, event);

        assertThat(failed).isTrue();
        assertThat(receipt.duplicate()).isFalse();
        assertThat(inboxCalls).contains("recordLeased");
        processedAsAnyOther(event);
    }

    @Test
    void aStoreThatCannotBeReachedFailsTheDeliveryWithoutASecondTry() {
        Billing billing = started();
        StripeEvent event = customerCreated();
        stores.storeSwitch().down();

        assertThatThrownBy(() -> deliver(billing, event)).isInstanceOf(StoreUnavailableException.class);

        assertThat(inboxCalls)
                .as("not recorded the usual way after the link failed: the store is down for that too")
                .doesNotContain("recordLeased");
        stores.storeSwitch().up();
        assertThat(deliver(billing, event).inlineStatus()).isEqualTo(InboxStatus.PROCESSED);
        assertThat(stores.inbox().find(event.id()).orElseThrow().status()).isEqualTo(InboxStatus.PROCESSED);
    }

    @Test
    void anAccountErasedBetweenItsLinkAndItsEntryHasTheEntryRedacted() {
        AtomicReference<Billing> billing = new AtomicReference<>();
        AtomicBoolean erased = new AtomicBoolean();
        // The erasure runs after the link is written and before the entry is (the port's default writes the links
        // first, then the entries): it finds no entry to redact.
        CustomerStore erasingAfterTheLink = (CustomerStore) Proxy.newProxyInstance(
                CustomerStore.class.getClassLoader(), new Class<?>[] {CustomerStore.class}, (proxy, method, args) -> {
                    Object result = forward(stores.customers(), method, args);
                    if (method.getName().equals("linkAll") && erased.compareAndSet(false, true)) {
                        billing.get().useCases().erasePersonalData().erase(ADA, Options.localOnly());
                    }
                    return result;
                });
        billing.set(started(recording(stores.inbox(), null), erasingAfterTheLink));
        StripeEvent event = customerCreated();

        WebhookReceipt receipt = deliver(billing.get(), event);

        assertThat(erased).isTrue();
        assertThat(receipt.inlineStatus()).isEqualTo(InboxStatus.PROCESSED);
        InboxEntry entry = stores.inbox().find(event.id()).orElseThrow();
        assertThat(EventInbox.isRedacted(entry.event().payload())).isTrue();
        assertThat(stores.customers().findByCustomerId(CUSTOMER).orElseThrow().userId())
                .isEqualTo(ADA.pseudonym());
    }

    @Test
    void aPlainLinkIsAnsweredBeforeTheOtherEventsOfItsBatchAreProcessed() throws Exception {
        // Each subscription's notice waits for its own gate: the first holds the drainer while the next batch queues.
        List<CountDownLatch> gates = List.of(new CountDownLatch(1), new CountDownLatch(1));
        AtomicInteger noticesEntered = new AtomicInteger();
        Notifier gated = notice -> {
            CountDownLatch gate = gates.get(Math.min(noticesEntered.getAndIncrement(), gates.size() - 1));
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Billing billing = started(recording(stores.inbox(), null), stores.customers(), gated);
        try {
            FakeWebhookVerifier.Delivery first = subscriptionStarted(billing, "user_first");
            billing.receiveWebhook(first.body(), first.signature());
            Await.until("the first subscription's notice holds the drainer", () -> noticesEntered.get() == 1);
            FakeWebhookVerifier.Delivery second = subscriptionStarted(billing, "user_second");
            billing.receiveWebhook(second.body(), second.signature());
            StripeEvent link = customerCreated();
            AtomicReference<Thread> sender = new AtomicReference<>();
            CompletableFuture<WebhookReceipt> linked = CompletableFuture.supplyAsync(() -> {
                sender.set(Thread.currentThread());
                return deliver(billing, link);
            });
            Await.until(
                    "the link waits for its batch, queued behind the second subscription",
                    () -> waitsForItsBatch(sender.get()));

            gates.get(0).countDown();
            Await.until("the second subscription's notice is held", () -> noticesEntered.get() == 2);

            WebhookReceipt receipt = linked.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(receipt.inlineStatus())
                    .as("answered once linked and recorded, with its batch's subscription still being processed")
                    .isEqualTo(InboxStatus.PROCESSED);
            assertThat(gates.get(1).getCount()).isEqualTo(1);
            assertThat(inboxCalls).contains("linkAndRecordProcessed");
        } finally {
            gates.forEach(CountDownLatch::countDown);
        }
    }

    /** Whether {@code thread} is waiting inside the drain's hand-over of an unrecorded event (so it is queued). */
    private static boolean waitsForItsBatch(Thread thread) {
        if (thread == null || thread.getState() != Thread.State.TIMED_WAITING) {
            return false;
        }
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getMethodName().equals("submitUnrecorded")) {
                return true;
            }
        }
        return false;
    }

    /** A new subscription's signed delivery: processing it sends a notice. */
    private FakeWebhookVerifier.Delivery subscriptionStarted(Billing billing, String user) {
        CustomerId customer =
                billing.ensureCustomer(BillingHarness.create().identity(user)).customerId();
        Subscription pro = gateway.subscribe(customer, "price_pro_monthly", SubscriptionStatus.ACTIVE);
        StripeEvent created = anEvent()
                .withType("customer.subscription.created")
                .createdAt(clock.instant())
                .forObject("subscription", pro.id())
                .build();
        return verifier.sign(created, new EventObject.OfSubscription(pro));
    }
}
