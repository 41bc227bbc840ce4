package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.StripeClient;
import com.stripe.param.RefundCreateParams;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.payment.InvoicePayment;
import dev.billing.emulator.CheckoutCompletion;
import dev.billing.testkit.http.Http;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Refunds on the real server (local mode): a one-time purchase paid through Checkout at the emulator, refunded with
 * {@code POST /admin/refunds}; the emulator's signed {@code refund.created} and {@code charge.refunded} webhooks are
 * projected, {@code GET /stripe/refunds} lists the refunds and {@code GET /stripe/purchases} shows what went back.
 * A subscription invoice's payment refunded the same way shows on {@code GET /stripe/invoices}, through the
 * {@code invoice_payment.paid} webhook that says which payment intent paid the invoice.
 */
class RefundsIT {
    @TempDir
    static Path dir;

    static LocalFixture f;

    @BeforeAll
    static void start() {
        f = LocalFixture.start(dir, Map.of());
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    /** Buys one {@code credits_100} (10.00 USD) and waits for the purchase; returns its payment intent. */
    static String buyCredits(String token) {
        Http.Response checkout =
                f.http.post("/stripe/checkout", token, "{\"priceId\":\"price_credits_100\",\"quantity\":1}");
        assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
        CheckoutCompletion paid = f.emulator.completeCheckoutSession(
                checkout.json().path("sessionId").asText());
        f.await("/stripe/purchases", token, p -> p.path("data").size() == 1);
        return paid.paymentIntentId();
    }

    static String refund(String paymentIntent, long amount, String key) {
        Http.Response r = f.http.post(
                "/admin/refunds",
                f.local.adminToken(),
                "{\"paymentIntentId\":\"" + paymentIntent + "\",\"amount\":" + amount + "}",
                Map.of("Idempotency-Key", key));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("id").asText();
    }

    @Test
    void aRefundedPurchaseListsItsRefundsAndWhatWentBack() {
        String token = f.token("user_refunded_buyer");
        String paymentIntent = buyCredits(token);

        String first = refund(paymentIntent, 300, "refund-part-1");
        f.await("/stripe/refunds", token, r -> r.path("data").size() == 1);
        f.emulator.advanceClock(Duration.ofSeconds(2)); // so that the second refund is created later, not in a tie
        String second = refund(paymentIntent, 700, "refund-part-2");
        JsonNode refunds = f.await("/stripe/refunds", token, r -> r.path("data").size() == 2)
                .path("data");

        assertThat(refunds.get(0).path("id").asText()).as("newest first").isEqualTo(second);
        assertThat(refunds.get(1).path("id").asText()).isEqualTo(first);
        assertThat(refunds.get(1).path("amount").asLong()).isEqualTo(300);
        assertThat(refunds.get(1).path("currency").asText()).isEqualTo("usd");
        assertThat(refunds.get(1).path("status").asText()).isEqualTo("succeeded");
        assertThat(refunds.get(1).path("paymentIntentId").asText()).isEqualTo(paymentIntent);
        assertThat(refunds.get(1).path("chargeId").asText()).startsWith("ch_");
        JsonNode purchase = f.await(
                        "/stripe/purchases",
                        token,
                        p -> p.path("data").get(0).path("amountRefunded").asLong() == 1000)
                .path("data")
                .get(0);
        assertThat(purchase.path("amountTotal").asLong()).isEqualTo(1000);
        f.awaitIdle();
        assertThat(f.stores().inbox().countByStatus().getOrDefault(InboxStatus.FAILED, 0L))
                .isZero();
        // another user sees none of them
        assertThat(f.http.get("/stripe/refunds", f.token("user_refund_stranger"))
                        .json()
                        .path("data"))
                .isEmpty();
    }

    @Test
    void aRefundRetriedWithTheSameIdempotencyKeyIsRecordedOnce() {
        String token = f.token("user_retried_refund");
        String paymentIntent = buyCredits(token);

        String first = refund(paymentIntent, 200, "refund-retried");
        String again = refund(paymentIntent, 200, "refund-retried");
        f.awaitIdle();

        assertThat(again).as("Stripe answers the same refund").isEqualTo(first);
        assertThat(f.http.get("/stripe/refunds", token).json().path("data"))
                .singleElement()
                .satisfies(r -> assertThat(r.path("id").asText()).isEqualTo(first));
        String customer = f.stripeObject(paymentIntent).path("customer").asText();
        assertThat(refundsCreated(first)).singleElement().satisfies(e -> {
            assertThat(e.path("cause").asText()).startsWith("admin:");
            assertThat(e.path("customerId").asText()).isEqualTo(customer);
        });
        assertThat(f.stripeObject(first)
                        .path("metadata")
                        .path("billing_audited_by")
                        .asText())
                .as("marked at Stripe as made by a request, whose entry takes over its webhooks'")
                .isEqualTo("request");
    }

    @Test
    void aRefundMadeInStripesDashboardIsAuditedOnceCausedByItsEvent() throws Exception {
        String token = f.token("user_dashboard_refund");
        String paymentIntent = buyCredits(token);
        String customer = f.stripeObject(paymentIntent).path("customer").asText();
        StripeClient stripe = StripeClient.builder()
                .setApiKey(f.emulator.apiKey())
                .setApiBase(f.emulator.baseUrl())
                .build();
        f.emulator.webhooks().duplicate(3).reorder(true);
        String refundId;
        try {
            refundId = stripe.v1()
                    .refunds()
                    .create(RefundCreateParams.builder()
                            .setPaymentIntent(paymentIntent)
                            .setAmount(600L)
                            .build())
                    .getId();
            f.await("/stripe/refunds", token, r -> r.path("data").size() == 1);
            f.awaitIdle();
        } finally {
            f.emulator.webhooks().reset();
        }

        assertThat(refundsCreated(refundId)).singleElement().satisfies(e -> {
            assertThat(e.path("cause").asText()).startsWith("event:evt_");
            assertThat(e.path("customerId").asText()).isEqualTo(customer);
            assertThat(e.path("detail").path("amount").asText()).isEqualTo("600");
            assertThat(e.path("detail").path("payment_intent_id").asText()).isEqualTo(paymentIntent);
        });
    }

    /** The {@code refund.created} audit entries of one refund. */
    private static List<JsonNode> refundsCreated(String refundId) {
        Http.Response audit = f.http.get("/admin/audit?type=refund.created&limit=100", f.local.adminToken());
        assertThat(audit.status()).as(audit.body()).isEqualTo(200);
        List<JsonNode> entries = new java.util.ArrayList<>();
        audit.json().path("data").forEach(e -> {
            if (e.path("entityId").asText().equals(refundId)) {
                entries.add(e);
            }
        });
        return entries;
    }

    @Test
    void duplicateAndReorderedDeliveriesKeepOneRowWithTheNewestStatus() {
        String token = f.token("user_redelivered_refund");
        String paymentIntent = buyCredits(token);
        String customer = f.stripeObject(paymentIntent).path("customer").asText();
        f.emulator.webhooks().duplicate(3).reorder(true);
        String refundId;
        try {
            refundId = refund(paymentIntent, 400, "refund-dup");
            f.awaitIdle();
        } finally {
            f.emulator.webhooks().reset();
        }
        assertThat(f.http.get("/stripe/refunds", token).json().path("data"))
                .singleElement()
                .satisfies(r -> assertThat(r.path("id").asText()).isEqualTo(refundId));

        // A refund the emulator does not know (so the server's re-fetch finds nothing and keeps the event's
        // snapshot) fails later; the older refund.created arriving after that changes nothing.
        Instant created =
                Instant.ofEpochSecond(f.stripeObject(refundId).path("created").asLong());
        String charge = f.stripeObject(refundId).path("charge").asText();
        assertThat(f.deliverSigned(refundEvent(
                                "evt_refund_failed_1",
                                "refund.updated",
                                created.plusSeconds(60),
                                "re_handmade_1",
                                charge,
                                paymentIntent,
                                customer,
                                "failed"))
                        .status())
                .isEqualTo(200);
        assertThat(f.deliverSigned(refundEvent(
                                "evt_refund_created_old",
                                "refund.created",
                                created,
                                "re_handmade_1",
                                charge,
                                paymentIntent,
                                customer,
                                "succeeded"))
                        .status())
                .isEqualTo(200);

        JsonNode refunds = f.http.get("/stripe/refunds", token).json().path("data");
        assertThat(refunds).hasSize(2);
        assertThat(refunds.findValuesAsText("status")).containsExactlyInAnyOrder("succeeded", "failed");
        assertThat(f.http.get("/stripe/purchases", token)
                        .json()
                        .path("data")
                        .get(0)
                        .path("amountRefunded")
                        .asLong())
                .as("a failed refund returns nothing")
                .isEqualTo(400);
    }

    @Test
    void aRefundedSubscriptionInvoiceShowsWhatWentBackWhateverTheDeliveryOrder() throws Exception {
        String token = f.token("user_refunded_subscriber");
        f.emulator.webhooks().duplicate(2).reorder(true);
        String invoiceId;
        String paymentIntent;
        String refundId;
        try {
            f.subscribe(token, "enterprise", "month"); // no trial: its first invoice is paid
            JsonNode invoice = f.await(
                            "/stripe/invoices", token, i -> i.path("data").size() == 1)
                    .path("data")
                    .get(0);
            assertThat(invoice.path("amountRefunded").isNumber())
                    .as(invoice.toString())
                    .isTrue();
            invoiceId = invoice.path("id").asText();
            long paid = invoice.path("amountPaid").asLong();
            assertThat(paid).isPositive();
            paymentIntent = stripe("/v1/invoice_payments?invoice=" + invoiceId)
                    .path("data")
                    .path(0)
                    .path("payment")
                    .path("payment_intent")
                    .asText();
            assertThat(paymentIntent).startsWith("pi_");

            refundId = refund(paymentIntent, 1000, "refund-invoice-part");
            f.awaitIdle();
        } finally {
            f.emulator.webhooks().reset();
        }

        JsonNode listed = f.await(
                        "/stripe/invoices",
                        token,
                        i -> i.path("data").get(0).path("amountRefunded").asLong() == 1000)
                .path("data")
                .get(0);
        assertThat(listed.path("id").asText()).isEqualTo(invoiceId);
        assertThat(f.http.get("/stripe/invoices/" + invoiceId, token)
                        .json()
                        .path("amountRefunded")
                        .asLong())
                .isEqualTo(1000);
        assertThat(f.http.get("/stripe/refunds", token).json().path("data"))
                .singleElement()
                .satisfies(r -> assertThat(r.path("id").asText()).isEqualTo(refundId));
        assertThat(f.stores().subscriptions().invoicePaymentsOf(List.of(invoiceId)))
                .containsExactly(new InvoicePayment(invoiceId, paymentIntent));
        assertThat(f.stores().inbox().countByStatus().getOrDefault(InboxStatus.FAILED, 0L))
                .isZero();
        // another user's listing shows nothing of it
        assertThat(f.http.get("/stripe/invoices", f.token("user_invoice_stranger"))
                        .json()
                        .path("data"))
                .isEmpty();
    }

    /** An object read from the emulator's Stripe API, as stripe-java would read it. */
    static JsonNode stripe(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(f.emulator.baseUrl() + path))
                                .header("Authorization", "Bearer " + f.emulator.apiKey())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return LocalFixture.JSON.readTree(r.body());
    }

    /** A {@code refund.*} event as API 2026 sends it: the refund names its customer. */
    static String refundEvent(
            String eventId,
            String type,
            Instant created,
            String refundId,
            String charge,
            String paymentIntent,
            String customer,
            String status) {
        return """
                {"id":"%s","object":"event","type":"%s","created":%d,"livemode":false,
                 "api_version":"2026-07-29.dahlia","pending_webhooks":1,"request":{"id":null,"idempotency_key":null},
                 "data":{"object":{"id":"%s","object":"refund","amount":400,"balance_transaction":null,
                   "charge":"%s","created":%d,"currency":"usd","customer":"%s","customer_account":null,
                   "destination_details":{"card":{"type":"refund"},"type":"card"},"metadata":{},
                   "payment_intent":"%s","payment_method":null,"reason":null,"receipt_number":null,
                   "source_transfer_reversal":null,"status":"%s","transfer_reversal":null}}}
                """.formatted(
                        eventId,
                        type,
                        created.getEpochSecond(),
                        refundId,
                        charge,
                        created.getEpochSecond(),
                        customer,
                        paymentIntent,
                        status);
    }
}
