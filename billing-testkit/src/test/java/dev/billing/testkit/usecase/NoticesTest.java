package dev.billing.testkit.usecase;

import static dev.billing.testkit.Builders.anEvent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Billing;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.NewCustomer;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.notice.NoticeEntry;
import dev.billing.core.model.notice.NoticeQuery;
import dev.billing.core.model.notice.NoticeRecord;
import dev.billing.core.model.notice.Notification;
import dev.billing.core.model.subscription.CheckoutMode;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.NoticeLog;
import dev.billing.core.port.Notifier;
import dev.billing.core.privacy.ErasePersonalData.Options;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.Builders;
import dev.billing.testkit.MutableClock;
import dev.billing.testkit.SamplePlans;
import dev.billing.testkit.fake.FakePaymentGateway;
import dev.billing.testkit.fake.FakePaymentGateway.Failure;
import dev.billing.testkit.fake.FakePaymentGateway.Operation;
import dev.billing.testkit.fake.FakeWebhookVerifier;
import dev.billing.testkit.fake.InMemoryBillingStores;
import dev.billing.testkit.fake.RecordingNotifier;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The notices an event sends: once per event, to the right user, saying the right thing. */
class NoticesTest {
    private final MutableClock clock = MutableClock.at(Builders.T0);
    private final FakePaymentGateway gateway = FakePaymentGateway.withSampleCatalog(clock);
    private final InMemoryBillingStores stores = InMemoryBillingStores.create();
    private final FakeWebhookVerifier verifier = new FakeWebhookVerifier();
    private final RecordingNotifier sent = new RecordingNotifier();

    private Billing billing(Notifier notifier) {
        return billing(notifier, stores.stores());
    }

    private Billing billing(Notifier notifier, BillingStores using) {
        return Billing.builder()
                .gateway(gateway)
                .webhookVerifier(verifier)
                .stores(using)
                .plans(SamplePlans.catalog())
                .notifier(notifier)
                .clock(clock)
                .sleeper(d -> {})
                .options(BillingOptions.builder()
                        .allowedOrigins(List.of(BillingHarness.ORIGIN))
                        .build())
                .build();
    }

    /** A paid purchase of two "100 credits" items, signed for delivery. */
    private FakeWebhookVerifier.Delivery purchase(Billing billing, String user) {
        return purchase(
                billing.ensureCustomer(BillingHarness.create().identity(user)).customerId(), user);
    }

    private FakeWebhookVerifier.Delivery purchase(CustomerId customer, String user) {
        CheckoutSession paid = new CheckoutSession(
                "cs_" + user,
                null,
                CheckoutMode.PAYMENT,
                customer,
                null,
                "pi_" + user,
                "complete",
                "paid",
                user,
                2000L,
                "usd",
                Map.of("user_id", user, "price_id", "price_credits_100", "quantity", "2", "item", "credits_100"));
        StripeEvent event = anEvent()
                .withType("checkout.session.completed")
                .createdAt(clock.instant())
                .forObject("checkout.session", paid.id())
                .build();
        return verifier.sign(event, new EventObject.OfCheckoutSession(paid));
    }

    private InboxEntry entry(FakeWebhookVerifier.Delivery delivery) {
        return stores.inbox()
                .find(verifier.verify(delivery.body(), delivery.signature()).id())
                .orElseThrow();
    }

    @Test
    void aReceiptForAnItemNamesTheItemNotItsKey() {
        Billing billing = billing(sent);
        FakeWebhookVerifier.Delivery delivery = purchase(billing, "user_1");

        billing.receiveWebhook(delivery.body(), delivery.signature());

        assertThat(sent.sent())
                .singleElement()
                .isInstanceOfSatisfying(
                        Notification.Receipt.class,
                        r -> assertThat(r.description()).isEqualTo("2 x 100 credits"));
    }

