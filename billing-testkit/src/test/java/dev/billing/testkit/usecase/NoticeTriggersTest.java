package dev.billing.testkit.usecase;

import static dev.billing.testkit.Builders.aSubscription;
import static dev.billing.testkit.Builders.anEvent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Billing;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Money;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.notice.NoticeEntry;
import dev.billing.core.model.notice.NoticeKind;
import dev.billing.core.model.notice.NoticeQuery;
import dev.billing.core.model.notice.NoticeStatus;
import dev.billing.core.model.notice.Notification;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoiceStatus;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.privacy.ErasePersonalData;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.Builders;
import dev.billing.testkit.MutableClock;
import dev.billing.testkit.SamplePlans;
import dev.billing.testkit.fake.FakePaymentGateway;
import dev.billing.testkit.fake.FakeWebhookVerifier;
import dev.billing.testkit.fake.InMemoryBillingStores;
import dev.billing.testkit.fake.RecordingNotifier;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Which notice each event means (NoticeTriggers), sent once per event and written to the notice log. */
class NoticeTriggersTest {
    private final MutableClock clock = MutableClock.at(Builders.T0);
    private final FakePaymentGateway gateway = FakePaymentGateway.withSampleCatalog(clock);
    private final InMemoryBillingStores stores = InMemoryBillingStores.create();
    private final FakeWebhookVerifier verifier = new FakeWebhookVerifier();
    private final RecordingNotifier sent = new RecordingNotifier();
    private Billing billing;
    private CustomerId customer;

    @BeforeEach
    void setUp() {
        billing = Billing.builder()
                .gateway(gateway)
                .webhookVerifier(verifier)
                .stores(stores.stores())
                .plans(SamplePlans.catalog())
                .notifier(sent)
                .clock(clock)
                .sleeper(d -> {})
                .options(BillingOptions.builder()
                        .allowedOrigins(List.of(BillingHarness.ORIGIN))
                        .build())
                .build();
        customer = billing.ensureCustomer(BillingHarness.create().identity("user_n"))
                .customerId();
    }

    private void deliver(String type, EventObject object) {
        StripeEvent event = anEvent()
                .withType(type)
                .createdAt(clock.instant())
                .forObject("subscription", "sub_n")
                .build();
        FakeWebhookVerifier.Delivery d = verifier.sign(event, object);
        billing.receiveWebhook(d.body(), d.signature());
        billing.receiveWebhook(d.body(), d.signature()); // a redelivery sends nothing more
        clock.advance(Duration.ofSeconds(1));
    }

    /** The subscription ran, its first invoice paid: its deletion is the end of something the customer had. */
    private void ranPaidFor() {
        stores.subscriptions()
                .upsertInvoice(Builders.anInvoice()
                        .withCustomer(customer.value())
                        .withSubscription("sub_n")
                        .withStatus(InvoiceStatus.PAID)
                        .withAmounts(2900, 2900)
                        .build());
    }

    private Subscription subscription(SubscriptionStatus status, String price) {
        return aSubscription()
                .withId("sub_n")
                .withCustomer(customer.value())
                .withStatus(status)
                .withPrice(price)
                .snapshotAt(clock.instant())
                .build();
    }

    @Test
    @DisplayName("customer.subscription.created of an active subscription: subscription started, with the tier")
    void createdMeansStarted() {
        deliver(
                "customer.subscription.created",
                new EventObject.OfSubscription(subscription(SubscriptionStatus.ACTIVE, "price_pro_monthly")));

        assertThat(sent.sent())
                .singleElement()
                .isInstanceOfSatisfying(
                        Notification.SubscriptionStarted.class,
                        n -> assertThat(n.plan()).isEqualTo("pro"));
        List<NoticeEntry> log = stores.notices().list(NoticeQuery.all(10)).items();
        assertThat(log).singleElement().satisfies(e -> {
            assertThat(e.record().kind()).isEqualTo(NoticeKind.SUBSCRIPTION_STARTED);
            assertThat(e.record().status()).isEqualTo(NoticeStatus.SENT);
            assertThat(e.record().userId()).isEqualTo(UserId.of("user_n"));
            assertThat(e.record().customerId()).isEqualTo(customer);
        });
    }

    @Test
    @DisplayName("an incomplete subscription starts when an update makes it active, not when created")
    void incompleteStartsOnActivation() {
        deliver(
                "customer.subscription.created",
                new EventObject.OfSubscription(subscription(SubscriptionStatus.INCOMPLETE, "price_pro_monthly")));
        assertThat(sent.sent()).isEmpty();

        deliver(
                "customer.subscription.updated",
                new EventObject.OfSubscription(
                        subscription(SubscriptionStatus.ACTIVE, "price_pro_monthly"),
                        new EventObject.SubscriptionChange(null, null, SubscriptionStatus.INCOMPLETE)));

        assertThat(sent.sent()).singleElement().isInstanceOf(Notification.SubscriptionStarted.class);
    }

