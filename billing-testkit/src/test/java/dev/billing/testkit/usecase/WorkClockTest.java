package dev.billing.testkit.usecase;

import static dev.billing.testkit.Builders.anEvent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Billing;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.notice.Notification;
import dev.billing.core.model.subscription.CheckoutMode;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.port.Notifier;
import dev.billing.core.webhook.WebhookReceipt;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.Builders;
import dev.billing.testkit.MutableClock;
import dev.billing.testkit.SamplePlans;
import dev.billing.testkit.fake.FakePaymentGateway;
import dev.billing.testkit.fake.FakeWebhookVerifier;
import dev.billing.testkit.fake.InMemoryBillingStores;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The billing clock may jump (local mode advances the emulator's by days); the inbox's leases are on the work clock,
 * so a jump does not hand an event being processed to a redelivery, and its notice goes out once.
 */
class WorkClockTest {
    private final MutableClock billingClock = MutableClock.at(Builders.T0);
    private final MutableClock workClock = MutableClock.at(Builders.T0.plus(Duration.ofHours(5)));
    private final FakePaymentGateway gateway = FakePaymentGateway.withSampleCatalog(billingClock);
    private final InMemoryBillingStores stores = InMemoryBillingStores.create();
    private final FakeWebhookVerifier verifier = new FakeWebhookVerifier();
    private final List<Notification> sent = new CopyOnWriteArrayList<>();
    private final CountDownLatch sending = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    /** Sends, holding the first send until released. */
    private final Notifier held = notice -> {
        sent.add(notice);
        if (sent.size() > 1) {
            return;
        }
        sending.countDown();
        try {
            if (!release.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    };

    private Billing billing(Clock work) {
        Billing.Builder builder = Billing.builder()
                .gateway(gateway)
                .webhookVerifier(verifier)
                .stores(stores.stores())
                .plans(SamplePlans.catalog())
                .notifier(held)
                .clock(billingClock)
                .sleeper(d -> {})
                .options(BillingOptions.builder()
                        .allowedOrigins(List.of(BillingHarness.ORIGIN))
                        .build());
        return (work == null ? builder : builder.workClock(work)).build();
    }

    private FakeWebhookVerifier.Delivery paidPurchase(Billing billing) {
        CustomerId customer = billing.ensureCustomer(BillingHarness.create().identity("user_jump"))
                .customerId();
        CheckoutSession paid = new CheckoutSession(
                "cs_jump",
                null,
                CheckoutMode.PAYMENT,
                customer,
                null,
                "pi_jump",
                "complete",
                "paid",
                "user_jump",
                1000L,
                "usd",
                Map.of(
                        "user_id",
                        "user_jump",
                        "price_id",
                        "price_credits_100",
                        "quantity",
                        "1",
                        "item",
                        "credits_100"));
        StripeEvent event = anEvent()
                .withType("checkout.session.completed")
                .createdAt(billingClock.instant())
                .forObject("checkout.session", paid.id())
                .build();
        return verifier.sign(event, new EventObject.OfCheckoutSession(paid));
    }

    @Test
    void aJumpOfTheBillingClockDoesNotEndTheLeaseOfAnEventBeingProcessed() throws Exception {
        Billing billing = billing(workClock);
        FakeWebhookVerifier.Delivery delivery = paidPurchase(billing);
        CompletableFuture<WebhookReceipt> first =
                CompletableFuture.supplyAsync(() -> billing.receiveWebhook(delivery.body(), delivery.signature()));
        assertThat(sending.await(30, TimeUnit.SECONDS))
                .as("the first delivery sends its receipt")
                .isTrue();

        billingClock.advance(Duration.ofDays(31));
        WebhookReceipt again = billing.receiveWebhook(delivery.body(), delivery.signature());
        release.countDown();

        assertThat(again.duplicate()).isTrue();
        assertThat(again.inlineStatus())
                .as("still leased to the first delivery: not processed again")
                .isNull();
        assertThat(first.get(30, TimeUnit.SECONDS).inlineStatus()).isEqualTo(InboxStatus.PROCESSED);
        assertThat(sent).singleElement().isInstanceOf(Notification.Receipt.class);
        assertThat(stores.inbox().find(again.eventId()).orElseThrow().receivedAt())
                .as("the inbox's times are the work clock's")
                .isEqualTo(Builders.T0.plus(Duration.ofHours(5)));
    }

    @Test
    void withoutAWorkClockTheInboxIsOnTheBillingClock() {
        Billing billing = billing(null);
        release.countDown();
        FakeWebhookVerifier.Delivery delivery = paidPurchase(billing);

        WebhookReceipt receipt = billing.receiveWebhook(delivery.body(), delivery.signature());

        assertThat(stores.inbox().find(receipt.eventId()).orElseThrow().receivedAt())
                .isEqualTo(Builders.T0);
    }
}