    @Test
    @DisplayName("a receipt processed before the customer.created that links its user finds the user at Stripe")
    void aNoticeBeforeTheCustomerIsLinkedFindsItsUserInTheCustomersMetadata() {
        Billing billing = billing(sent);
        // Stripe created the customer (metadata user_id), but its customer.created has not been processed yet.
        CustomerId customer =
                gateway.createCustomer(new NewCustomer(UserId.of("user_late"), "late@example.com", "key-late"));
        FakeWebhookVerifier.Delivery delivery = purchase(customer, "user_late");

        billing.receiveWebhook(delivery.body(), delivery.signature());

        assertThat(sent.sent()).singleElement().satisfies(n -> {
            assertThat(n.userId()).isEqualTo(UserId.of("user_late"));
            assertThat(n.email()).isEqualTo("late@example.com");
        });
        assertThat(stores.customers().findByCustomerId(customer))
                .map(CustomerLink::userId)
                .contains(UserId.of("user_late"));
    }

    @Test
    void stripeUnreachableWhileLookingForTheUserKeepsTheNoticeForTheRetry() {
        Billing billing = billing(sent);
        CustomerId customer = gateway.createCustomer(new NewCustomer(UserId.of("user_later"), null, "key-later"));
        FakeWebhookVerifier.Delivery delivery = purchase(customer, "user_later");
        gateway.failNext(Operation.GET_CUSTOMER, 1, Failure.NOT_DONE);

        billing.receiveWebhook(delivery.body(), delivery.signature());

        assertThat(sent.sent()).isEmpty();
        assertThat(entry(delivery).status()).isEqualTo(InboxStatus.PENDING);
        clock.advance(Duration.ofMinutes(1));
        billing.processDueEvents(10);
        assertThat(sent.sent())
                .singleElement()
                .satisfies(n -> assertThat(n.userId()).isEqualTo(UserId.of("user_later")));
        assertThat(entry(delivery).status()).isEqualTo(InboxStatus.PROCESSED);
    }

    @Test
    @DisplayName("an event sent again after retention deleted its inbox row does not notify again")
    void anEventResentAfterRetentionDeletedItsRowIsNotNotifiedAgain() {
        Billing billing = billing(sent);
        FakeWebhookVerifier.Delivery delivery = purchase(billing, "user_resent");
        billing.receiveWebhook(delivery.body(), delivery.signature());
        assertThat(sent.sent()).hasSize(1);
        clock.advance(Duration.ofDays(31));
        assertThat(stores.inbox().prune(clock.instant().minus(Duration.ofDays(30)), 10))
                .isEqualTo(1);

        // Stripe sends it again (a resend from its Dashboard), to a process that knows only what the store keeps.
        Billing restarted = billing(sent);
        restarted.receiveWebhook(delivery.body(), delivery.signature());

        assertThat(sent.sent()).as("one mail for one event").hasSize(1);
        assertThat(entry(delivery).status()).isEqualTo(InboxStatus.PROCESSED);
        assertThat(entry(delivery).notifiedAt())
                .as("the inbox agrees with the log")
                .isNotNull();
    }

    @Test
    @DisplayName("a store failing briefly as the lease is renewed before the send costs the notice no retry")
    void aStoreBlipAtTheLeaseRenewalIsRetriedWithinTheLease() {
        Billing billing = billing(sent);
        CustomerId customer = gateway.createCustomer(new NewCustomer(UserId.of("user_blip"), null, "key-blip"));
        FakeWebhookVerifier.Delivery delivery = purchase(customer, "user_blip");
        // The customer is linked from Stripe's metadata (one store call), then the lease's renewal fails twice.
        gateway.beforeNext(Operation.GET_CUSTOMER, () -> stores.storeSwitch().failAfter(1, 2));

        billing.receiveWebhook(delivery.body(), delivery.signature());

        assertThat(sent.sent())
                .as("sent in the event's first attempt")
                .singleElement()
                .satisfies(n -> assertThat(n.userId()).isEqualTo(UserId.of("user_blip")));
        assertThat(entry(delivery).status()).isEqualTo(InboxStatus.PROCESSED);
        assertThat(entry(delivery).notifiedAt()).isNotNull();
    }

