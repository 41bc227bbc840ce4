package dev.billing.smtp;

import static dev.billing.testkit.Builders.aSubscription;
import static dev.billing.testkit.Builders.anEvent;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.billing.core.Billing;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Identity;
import dev.billing.core.model.Money;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.notice.NoticeEntry;
import dev.billing.core.model.notice.NoticeKind;
import dev.billing.core.model.notice.NoticeQuery;
import dev.billing.core.model.notice.NoticeStatus;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.testkit.Builders;
import dev.billing.testkit.MutableClock;
import dev.billing.testkit.SamplePlans;
import dev.billing.testkit.fake.FakePaymentGateway;
import dev.billing.testkit.fake.FakeWebhookVerifier;
import dev.billing.testkit.fake.InMemoryBillingStores;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every notice the core's events mean, mailed through {@link SmtpNotifier} to GreenMail: rendered as text and HTML,
 * sent once for its event however often it is delivered, written to the notice log with its {@code Message-ID}; a
 * template from the templates directory replaces the built-in one; a failed send is logged as failed.
 */
class SmtpNoticeKindsIT {
    private static final String EMAIL = "ada@example.com";
    private static final Instant RENEWS = Instant.parse("2026-12-01T09:30:00Z");

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

    private int startMailServer() {
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        return greenMail.getSmtp().getPort();
    }

    private Billing billing(SmtpConfig config) {
        return Billing.builder()
                .gateway(gateway)
                .webhookVerifier(verifier)
                .stores(stores.stores())
                .plans(SamplePlans.catalog())
                .notifier(SmtpNotifier.create(config))
                .clock(clock)
                .sleeper(d -> {})
                .options(BillingOptions.builder()
                        .allowedOrigins(List.of("https://app.example.com"))
                        .build())
                .build();
    }

    private static SmtpConfig config(int port, Path templates) {
        return new SmtpConfig(
                "127.0.0.1",
                port,
                null,
                null,
                "Acme <billing@acme.example>",
                false,
                Duration.ofSeconds(5),
                "Acme",
                templates == null ? null : templates.toString());
    }

    private CustomerId customer(Billing billing) {
        return billing.ensureCustomer(new Identity(UserId.of("user_ada"), "sess_1", EMAIL, null, Map.of()))
                .customerId();
    }

    /** The event that means {@code kind}, delivered twice (Stripe redelivers), and its id. */
    private StripeEvent deliverEventFor(NoticeKind kind, Billing billing, CustomerId customer) {
        String type;
        EventObject object;
        var sub = aSubscription()
                .withId("sub_ada")
                .withCustomer(customer.value())
                .withPrice("price_pro_monthly")
                .withPeriod(Builders.T0, RENEWS)
                .snapshotAt(clock.instant());
        switch (kind) {
            case SUBSCRIPTION_STARTED -> {
                type = "customer.subscription.created";
                object = new EventObject.OfSubscription(
                        sub.withStatus(SubscriptionStatus.ACTIVE).build());
            }
            case PLAN_CHANGED -> {
                type = "customer.subscription.updated";
                object = new EventObject.OfSubscription(
                        sub.build(), new EventObject.SubscriptionChange("price_basic_monthly", null, null));
            }
            case SUBSCRIPTION_CANCELED -> {
                type = "customer.subscription.updated";
                object = new EventObject.OfSubscription(
                        sub.cancelingAtPeriodEnd().build(), new EventObject.SubscriptionChange(null, false, null));
            }
            case RENEWAL_REMINDER -> {
                type = "invoice.upcoming";
                object = new EventObject.OfUpcomingInvoice(customer, "sub_ada", new Money(2900, "usd"), RENEWS);
            }
            case REFUND_ISSUED -> {
                type = "charge.refunded";
                object = new EventObject.OfCharge("ch_ada", customer, new Money(1250, "eur"), "pi_ada");
            }
            default -> throw new IllegalArgumentException(kind.toString());
        }
        StripeEvent event = anEvent()
                .withType(type)
                .createdAt(clock.instant())
                .forObject("object", "obj_ada")
                .build();
        FakeWebhookVerifier.Delivery delivery = verifier.sign(event, object);
        assertThat(billing.receiveWebhook(delivery.body(), delivery.signature()).inlineStatus())
                .isEqualTo(InboxStatus.PROCESSED);
        billing.receiveWebhook(delivery.body(), delivery.signature());
        return event;
    }