    @Test
    @DisplayName("an update with a price change: plan changed, from one tier to the other")
    void priceChangeMeansPlanChanged() {
        deliver(
                "customer.subscription.updated",
                new EventObject.OfSubscription(
                        subscription(SubscriptionStatus.ACTIVE, "price_pro_monthly"),
                        new EventObject.SubscriptionChange("price_basic_monthly", null, null)));

        assertThat(sent.sent()).singleElement().isInstanceOfSatisfying(Notification.PlanChanged.class, n -> {
            assertThat(n.fromPlan()).isEqualTo("basic");
            assertThat(n.toPlan()).isEqualTo("pro");
        });
    }

    @Test
    @DisplayName("a price change whose update made an invoice: plan changed, the difference charged at once")
    void priceChangeInvoicedAtOnceSaysWhatWasCharged() {
        gateway.subscribe(customer, "price_pro_monthly", SubscriptionStatus.ACTIVE); // a paid invoice at "Stripe"
        Invoice invoice = gateway.listInvoices(customer, 1, null).items().get(0);

        deliver(
                "customer.subscription.updated",
                new EventObject.OfSubscription(
                        subscription(SubscriptionStatus.ACTIVE, "price_pro_monthly"),
                        new EventObject.SubscriptionChange("price_basic_monthly", null, null, invoice.id())));

        assertThat(sent.sent()).singleElement().isInstanceOfSatisfying(Notification.PlanChanged.class, n -> {
            assertThat(n.invoicedNow()).isTrue();
            assertThat(n.charged()).isEqualTo(invoice.paid());
            assertThat(n.charged().amount()).isPositive();
        });
    }

    @Test
    @DisplayName("a price change invoiced at once whose invoice Stripe cannot give: charged, amount unknown")
    void priceChangeInvoicedAtOnceWithoutTheInvoice() {
        deliver(
                "customer.subscription.updated",
                new EventObject.OfSubscription(
                        subscription(SubscriptionStatus.ACTIVE, "price_pro_monthly"),
                        new EventObject.SubscriptionChange("price_basic_monthly", null, null, "in_unknown")));

        assertThat(sent.sent()).singleElement().isInstanceOfSatisfying(Notification.PlanChanged.class, n -> {
            assertThat(n.invoicedNow()).isTrue();
            assertThat(n.charged()).isNull();
        });
    }

    @Test
    @DisplayName("a price change without an invoice of its own: the difference waits for the next invoice")
    void priceChangeNotInvoicedAtOnce() {
        deliver(
                "customer.subscription.updated",
                new EventObject.OfSubscription(
                        subscription(SubscriptionStatus.ACTIVE, "price_pro_monthly"),
                        new EventObject.SubscriptionChange("price_basic_monthly", null, null)));

        assertThat(sent.sent()).singleElement().isInstanceOfSatisfying(Notification.PlanChanged.class, n -> {
            assertThat(n.invoicedNow()).isFalse();
            assertThat(n.charged()).isNull();
        });
    }

    @Test
    @DisplayName("an update that changes nothing a user cares about sends nothing")
    void otherUpdatesSendNothing() {
        deliver(
                "customer.subscription.updated",
                new EventObject.OfSubscription(subscription(SubscriptionStatus.ACTIVE, "price_pro_monthly")));

        assertThat(sent.sent()).isEmpty();
        assertThat(stores.notices().list(NoticeQuery.all(10)).items()).isEmpty();
    }

    @Test
    @DisplayName("cancel_at_period_end turning true: canceled, with access until the period's end")
    void cancelAtPeriodEndMeansCanceled() {
        Subscription canceling = aSubscription()
                .withId("sub_n")
                .withCustomer(customer.value())
                .withStatus(SubscriptionStatus.ACTIVE)
                .withPrice("price_pro_monthly")
                .cancelingAtPeriodEnd()
                .withPeriod(Builders.T0, Builders.T0.plus(Duration.ofDays(30)))
                .snapshotAt(clock.instant())
                .build();

        deliver(
                "customer.subscription.updated",
                new EventObject.OfSubscription(canceling, new EventObject.SubscriptionChange(null, false, null)));

        assertThat(sent.sent())
                .singleElement()
                .isInstanceOfSatisfying(
                        Notification.SubscriptionCanceled.class,
                        n -> assertThat(n.accessUntil()).isEqualTo(Builders.T0.plus(Duration.ofDays(30))));
    }