    @Test
    @DisplayName("an event claimed again while its first worker waited on Stripe past its lease is notified once, by"
            + " the claim that holds it")
    void anEventClaimedAgainMeanwhileIsNotifiedOnceByItsNewClaim() {
        Billing billing = billing(sent);
        CustomerId customer = gateway.createCustomer(new NewCustomer(UserId.of("user_slow"), null, "key-slow"));
        FakeWebhookVerifier.Delivery delivery = purchase(customer, "user_slow");
        String eventId = verifier.verify(delivery.body(), delivery.signature()).id();
        // Stripe answers the lookup of the notice's user after the lease ran out, and another worker claimed it.
        gateway.beforeNext(Operation.GET_CUSTOMER, () -> {
            clock.advance(Duration.ofSeconds(61));
            assertThat(stores.inbox().claim(eventId, "other-worker", clock.instant(), Duration.ofSeconds(60)))
                    .isPresent();
        });

        billing.receiveWebhook(delivery.body(), delivery.signature());

        assertThat(sent.sent()).as("left to the claim that holds the event").isEmpty();
        clock.advance(Duration.ofSeconds(61)); // the other worker died too: its lease runs out
        billing.processDueEvents(10);
        assertThat(sent.sent())
                .singleElement()
                .satisfies(n -> assertThat(n.userId()).isEqualTo(UserId.of("user_slow")));
        assertThat(entry(delivery).status()).isEqualTo(InboxStatus.PROCESSED);
    }

    @Test
    @DisplayName("an event whose lease ran out while its worker waited on Stripe, claimed by nobody, is notified once")
    void anEventWhoseLeaseRanOutUnclaimedIsNotifiedOnce() {
        Billing billing = billing(sent);
        CustomerId customer = gateway.createCustomer(new NewCustomer(UserId.of("user_late"), null, "key-late"));
        FakeWebhookVerifier.Delivery delivery = purchase(customer, "user_late");
        gateway.beforeNext(Operation.GET_CUSTOMER, () -> clock.advance(Duration.ofSeconds(61)));

        billing.receiveWebhook(delivery.body(), delivery.signature());
        clock.advance(Duration.ofMinutes(2));
        billing.processDueEvents(10);

        assertThat(sent.sent()).hasSize(1);
        assertThat(entry(delivery).status()).isEqualTo(InboxStatus.PROCESSED);
        assertThat(entry(delivery).notifiedAt()).isNotNull();
    }

    @Test
    void aCustomerNoUserIsNamedForNotifiesNobodyAndCompletes() {
        Billing billing = billing(sent);
        FakeWebhookVerifier.Delivery delivery = purchase(CustomerId.of("cus_not_ours"), "user_none");

        billing.receiveWebhook(delivery.body(), delivery.signature());

        assertThat(sent.sent()).isEmpty();
        assertThat(entry(delivery).status()).isEqualTo(InboxStatus.PROCESSED);
    }

    @Test
    void aStoreOutageRightAfterTheSendSendsNoSecondNotice() {
        AtomicInteger sends = new AtomicInteger();
        Notifier failingStoreAfterSend = notice -> {
            sends.incrementAndGet();
            sent.send(notice);
            stores.storeSwitch().failNext(3); // the mark after the send meets a store that is briefly down
        };
        Billing billing = billing(failingStoreAfterSend);
        FakeWebhookVerifier.Delivery delivery = purchase(billing, "user_1");

        billing.receiveWebhook(delivery.body(), delivery.signature());

        InboxEntry entry = entry(delivery);
        assertThat(entry.status()).isEqualTo(InboxStatus.PROCESSED);
        assertThat(entry.notifiedAt()).isNotNull();
        assertThat(billing.useCases().replayEvent().replay(entry.eventId()).status())
                .isEqualTo(InboxStatus.PROCESSED);
        assertThat(sends.get())
                .as("one mail, also after the event was processed again")
                .isEqualTo(1);
    }