    private static final Map<NoticeKind, List<String>> SAYS = Map.of(
            NoticeKind.SUBSCRIPTION_STARTED, List.of("Your Acme subscription has started", "pro plan has started"),
            NoticeKind.PLAN_CHANGED, List.of("Your Acme plan has changed", "from basic to pro"),
            NoticeKind.SUBSCRIPTION_CANCELED,
                    List.of(
                            "Your Acme subscription is canceled",
                            "You keep your plan until December 1, 2026 at 09:30 UTC"),
            NoticeKind.RENEWAL_REMINDER,
                    List.of(
                            "Your Acme subscription renews soon",
                            "We will charge $29.00",
                            "renews on December 1, 2026 at 09:30 UTC"),
            NoticeKind.REFUND_ISSUED, List.of("Your Acme refund", "We have refunded €12.50"));

    @ParameterizedTest
    @EnumSource(
            value = NoticeKind.class,
            names = {
                "SUBSCRIPTION_STARTED",
                "PLAN_CHANGED",
                "SUBSCRIPTION_CANCELED",
                "RENEWAL_REMINDER",
                "REFUND_ISSUED"
            })
    @DisplayName("each new notice is mailed once for its event, as text and HTML, and logged as sent")
    void eachNoticeIsMailedOnceAndLogged(NoticeKind kind) throws Exception {
        Billing billing = billing(config(startMailServer(), null));
        StripeEvent event = deliverEventFor(kind, billing, customer(billing));

        MimeMessage[] mails = greenMail.getReceivedMessages();
        assertThat(mails).hasSize(1);
        MimeMessage mail = mails[0];
        List<String> says = SAYS.get(kind);
        assertThat(mail.getSubject()).isEqualTo(says.get(0));
        assertThat(mail.getHeader(SmtpNotifier.NOTICE_HEADER)).containsExactly(kind.wireName());
        assertThat(mail.getHeader(SmtpNotifier.EVENT_ID_HEADER)).containsExactly(event.id());
        for (String sentence : says.subList(1, says.size())) {
            assertThat(SmtpNotifierIT.part(mail, "text/plain")).contains(sentence);
            assertThat(SmtpNotifierIT.part(mail, "text/html")).contains(sentence);
        }
        assertThat(SmtpNotifierIT.part(mail, "text/html")).startsWith("<!DOCTYPE html>");
        List<NoticeEntry> log = stores.notices().list(NoticeQuery.all(10)).items();
        assertThat(log).singleElement().satisfies(e -> {
            assertThat(e.record().kind()).isEqualTo(kind);
            assertThat(e.record().status()).isEqualTo(NoticeStatus.SENT);
            assertThat(e.record().eventId()).isEqualTo(event.id());
            assertThat(e.record().messageId()).isEqualTo(mail.getMessageID());
            assertThat(e.record().error()).isNull();
        });
    }

    @Test
    @DisplayName("a plan change Stripe invoiced at once is mailed saying the difference was charged, with the amount")
    void aPlanChangeInvoicedAtOnceSaysTheDifferenceWasCharged() throws Exception {
        Billing billing = billing(config(startMailServer(), null));
        CustomerId customer = customer(billing);
        // the invoice the change made (always_invoice), paid at once: Stripe's copy says how much
        gateway.subscribe(customer, "price_pro_monthly", SubscriptionStatus.ACTIVE);
        String invoice = gateway.listInvoices(customer, 1, null).items().get(0).id();
        var sub = aSubscription()
                .withId("sub_ada")
                .withCustomer(customer.value())
                .withPrice("price_pro_monthly")
                .withPeriod(Builders.T0, RENEWS)
                .snapshotAt(clock.instant())
                .build();
        StripeEvent event = anEvent()
                .withType("customer.subscription.updated")
                .createdAt(clock.instant())
                .forObject("subscription", "sub_ada")
                .build();
        FakeWebhookVerifier.Delivery delivery = verifier.sign(
                event,
                new EventObject.OfSubscription(
                        sub, new EventObject.SubscriptionChange("price_basic_monthly", null, null, invoice)));

        billing.receiveWebhook(delivery.body(), delivery.signature());

        MimeMessage[] mails = greenMail.getReceivedMessages();
        assertThat(mails).hasSize(1);
        long paid = gateway.getInvoice(invoice).orElseThrow().amountPaid();
        String amount = MoneyFormat.format(new Money(paid, "usd"));
        for (String part : List.of("text/plain", "text/html")) {
            assertThat(SmtpNotifierIT.part(mails[0], part))
                    .contains("from basic to pro")
                    .contains("The difference in price, " + amount + ", was charged at once")
                    .doesNotContain("next invoice");
        }
    }

