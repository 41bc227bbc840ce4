package dev.billing.testkit.usecase;

import static dev.billing.testkit.Builders.anEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.Billing;
import dev.billing.core.audit.AuditContext;
import dev.billing.core.checkout.CheckoutCommand;
import dev.billing.core.checkout.CheckoutOutcome;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.error.StoreException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Money;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.audit.AuditQuery;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.payment.Refund;
import dev.billing.core.model.payment.RefundRequest;
import dev.billing.core.webhook.ProcessInboxEvent;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.Builders;
import dev.billing.testkit.MutableClock;
import dev.billing.testkit.SamplePlans;
import dev.billing.testkit.fake.FakePaymentGateway;
import dev.billing.testkit.fake.FakePaymentGateway.Operation;
import dev.billing.testkit.fake.FakeWebhookVerifier;
import dev.billing.testkit.fake.InMemoryBillingStores;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Refunds projected from {@code refund.*} and {@code charge.refunded} events (RefundEvents). */
class RefundProjectionTest {
    private final MutableClock clock = MutableClock.at(Builders.T0);
    private final FakePaymentGateway gateway = FakePaymentGateway.withSampleCatalog(clock);
    private final InMemoryBillingStores stores = InMemoryBillingStores.create();
    private final FakeWebhookVerifier verifier = new FakeWebhookVerifier();
    private Billing billing;
    private CustomerId customer;
    private int events;

    @BeforeEach
    void setUp() {
        setUp(true);
    }

    private void setUp(boolean refetch) {
        billing = Billing.builder()
                .gateway(gateway)
                .webhookVerifier(verifier)
                .stores(stores.stores())
                .plans(SamplePlans.catalog())
                .clock(clock)
                .sleeper(d -> {})
                .options(BillingOptions.builder()
                        .allowedOrigins(List.of(BillingHarness.ORIGIN))
                        .refetchOnWebhook(refetch)
                        .build())
                .build();
        customer = billing.ensureCustomer(BillingHarness.create().identity("user_r"))
                .customerId();
    }

    /** Delivers the event (created at {@code at}) and returns what the inbox made of it. */
    private InboxStatus deliver(String type, Instant at, EventObject object) {
        String id = "evt_refund_" + ++events;
        StripeEvent event = anEvent()
                .withId(id)
                .withType(type)
                .createdAt(at)
                .forObject("refund", "re_x")
                .build();
        FakeWebhookVerifier.Delivery d = verifier.sign(event, object);
        billing.receiveWebhook(d.body(), d.signature());
        return stores.inbox().find(id).orElseThrow().status();
    }

    private PaymentRefund refund(String id, String status, Instant at) {
        return new PaymentRefund(
                id, customer, "ch_1", "pi_1", 500, "usd", status, null, Builders.T0, SourceVersion.snapshot(at));
    }

    /** user_r buys credits through Checkout; returns the payment intent that paid. */
    private String boughtCredits() {
        CheckoutOutcome.Started started = (CheckoutOutcome.Started) billing.startCheckout(
                BillingHarness.create().identity("user_r"),
                new CheckoutCommand.Buy(
                        "price_credits_100", 1, BillingHarness.ORIGIN + "/ok", BillingHarness.ORIGIN + "/cancel"));
        return gateway.completeCheckout(started.session().id());
    }

    private List<PaymentRefund> mine() {
        return billing.useCases().listRefunds().of(UserId.of("user_r"));
    }

    @Test
    @DisplayName("refund events are handled types, so the webhook endpoint subscribes to them")
    void refundEventsAreHandled() {
        assertThat(List.of("refund.created", "refund.updated", "refund.failed", "charge.refunded"))
                .allMatch(ProcessInboxEvent::handlesEventType);
    }