    @Test
    @DisplayName("a mark that cannot be written while the lease lasts fails the event, whose retry finds the notice"
            + " in the log and mails nothing")
    void aMarkLostForTheWholeLeaseIsCoveredByTheNoticeLog() {
        Notifier failingStoreAfterSend = notice -> {
            sent.send(notice);
            // The read after logging (was the account erased meanwhile?) and each of the mark's 40 tries
            // (NoticeSender.MAX_ATTEMPTS; the test clock stands still) meet a store down; the log is written.
            stores.storeSwitch().failNext(41);
        };
        Billing billing = billing(failingStoreAfterSend);
        FakeWebhookVerifier.Delivery delivery = purchase(billing, "user_1");

        billing.receiveWebhook(delivery.body(), delivery.signature());
        assertThat(entry(delivery).status()).isEqualTo(InboxStatus.PENDING);
        assertThat(entry(delivery).notifiedAt()).isNull();
        clock.advance(Duration.ofMinutes(1));
        billing.processDueEvents(10);

        assertThat(sent.sent())
                .as("one mail, though the first attempt failed after it")
                .hasSize(1);
        assertThat(entry(delivery).status()).isEqualTo(InboxStatus.PROCESSED);
        assertThat(entry(delivery).notifiedAt()).isNotNull();
    }

    /** The erasure's own Stripe calls (ending an incomplete subscription) can send an event that notifies. */
    @Test
    void aNoticeLoggedAfterItsAccountWasErasedMeanwhileNamesThePseudonym() {
        AtomicReference<Billing> self = new AtomicReference<>();
        Notifier erasingWhileSending = notice -> {
            sent.send(notice);
            self.get().useCases().erasePersonalData().erase(notice.userId(), Options.localOnly());
        };
        Billing billing = billing(erasingWhileSending);
        self.set(billing);
        FakeWebhookVerifier.Delivery delivery = purchase(billing, "user_1");

        billing.receiveWebhook(delivery.body(), delivery.signature());

        assertThat(sent.sent()).hasSize(1);
        assertThat(stores.notices().forUser(UserId.of("user_1"))).isEmpty();
        assertThat(stores.notices().forUser(UserId.of("user_1").pseudonym()))
                .singleElement()
                .satisfies(n -> assertThat(n.record().eventId())
                        .isEqualTo(entry(delivery).eventId()));
    }

    /** A sender that read the link before the erasure moved it, and logged between the erasure's passes. */
    @Test
    void aNoticeLoggedWhileTheErasureRanIsMovedByItsSecondPass() {
        UserId user = UserId.of("user_1");
        Billing billing = billing(sent, stores.stores());
        FakeWebhookVerifier.Delivery delivery = purchase(billing, "user_1");
        billing.receiveWebhook(delivery.body(), delivery.signature());
        NoticeEntry logged = stores.notices().forUser(user).get(0);
        AtomicBoolean once = new AtomicBoolean();
        NoticeLog loggingBetweenPasses = new NoticeLog() {
            @Override
            public void record(NoticeRecord entry) {
                stores.notices().record(entry);
            }

            @Override
            public Page<NoticeEntry> list(NoticeQuery query) {
                return stores.notices().list(query);
            }

            @Override
            public List<NoticeEntry> forUser(UserId u) {
                return stores.notices().forUser(u);
            }

            @Override
            public int pseudonymise(UserId u, UserId pseudonym) {
                int moved = stores.notices().pseudonymise(u, pseudonym);
                if (once.compareAndSet(false, true)) {
                    stores.notices().record(logged.record());
                }
                return moved;
            }

            @Override
            public boolean restore(NoticeEntry entry) {
                return stores.notices().restore(entry);
            }
        };
        BillingStores s = stores.stores();
        Billing erasing = billing(
                sent,
                new BillingStores(
                        s.customers(),
                        s.subscriptions(),
                        s.inbox(),
                        s.usage(),
                        s.changes(),
                        s.lifecycle(),
                        s.memberships(),
                        s.guests(),
                        s.audit(),
                        s.analytics(),
                        loggingBetweenPasses,
                        s.serviceKeys()));

        erasing.useCases().erasePersonalData().erase(user, Options.localOnly());

        assertThat(once).isTrue();
        assertThat(stores.notices().forUser(user)).isEmpty();
        assertThat(stores.notices().forUser(user.pseudonym())).hasSize(2);
    }
}