    @Test
    @DisplayName("a template in the templates directory replaces the built-in one, values escaped in HTML")
    void anOverrideTemplateIsUsed(@TempDir Path templates) throws Exception {
        Files.writeString(
                templates.resolve("plan-changed.txt"),
                "Hi! {{app}} moved you to {{to_plan}} " + "(was {{from_plan}}).\n");
        Files.writeString(templates.resolve("plan-changed.html"), "<p>Now on <b>{{to_plan}}</b> at {{app}}</p>");
        Billing billing = billing(new SmtpConfig(
                "127.0.0.1",
                startMailServer(),
                null,
                null,
                "Acme <billing@acme.example>",
                false,
                Duration.ofSeconds(5),
                "Acme & Co",
                templates.toString()));

        deliverEventFor(NoticeKind.PLAN_CHANGED, billing, customer(billing));

        MimeMessage mail = greenMail.getReceivedMessages()[0];
        assertThat(mail.getSubject()).isEqualTo("Your Acme & Co plan has changed");
        assertThat(SmtpNotifierIT.part(mail, "text/plain"))
                .isEqualToNormalizingNewlines("Hi! Acme & Co moved you to pro (was basic).\n");
        assertThat(SmtpNotifierIT.part(mail, "text/html"))
                .isEqualToNormalizingNewlines("<p>Now on <b>pro</b> at Acme &amp; Co</p>");
    }

    @Test
    @DisplayName("a kind without an override file keeps its built-in words")
    void otherKindsKeepTheBuiltInTemplates(@TempDir Path templates) throws Exception {
        Files.writeString(templates.resolve("plan-changed.txt"), "{{to_plan}}");
        Billing billing = billing(config(startMailServer(), templates));

        deliverEventFor(NoticeKind.REFUND_ISSUED, billing, customer(billing));

        assertThat(SmtpNotifierIT.part(greenMail.getReceivedMessages()[0], "text/plain"))
                .contains("We have refunded €12.50");
    }

    @Test
    @DisplayName("a send that fails is logged as failed with the error, and the event stays pending")
    void aFailedSendIsLoggedAsFailed() throws Exception {
        int closed;
        try (ServerSocket reserved = new ServerSocket(0)) {
            closed = reserved.getLocalPort();
        }
        Billing billing = billing(config(closed, null));
        CustomerId customer = customer(billing);
        StripeEvent event = anEvent()
                .withType("charge.refunded")
                .createdAt(clock.instant())
                .forObject("charge", "ch_ada")
                .build();
        FakeWebhookVerifier.Delivery delivery =
                verifier.sign(event, new EventObject.OfCharge("ch_ada", customer, new Money(500, "usd"), null));

        assertThat(billing.receiveWebhook(delivery.body(), delivery.signature()).inlineStatus())
                .isEqualTo(InboxStatus.PENDING);

        assertThat(stores.notices()
                        .list(NoticeQuery.all(10).withStatus(NoticeStatus.FAILED))
                        .items())
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.record().kind()).isEqualTo(NoticeKind.REFUND_ISSUED);
                    assertThat(e.record().eventId()).isEqualTo(event.id());
                    assertThat(e.record().error())
                            .contains("SMTP connecting failed")
                            .doesNotContain(EMAIL);
                    assertThat(e.record().messageId()).isNull();
                });
    }
}
