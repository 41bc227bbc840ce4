package dev.billing.testkit.usecase;

import static dev.billing.testkit.Builders.anEvent;
import static dev.billing.testkit.Builders.anInvoice;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Billing;
import dev.billing.core.config.BillingOptions;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.payment.InvoicePayment;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.webhook.ProcessInboxEvent;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.Builders;
import dev.billing.testkit.MutableClock;
import dev.billing.testkit.SamplePlans;
import dev.billing.testkit.fake.FakePaymentGateway;
import dev.billing.testkit.fake.FakeWebhookVerifier;
import dev.billing.testkit.fake.InMemoryBillingStores;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Which payment intent paid which invoice, from {@code invoice_payment.paid} and from an older API version's
 * invoice ({@code InvoicePaymentEvents}), and what an invoice then shows as refunded: the same in every delivery
 * order, with duplicates, and when the payment comes before its invoice.
 */
class InvoicePaymentProjectionTest {
    private static final UserId USER = UserId.of("user_i");
    private final MutableClock clock = MutableClock.at(Builders.T0);
    private final FakePaymentGateway gateway = FakePaymentGateway.withSampleCatalog(clock);
    private final InMemoryBillingStores stores = InMemoryBillingStores.create();
    private final FakeWebhookVerifier verifier = new FakeWebhookVerifier();
    private Billing billing;
    private CustomerId customer;
    private int events;

    @BeforeEach
    void setUp() {
        billing = Billing.builder()
                .gateway(gateway)
                .webhookVerifier(verifier)
                .stores(stores.stores())
                .plans(SamplePlans.catalog())
                .clock(clock)
                .sleeper(d -> {})
                .options(BillingOptions.builder()
                        .allowedOrigins(List.of(BillingHarness.ORIGIN))
                        .build())
                .build();
        customer = billing.ensureCustomer(BillingHarness.create().identity(USER.value()))
                .customerId();
    }

    /** A delivery of a new event created at {@code at}, signed; the same delivery can be sent again. */
    private FakeWebhookVerifier.Delivery event(String type, Instant at, EventObject object) {
        StripeEvent event = anEvent()
                .withId("evt_inpay_" + ++events)
                .withType(type)
                .createdAt(at)
                .forObject("invoice", "in_x")
                .build();
        return verifier.sign(event, object);
    }

    private InboxStatus deliver(FakeWebhookVerifier.Delivery delivery) {
        billing.receiveWebhook(delivery.body(), delivery.signature());
        String id = verifier.verify(delivery.body(), delivery.signature()).id();
        return stores.inbox().find(id).orElseThrow().status();
    }

    private Invoice invoice(String id) {
        return anInvoice().withId(id).withCustomer(customer.value()).build();
    }

    private EventObject.OfRefund refund(String id, String paymentIntent, long amount, String status) {
        return new EventObject.OfRefund(
                id,
                new PaymentRefund(
                        id,
                        customer,
                        "ch_" + id,
                        paymentIntent,
                        amount,
                        "usd",
                        status,
                        null,
                        Builders.T0,
                        SourceVersion.snapshot(clock.instant())));
    }

    private long refundedOf(String invoiceId) {
        return billing.useCases()
                .listRefunds()
                .refundedOf(USER, List.of(invoice(invoiceId)))
                .get(invoiceId);
    }

    @Test
    @DisplayName("invoice_payment.paid is a handled type, so the webhook endpoint subscribes to it")
    void invoicePaymentPaidIsHandled() {
        assertThat(ProcessInboxEvent.handlesEventType("invoice_payment.paid")).isTrue();
        assertThat(ProcessInboxEvent.handlesEventType("invoice_payment.canceled"))
                .isFalse();
    }

    @Test
    @DisplayName("the payment of an invoice not stored yet is kept, and counts once the invoice and a refund come")
    void paymentBeforeItsInvoice() {
        Instant t = clock.instant();
        FakeWebhookVerifier.Delivery paid =
                event("invoice_payment.paid", t, new EventObject.OfInvoicePayment("inpay_1", "in_1", "pi_1"));
        assertThat(deliver(paid)).isEqualTo(InboxStatus.PROCESSED);
        assertThat(stores.subscriptions().findInvoice("in_1")).isEmpty();

        deliver(event("invoice.paid", t, new EventObject.OfInvoice(invoice("in_1"))));
        deliver(event("refund.created", t, refund("re_1", "pi_1", 700, "succeeded")));

        assertThat(refundedOf("in_1")).isEqualTo(700);
        assertThat(stores.subscriptions().invoicePaymentsOf(List.of("in_1")))
                .containsExactly(new InvoicePayment("in_1", "pi_1"));
    }