    @Test
    @DisplayName("customer.subscription.deleted: canceled, ended at once")
    void deletedMeansCanceled() {
        ranPaidFor();
        deliver(
                "customer.subscription.deleted",
                new EventObject.OfSubscription(subscription(SubscriptionStatus.CANCELED, "price_pro_monthly")));

        assertThat(sent.sent())
                .singleElement()
                .isInstanceOfSatisfying(
                        Notification.SubscriptionCanceled.class,
                        n -> assertThat(n.accessUntil()).isNull());
    }

    @Test
    @DisplayName("customer.subscription.deleted of one never paid for (incomplete): no mail; of one that ran: canceled")
    void aSubscriptionThatNeverStartedEndsWithoutAMail() {
        deliver(
                "customer.subscription.created",
                new EventObject.OfSubscription(subscription(SubscriptionStatus.INCOMPLETE, "price_pro_monthly")));
        deliver(
                "customer.subscription.deleted",
                new EventObject.OfSubscription(subscription(SubscriptionStatus.CANCELED, "price_pro_monthly")));

        assertThat(sent.sent()).as("neither started nor canceled").isEmpty();
        assertThat(stores.subscriptions().findSubscription("sub_n"))
                .as("the deletion applied all the same")
                .hasValueSatisfying(s -> assertThat(s.status()).isEqualTo(SubscriptionStatus.CANCELED));
    }

    @Test
    @DisplayName(
            "an update to status canceled: canceled, ended at once; a price change in the same update says no more")
    void updateToCanceledMeansCanceled() {
        deliver(
                "customer.subscription.updated",
                new EventObject.OfSubscription(
                        subscription(SubscriptionStatus.CANCELED, "price_pro_monthly"),
                        new EventObject.SubscriptionChange("price_basic_monthly", null, SubscriptionStatus.ACTIVE)));

        assertThat(sent.sent())
                .singleElement()
                .isInstanceOfSatisfying(
                        Notification.SubscriptionCanceled.class,
                        n -> assertThat(n.accessUntil()).isNull());
    }

    @Test
    @DisplayName("nothing to pay at renewal, or nothing refunded: no mail")
    void zeroAmountsSendNothing() {
        deliver("invoice.upcoming", new EventObject.OfUpcomingInvoice(customer, "sub_n", new Money(0, "usd"), null));
        deliver("charge.refunded", new EventObject.OfCharge("ch_n", customer, new Money(0, "usd"), null));

        assertThat(sent.sent()).isEmpty();
    }

    @Test
    @DisplayName("invoice.upcoming: renewal reminder; charge.refunded: refund issued")
    void upcomingAndRefund() {
        deliver(
                "invoice.upcoming",
                new EventObject.OfUpcomingInvoice(
                        customer, "sub_n", new Money(2900, "usd"), Builders.T0.plus(Duration.ofDays(3))));
        deliver("charge.refunded", new EventObject.OfCharge("ch_n", customer, new Money(500, "usd"), "pi_n"));

        assertThat(sent.sent())
                .extracting(Notification::kind)
                .containsExactly(NoticeKind.RENEWAL_REMINDER, NoticeKind.REFUND_ISSUED);
    }

    @Test
    @DisplayName("an export lists the user's notices; an erasure leaves none under the user's id")
    void exportAndErasure() {
        ranPaidFor();
        deliver(
                "customer.subscription.deleted",
                new EventObject.OfSubscription(subscription(SubscriptionStatus.CANCELED, "price_pro_monthly")));
        UserId user = UserId.of("user_n");

        assertThat(billing.useCases().exportPersonalData().export(user).notices())
                .hasSize(1);

        billing.useCases().erasePersonalData().erase(user, ErasePersonalData.Options.localOnly());

        assertThat(stores.notices().forUser(user)).isEmpty();
        assertThat(stores.notices().list(NoticeQuery.all(10)).items())
                .singleElement()
                .satisfies(e -> assertThat(e.record().userId().isPseudonym()).isTrue());
    }

    @Test
    @DisplayName("a failed send is logged as failed with the error, and the retry's success as sent")
    void failedSendIsLogged() {
        // The retry finds the row its first attempt ended, and a start in the paid invoice.
        ranPaidFor();
        sent.failNext(1);
        deliver(
                "customer.subscription.deleted",
                new EventObject.OfSubscription(subscription(SubscriptionStatus.CANCELED, "price_pro_monthly")));
        clock.advance(Duration.ofMinutes(1));
        billing.processDueEvents(10);

        List<NoticeEntry> log = stores.notices().list(NoticeQuery.all(10)).items();
        assertThat(log).extracting(e -> e.record().status()).containsExactly(NoticeStatus.SENT, NoticeStatus.FAILED);
        assertThat(log.get(1).record().error()).isNotBlank();
        assertThat(sent.sent()).hasSize(1);
    }
}