    @Test
    @DisplayName("a newer snapshot wins, an older or duplicate one changes nothing")
    void newestStatusWins() {
        Instant t = clock.instant();
        assertThat(deliver("refund.created", t, new EventObject.OfRefund("re_1", refund("re_1", "pending", t))))
                .isEqualTo(InboxStatus.PROCESSED);
        deliver(
                "refund.updated",
                t.plusSeconds(5),
                new EventObject.OfRefund("re_1", refund("re_1", "succeeded", t.plusSeconds(5))));
        deliver("refund.created", t, new EventObject.OfRefund("re_1", refund("re_1", "pending", t)));

        assertThat(mine()).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo("succeeded"));
    }

    @Test
    @DisplayName("charge.refunded records the refunds an older API version's charge embeds, newest first")
    void embeddedRefunds() {
        Instant t = clock.instant();
        PaymentRefund older = new PaymentRefund(
                "re_a",
                customer,
                "ch_1",
                "pi_1",
                100,
                "usd",
                "succeeded",
                null,
                Builders.T0,
                SourceVersion.snapshot(t));
        PaymentRefund newer = new PaymentRefund(
                "re_b",
                customer,
                "ch_1",
                "pi_1",
                200,
                "usd",
                "succeeded",
                null,
                Builders.T0.plus(Duration.ofMinutes(1)),
                SourceVersion.snapshot(t));

        assertThat(deliver(
                        "charge.refunded",
                        t,
                        new EventObject.OfCharge(
                                "ch_1", customer, new Money(300, "usd"), "pi_1", List.of(older, newer))))
                .isEqualTo(InboxStatus.PROCESSED);

        assertThat(mine()).extracting(PaymentRefund::id).containsExactly("re_b", "re_a");
    }

    @Test
    @DisplayName("a refund event naming no customer (an older API version) is read from Stripe for its customer")
    void customerlessRefundIsReadFromTheGateway() {
        String paymentIntent = boughtCredits();
        Refund refund = gateway.createRefund(new RefundRequest(paymentIntent, 250L, null, "refund-r"));

        assertThat(deliver("refund.created", clock.instant(), new EventObject.OfRefund(refund.id(), null)))
                .isEqualTo(InboxStatus.PROCESSED);

        assertThat(mine()).singleElement().satisfies(r -> {
            assertThat(r.customerId()).isEqualTo(customer);
            assertThat(r.amount()).isEqualTo(250);
            assertThat(r.paymentIntentId()).isEqualTo(paymentIntent);
        });
    }

    @Test
    @DisplayName("a snapshot of the second its refund was read from Stripe in is settled by reading it again")
    void aSnapshotOfTheSecondItsRefundWasReadInIsSettledByReadingIt() {
        setUp(false);
        String paymentIntent = boughtCredits();
        Refund refund = gateway.createRefund(new RefundRequest(paymentIntent, 250L, null, "refund-r"));
        Instant t = clock.instant();
        deliver("refund.created", t, new EventObject.OfRefund(refund.id(), null)); // read from Stripe: a stamp of t
        int reads = gateway.calls(Operation.GET_REFUND).size();

        deliver("refund.updated", t, new EventObject.OfRefund(refund.id(), refund(refund.id(), "pending", t)));

        assertThat(gateway.calls(Operation.GET_REFUND))
                .as("only Stripe knows whether the read or the event came first")
                .hasSize(reads + 1);
        assertThat(mine()).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo("succeeded"));
    }

    @Test
    @DisplayName("a refund made in Stripe's Dashboard is audited once, caused by its first event")
    void aDashboardRefundIsAuditedOnceByItsFirstEvent() {
        Instant t = clock.instant();
        deliver("refund.created", t, new EventObject.OfRefund("re_dash", refund("re_dash", "pending", t)));
        deliver(
                "refund.updated",
                t.plusSeconds(5),
                new EventObject.OfRefund("re_dash", refund("re_dash", "succeeded", t.plusSeconds(5))));
        deliver(
                "charge.refunded",
                t.plusSeconds(6),
                new EventObject.OfCharge(
                        "ch_1",
                        customer,
                        new Money(500, "usd"),
                        "pi_1",
                        List.of(refund("re_dash", "succeeded", t.plusSeconds(6)))));
        deliver("refund.created", t, new EventObject.OfRefund("re_dash", refund("re_dash", "pending", t)));

        assertThat(refundsCreated()).singleElement().satisfies(e -> {
            assertThat(e.entityId()).isEqualTo("re_dash");
            assertThat(e.customerId()).isEqualTo(customer);
            assertThat(e.cause()).isEqualTo(AuditCause.event("evt_refund_1"));
            assertThat(e.detail())
                    .containsEntry("amount", "500")
                    .containsEntry("currency", "usd")
                    .containsEntry("status", "pending")
                    .containsEntry("payment_intent_id", "pi_1");
        });
    }

    @Test
    @DisplayName("an admin's refund is audited by the admin's request, and its webhooks add nothing")
    void anAdminsRefundIsAuditedByItsRequest() {
        String paymentIntent = boughtCredits();
        Refund refund;
        try (AuditContext.Scope cause = AuditContext.enter(AuditCause.admin("req_admin"))) {
            refund = billing.useCases().refundPayment().refund(new RefundRequest(paymentIntent, 250L, null, "key-a"));
        }
        PaymentRefund asStripeSends = gateway.getRefund(refund.id()).orElseThrow();
        assertThat(asStripeSends.auditedByRequest()).isTrue();

        deliver("refund.created", clock.instant(), new EventObject.OfRefund(refund.id(), asStripeSends));
        deliver("refund.updated", clock.instant(), new EventObject.OfRefund(refund.id(), null));

        assertThat(mine()).singleElement().satisfies(r -> assertThat(r.id()).isEqualTo(refund.id()));
        assertThat(refundsCreated()).singleElement().satisfies(e -> {
            assertThat(e.entityId()).isEqualTo(refund.id());
            assertThat(e.cause()).isEqualTo(AuditCause.admin("req_admin"));
            assertThat(e.customerId())
                    .as("in the customer's trail, as a webhook's entry")
                    .isEqualTo(customer);
        });
    }

    @Test
    @DisplayName("an admin's refund whose request failed after Stripe refunded is audited by its webhook, until the"
            + " admin's retry takes the entry over")
    void anAdminsRefundLeftByItsRequestIsAuditedByItsWebhook() {
        String paymentIntent = boughtCredits();
        RefundRequest asked = new RefundRequest(paymentIntent, 250L, null, "key-b");
        stores.storeSwitch().failNext(1); // the request's audit write, after Stripe refunded
        try (AuditContext.Scope cause = AuditContext.enter(AuditCause.admin("req_first"))) {
            assertThatThrownBy(() -> billing.useCases().refundPayment().refund(asked))
                    .isInstanceOf(StoreException.class);
        }
        PaymentRefund made = gateway.getRefund(
                        gateway.createRefund(new RefundRequest(paymentIntent, 250L, null, "key-b", true))
                                .id())
                .orElseThrow();
        assertThat(made.auditedByRequest()).isTrue();
        assertThat(refundsCreated()).isEmpty();

        deliver("refund.created", clock.instant(), new EventObject.OfRefund(made.id(), made));

        AuditEntry byWebhook = refundsCreated().get(0);
        assertThat(refundsCreated()).singleElement().satisfies(e -> {
            assertThat(e.entityId()).isEqualTo(made.id());
            assertThat(e.cause().kind()).isEqualTo(AuditCause.Kind.EVENT);
        });

        Refund again;
        try (AuditContext.Scope cause = AuditContext.enter(AuditCause.admin("req_retry"))) {
            again = billing.useCases().refundPayment().refund(asked);
        }
        deliver("refund.updated", clock.instant(), new EventObject.OfRefund(made.id(), null));

        assertThat(again.id()).isEqualTo(made.id());
        assertThat(refundsCreated()).singleElement().satisfies(e -> {
            assertThat(e.id()).as("in the webhook's place").isEqualTo(byWebhook.id());
            assertThat(e.cause()).isEqualTo(AuditCause.admin("req_retry"));
            assertThat(e.customerId()).isEqualTo(customer);
        });
    }

    private List<AuditEntry> refundsCreated() {
        return stores.audit().list(AuditQuery.all(100)).items().stream()
                .filter(e -> e.action() == AuditAction.REFUND_CREATED)
                .toList();
    }

    @Test
    @DisplayName("a guest's refund (no customer) is processed and records nothing")
    void guestRefundsAreSkipped() {
        assertThat(deliver("refund.created", clock.instant(), new EventObject.OfRefund("re_guest", null)))
                .isEqualTo(InboxStatus.PROCESSED);
        assertThat(deliver(
                        "charge.refunded",
                        clock.instant(),
                        new EventObject.OfCharge("ch_guest", null, new Money(100, "usd"), "pi_guest")))
                .isEqualTo(InboxStatus.PROCESSED);

        assertThat(stores.subscriptions().countRefunds()).isZero();
        assertThat(refundsCreated()).isEmpty();
    }
}
