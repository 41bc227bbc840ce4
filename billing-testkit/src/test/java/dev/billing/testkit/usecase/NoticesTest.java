package dev.billing.testkit.usecase;

import dev.billing.core.Billing;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.model.CheckoutMode;
import dev.billing.core.model.CheckoutSession;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.EventObject;
import dev.billing.core.model.InboxEntry;
import dev.billing.core.model.InboxStatus;
import dev.billing.core.model.Notification;
import dev.billing.core.model.StripeEvent;
import dev.billing.core.port.Notifier;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.Builders;
import dev.billing.testkit.MutableClock;
import dev.billing.testkit.SamplePlans;
import dev.billing.testkit.fake.FakePaymentGateway;
import dev.billing.testkit.fake.FakeWebhookVerifier;
import dev.billing.testkit.fake.InMemoryBillingStores;
import dev.billing.testkit.fake.RecordingNotifier;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.billing.testkit.Builders.anEvent;
import static org.assertj.core.api.Assertions.assertThat;

/** The notices an event sends: once per event, to the right user, saying the right thing. */
class NoticesTest {
    private final MutableClock clock = MutableClock.at(Builders.T0);
    private final FakePaymentGateway gateway = FakePaymentGateway.withSampleCatalog(clock);
    private final InMemoryBillingStores stores = InMemoryBillingStores.create();
    private final FakeWebhookVerifier verifier = new FakeWebhookVerifier();
    private final RecordingNotifier sent = new RecordingNotifier();

    private Billing billing(Notifier notifier) {
        return Billing.builder().gateway(gateway).webhookVerifier(verifier).stores(stores.stores())
                .plans(SamplePlans.catalog()).notifier(notifier).clock(clock).sleeper(d -> { })
                .options(BillingOptions.builder().allowedOrigins(List.of(BillingHarness.ORIGIN)).build()).build();
    }

    /** A paid purchase of two "100 credits" items, signed for delivery. */
    private FakeWebhookVerifier.Delivery purchase(Billing billing, String user) {
        CustomerId customer = billing.ensureCustomer(BillingHarness.create().identity(user)).customerId();
        CheckoutSession paid = new CheckoutSession("cs_" + user, null, CheckoutMode.PAYMENT, customer, null,
                "pi_" + user, "complete", "paid", user, 2000L, "usd",
                Map.of("user_id", user, "price_id", "price_credits_100", "quantity", "2", "item", "credits_100"));
        StripeEvent event = anEvent().withType("checkout.session.completed").createdAt(clock.instant())
                .forObject("checkout.session", paid.id()).build();
        return verifier.sign(event, new EventObject.OfCheckoutSession(paid));
    }

    private InboxEntry entry(FakeWebhookVerifier.Delivery delivery) {
        return stores.inbox().find(verifier.verify(delivery.body(), delivery.signature()).id()).orElseThrow();
    }

    @Test
    void aReceiptForAnItemNamesTheItemNotItsKey() {
        Billing billing = billing(sent);
        FakeWebhookVerifier.Delivery delivery = purchase(billing, "user_1");

        billing.receiveWebhook(delivery.body(), delivery.signature());

        assertThat(sent.sent()).singleElement().isInstanceOfSatisfying(Notification.Receipt.class,
                r -> assertThat(r.description()).isEqualTo("2 x 100 credits"));
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
        assertThat(billing.useCases().replayEvent().replay(entry.eventId()).status()).isEqualTo(InboxStatus.PROCESSED);
        assertThat(sends.get()).as("one mail, also after the event was processed again").isEqualTo(1);
    }
}