    @Test
    @DisplayName("every delivery order of invoice, payment and refund ends the same, duplicates included")
    void everyOrderEndsTheSame() {
        List<List<Integer>> orders = List.of(
                List.of(0, 1, 2),
                List.of(0, 2, 1),
                List.of(1, 0, 2),
                List.of(1, 2, 0),
                List.of(2, 0, 1),
                List.of(2, 1, 0));
        for (int n = 0; n < orders.size(); n++) {
            String invoiceId = "in_order_" + n;
            String intent = "pi_order_" + n;
            Instant t = clock.instant();
            List<FakeWebhookVerifier.Delivery> deliveries = List.of(
                    event("invoice.paid", t, new EventObject.OfInvoice(invoice(invoiceId))),
                    event("invoice_payment.paid", t, new EventObject.OfInvoicePayment("inpay_" + n, invoiceId, intent)),
                    event("refund.created", t, refund("re_order_" + n, intent, 300, "succeeded")));
            for (int i : orders.get(n)) {
                deliver(deliveries.get(i));
                deliver(deliveries.get(i)); // a redelivery: a duplicate in the inbox
            }
            // The same payment again in a new event (a replay, another endpoint's copy): nothing changes.
            deliver(event(
                    "invoice_payment.paid",
                    t.plusSeconds(1),
                    new EventObject.OfInvoicePayment("inpay_" + n, invoiceId, intent)));

            assertThat(refundedOf(invoiceId)).as("order " + orders.get(n)).isEqualTo(300);
            assertThat(stores.subscriptions().invoicePaymentsOf(List.of(invoiceId)))
                    .hasSize(1);
        }
    }

    @Test
    @DisplayName("an older API version's invoice names its payment intent itself")
    void legacyInvoiceNamesItsPaymentIntent() {
        Instant t = clock.instant();
        deliver(event("refund.created", t, refund("re_old", "pi_old", 1000, "succeeded")));
        assertThat(refundedOf("in_old")).isZero();

        assertThat(deliver(
                        event("invoice.payment_succeeded", t, new EventObject.OfInvoice(invoice("in_old"), "pi_old"))))
                .isEqualTo(InboxStatus.PROCESSED);

        assertThat(refundedOf("in_old")).isEqualTo(1000);
    }

    @Test
    @DisplayName(
            "an invoice paid in two parts shows the refunds of both; failed refunds and other payments do not count")
    void onlyTheInvoicesPaymentsAndCountingRefunds() {
        Instant t = clock.instant();
        deliver(event("invoice.paid", t, new EventObject.OfInvoice(invoice("in_parts"))));
        deliver(event("invoice_payment.paid", t, new EventObject.OfInvoicePayment("inpay_a", "in_parts", "pi_a")));
        deliver(event("invoice_payment.paid", t, new EventObject.OfInvoicePayment("inpay_b", "in_parts", "pi_b")));
        deliver(event("refund.created", t, refund("re_a", "pi_a", 100, "succeeded")));
        deliver(event("refund.created", t, refund("re_b", "pi_b", 200, "pending")));
        deliver(event("refund.failed", t, refund("re_c", "pi_b", 400, "failed")));
        deliver(event("refund.created", t, refund("re_other", "pi_other", 800, "succeeded")));

        Map<String, Long> refunded =
                billing.useCases().listRefunds().refundedOf(USER, List.of(invoice("in_parts"), invoice("in_unpaid")));
        assertThat(refunded).containsExactlyInAnyOrderEntriesOf(Map.of("in_parts", 300L, "in_unpaid", 0L));
        assertThat(billing.useCases()
                        .listRefunds()
                        .refundedOf(UserId.of("user_stranger"), List.of(invoice("in_parts"))))
                .as("another account sees none of the refunds")
                .containsEntry("in_parts", 0L);
    }

    @Test
    @DisplayName("a payment made without a payment intent (out of band) records nothing")
    void outOfBandPaymentsAreIgnored() {
        assertThat(deliver(event(
                        "invoice_payment.paid",
                        clock.instant(),
                        new EventObject.OfInvoicePayment("inpay_oob", "in_oob", null))))
                .isEqualTo(InboxStatus.IGNORED);
        assertThat(stores.subscriptions().countInvoicePayments()).isZero();
    }
}
