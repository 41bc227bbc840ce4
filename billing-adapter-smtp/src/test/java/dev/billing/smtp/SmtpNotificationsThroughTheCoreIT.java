package dev.billing.smtp;

import static dev.billing.testkit.Builders.anEvent;
import static dev.billing.testkit.Builders.anInvoice;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.billing.core.Billing;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.config.RetrySchedule;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Identity;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoiceStatus;
import dev.billing.core.port.Notifier;
import dev.billing.core.webhook.WebhookReceipt;
import dev.billing.testkit.Builders;
import dev.billing.testkit.MutableClock;
import dev.billing.testkit.SamplePlans;
import dev.billing.testkit.contract.Race;
import dev.billing.testkit.fake.FakePaymentGateway;
import dev.billing.testkit.fake.FakeWebhookVerifier;
import dev.billing.testkit.fake.InMemoryBillingStores;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole path: a signed webhook is recorded and processed by the core ({@link Billing} over the testkit's fakes),
 * which calls {@link SmtpNotifier}, which talks SMTP to GreenMail over a socket. DESIGN §4.2 point 6: one notice per
 * event, however often and however concurrently the event arrives, and a failed send retries the event.
 */
class SmtpNotificationsThroughTheCoreIT {
    private static final String ORIGIN = "https://app.example.com";
    private static final String EMAIL = "ada@example.com";

    private final MutableClock clock = MutableClock.at(Builders.T0);
    private final FakePaymentGateway gateway = FakePaymentGateway.withSampleCatalog(clock);
    private final InMemoryBillingStores stores = InMemoryBillingStores.create();
    private final FakeWebhookVerifier verifier = new FakeWebhookVerifier();
    private GreenMail greenMail;

    @AfterEach
    void stopMailServer() {
        if (greenMail != null) {
            greenMail.stop();
        }
    }

    private int startMailServer(int port) {
        greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        return greenMail.getSmtp().getPort();
    }

    private Billing billing(Notifier notifier) {
        BillingOptions options = BillingOptions.builder()
                .allowedOrigins(List.of(ORIGIN))
                .defaultSuccessUrl(ORIGIN + "/billing/success")
                .defaultCancelUrl(ORIGIN + "/billing/cancel")
                .defaultReturnUrl(ORIGIN + "/account")
                .retrySchedule(new RetrySchedule(Duration.ofSeconds(10), 2.0, Duration.ofMinutes(10), 5))
                .build();
        return Billing.builder()
                .gateway(gateway)
                .webhookVerifier(verifier)
                .stores(stores.stores())
                .plans(SamplePlans.catalog())
                .notifier(notifier)
                .options(options)
                .clock(clock)
                .sleeper(d -> {})
                .build();
    }

    private static SmtpNotifier smtp(int port, long timeoutMs) {
        return SmtpNotifier.create(new SmtpConfig(
                "127.0.0.1",
                port,
                null,
                null,
                "Acme <billing@acme.example>",
                false,
                Duration.ofMillis(timeoutMs),
                "Acme"));
    }

    /** A failed payment for a user whose customer is linked, as a signed delivery. */
    private final class PaymentFailedEvent {
        final StripeEvent event;
        final FakeWebhookVerifier.Delivery delivery;

        PaymentFailedEvent(Billing billing, String email) {
            CustomerId customer = billing.ensureCustomer(
                            new Identity(UserId.of("user_ada"), "sess_1", email, null, Map.of()))
                    .customerId();
            Invoice invoice = anInvoice()
                    .withCustomer(customer.value())
                    .withStatus(InvoiceStatus.OPEN)
                    .withAmounts(2900, 0)
                    .build();
            event = anEvent()
                    .withType("invoice.payment_failed")
                    .forObject("invoice", invoice.id())
                    .createdAt(clock.instant())
                    .build();
            delivery = verifier.sign(event, new EventObject.OfInvoice(invoice));
        }

        WebhookReceipt deliver(Billing billing) {
            return billing.receiveWebhook(delivery.body(), delivery.signature());
        }

        InboxEntry entry() {
            return stores.inbox().find(event.id()).orElseThrow();
        }
    }

    private void assertOneMailFor(StripeEvent event) throws Exception {
        MimeMessage[] mails = greenMail.getReceivedMessages();
        assertThat(mails).hasSize(1);
        assertThat(mails[0].getSubject()).isEqualTo("Your Acme payment failed");
        assertThat(mails[0].getHeader(SmtpNotifier.EVENT_ID_HEADER)).containsExactly(event.id());
        assertThat(SmtpNotifierIT.part(mails[0], "text/plain"))
                .contains("$29.00")
                .contains("https://invoice.stripe.test/i/1");
    }

    @Test
    void theSameEventDeliveredFiveTimesInARowSendsOneMail() throws Exception {
        Billing billing = billing(smtp(startMailServer(0), 5_000));
        PaymentFailedEvent failed = new PaymentFailedEvent(billing, EMAIL);

        List<WebhookReceipt> receipts = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            receipts.add(failed.deliver(billing));
        }

        assertThat(receipts)
                .filteredOn(r -> !r.duplicate())
                .singleElement()
                .satisfies(r -> assertThat(r.inlineStatus()).isEqualTo(InboxStatus.PROCESSED));
        assertThat(failed.entry().notifiedAt()).isNotNull();
        assertOneMailFor(failed.event);
    }

    @Test
    void theSameEventDeliveredFiveTimesAtOnceSendsOneMail() throws Exception {
        Billing billing = billing(smtp(startMailServer(0), 5_000));
        PaymentFailedEvent failed = new PaymentFailedEvent(billing, EMAIL);

        List<WebhookReceipt> receipts = Race.run(5, i -> failed.deliver(billing));
        clock.advance(Duration.ofMinutes(5));
        billing.processDueEvents(10);

        assertThat(receipts).filteredOn(r -> !r.duplicate()).hasSize(1);
        assertThat(failed.entry().status()).isEqualTo(InboxStatus.PROCESSED);
        assertOneMailFor(failed.event);
    }

    @Test
    void aMailServerDownForTheFirstAttemptLeavesTheEventPendingAndTheRetrySendsExactlyOneMail() throws Exception {
        int port;
        try (ServerSocket reserved = new ServerSocket(0)) {
            port = reserved.getLocalPort();
        }
        Billing billing = billing(smtp(port, 2_000));
        PaymentFailedEvent failed = new PaymentFailedEvent(billing, EMAIL);

        assertThat(failed.deliver(billing).inlineStatus()).isEqualTo(InboxStatus.PENDING);
        InboxEntry pending = failed.entry();
        assertThat(pending.attempts()).isEqualTo(1);
        assertThat(pending.notifiedAt()).isNull();
        assertThat(pending.nextAttemptAt()).isEqualTo(clock.instant().plusSeconds(10));
        assertThat(pending.lastError())
                .startsWith("SmtpSendException: SMTP connecting failed for the payment-failed " + "notice of event "
                        + failed.event.id())
                .doesNotContain(EMAIL);

        startMailServer(port);
        assertThat(billing.processDueEvents(10)).as("not due yet").isZero();
        assertThat(greenMail.getReceivedMessages()).isEmpty();
        clock.advance(Duration.ofSeconds(10));
        assertThat(billing.processDueEvents(10)).isEqualTo(1);

        assertThat(failed.entry().status()).isEqualTo(InboxStatus.PROCESSED);
        assertThat(failed.entry().notifiedAt()).isNotNull();
        assertOneMailFor(failed.event);
        clock.advance(Duration.ofHours(1));
        assertThat(billing.processDueEvents(10)).isZero();
        assertThat(failed.deliver(billing).duplicate()).isTrue();
        assertThat(greenMail.getReceivedMessages()).as("still one").hasSize(1);
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // without a read timeout: fail, not hang
    void aMailServerThatNeverAnswersFailsTheAttemptWithinTheTimeoutAndTheEventStaysPending() throws IOException {
        try (ScriptedSmtpServer silent = ScriptedSmtpServer.silent()) {
            Billing billing = billing(smtp(silent.port(), 400));
            PaymentFailedEvent failed = new PaymentFailedEvent(billing, EMAIL);
            long started = System.nanoTime();

            WebhookReceipt receipt = failed.deliver(billing);

            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("the webhook request was not held")
                    .isBetween(Duration.ofMillis(350), Duration.ofMillis(2_000));
            assertThat(receipt.inlineStatus()).isEqualTo(InboxStatus.PENDING);
            assertThat(failed.entry().lastError()).contains("timed out");
            assertThat(failed.entry().notifiedAt()).isNull();
        }
    }

    @Test
    void aRecipientTheServerRejectsForGoodCompletesTheEventWithoutRetrying() throws IOException {
        try (ScriptedSmtpServer rejecting = ScriptedSmtpServer.answeringRcptWith(
                "550 5.1.1 <" + EMAIL + ">: Recipient address rejected: User unknown")) {
            Billing billing = billing(smtp(rejecting.port(), 5_000));
            PaymentFailedEvent failed = new PaymentFailedEvent(billing, EMAIL);

            assertThat(failed.deliver(billing).inlineStatus()).isEqualTo(InboxStatus.PROCESSED);
            clock.advance(Duration.ofHours(1));
            assertThat(billing.processDueEvents(10)).isZero();

            assertThat(failed.entry().attempts()).isEqualTo(1);
            assertThat(rejecting.connections()).isEqualTo(1);
            assertThat(rejecting.messages()).isZero();
        }
    }

    @Test
    void aUserWithoutAnAddressCompletesTheEventAndNoMailIsSent() {
        Billing billing = billing(smtp(startMailServer(0), 5_000));
        PaymentFailedEvent failed = new PaymentFailedEvent(billing, null);

        assertThat(failed.deliver(billing).inlineStatus()).isEqualTo(InboxStatus.PROCESSED);

        assertThat(failed.entry().attempts()).isEqualTo(1);
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }
}
