package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.payment.Invoice;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.port.BillingStores;
import dev.billing.testkit.http.Http;
import dev.billing.testkit.webhook.StripeSignature;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /webhooks/stripe} with Stripe's real signature scheme (the emulator signs, the Stripe adapter's
 * verifier checks) on embedded Postgres: every rejection stores nothing; duplicated and reordered deliveries end in
 * exactly Stripe's state.
 */
class LocalWebhooksIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    LocalMode local;
    Http http;

    @BeforeEach
    void start() {
        local = LocalModeIT.start(dir);
        http = Http.local(local.port());
    }

    @AfterEach
    void stop() {
        local.close();
    }

    BillingStores stores() {
        return local.server().billing().stores();
    }

    long inboxRows() {
        return stores().inbox().countByStatus().values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    Http.Response deliver(byte[] body, String signature) {
        HttpRequest.Builder b = http.request("/webhooks/stripe")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            b.header("Stripe-Signature", signature);
        }
        return http.send(b);
    }

    String sign(byte[] body, Instant at, String secret) {
        return StripeSignature.header(secret, at, body);
    }

    static byte[] event(String id) {
        return ("{\"id\":\"" + id + "\",\"object\":\"event\",\"type\":\"customer.updated\",\"created\":"
                        + Instant.now().getEpochSecond() + ",\"livemode\":false,\"api_version\":\"2026-07-29.dahlia\","
                        + "\"data\":{\"object\":{\"id\":\"cus_x\",\"object\":\"customer\",\"metadata\":{}}}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aCorrectlySignedEventIsAcceptedOnce() throws Exception {
        byte[] body = event("evt_ok_1");
        String signature = sign(body, local.emulator().now(), local.webhookSecret());
        Http.Response first = deliver(body, signature);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(deliver(body, signature).json().path("duplicate").asBoolean())
                .isTrue();
        assertThat(stores().inbox().find("evt_ok_1")).isPresent();
    }

    @Test
    @DisplayName("an event type billing does not handle, and a live-mode event on a test-mode server: 200, ignored")
    void unknownTypesAndTheOtherModeAreAnsweredAndIgnored() throws Exception {
        long created = Instant.now().getEpochSecond();
        byte[] unknown =
                ("{\"id\":\"evt_unknown_type\",\"object\":\"event\",\"type\":\"treasury.future_thing.created\","
                                + "\"created\":" + created
                                + ",\"livemode\":false,\"api_version\":\"2026-07-29.dahlia\","
                                + "\"data\":{\"object\":{\"id\":\"tft_1\",\"object\":\"treasury.future_thing\"}}}")
                        .getBytes(StandardCharsets.UTF_8);
        byte[] live = ("{\"id\":\"evt_live_mode\",\"object\":\"event\",\"type\":\"customer.subscription.updated\","
                        + "\"created\":" + created + ",\"livemode\":true,\"api_version\":\"2026-07-29.dahlia\","
                        + "\"data\":{\"object\":{\"id\":\"sub_live_1\",\"object\":\"subscription\","
                        + "\"customer\":\"cus_live_1\",\"status\":\"active\",\"livemode\":true,\"metadata\":{},"
                        + "\"items\":{\"object\":\"list\",\"data\":[]}}}}")
                .getBytes(StandardCharsets.UTF_8);
        for (byte[] body : List.of(unknown, live)) {
            Http.Response answer = deliver(body, sign(body, local.emulator().now(), local.webhookSecret()));
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        }
        awaitInboxIdle();
        assertThat(stores().inbox().find("evt_unknown_type").orElseThrow().status())
                .isEqualTo(InboxStatus.IGNORED);
        assertThat(stores().inbox().find("evt_live_mode").orElseThrow().status())
                .isEqualTo(InboxStatus.IGNORED);
        assertThat(stores().subscriptions().findSubscription("sub_live_1"))
                .as("a live-mode event projects nothing on a test-mode server")
                .isEmpty();
    }

    @Test
    void everyRejectionIs400AndStoresNothing() throws Exception {
        long before = inboxRows();
        long customers = stores().customers().count();
        byte[] body = event("evt_forged_1");
        Instant now = local.emulator().now();
        List<Http.Response> answers = List.of(
                deliver(body, null),
                deliver(body, ""),
                deliver(body, "garbage"),
                deliver(body, "t=" + now.getEpochSecond() + ",v1=" + "ab".repeat(32)),
                deliver(body, sign(body, now, "whsec_someoneelse")),
                deliver(body, sign(body, now.minusSeconds(600), local.webhookSecret())),
                deliver(body, sign(body, now.plusSeconds(600), local.webhookSecret())),
                deliver(
                        "not json at all".getBytes(StandardCharsets.UTF_8),
                        sign("not json at all".getBytes(StandardCharsets.UTF_8), now, local.webhookSecret())),
                deliver(
                        "{\"object\":\"event\"}".getBytes(StandardCharsets.UTF_8),
                        sign("{\"object\":\"event\"}".getBytes(StandardCharsets.UTF_8), now, local.webhookSecret())),
                deliver(event("evt_tampered"), sign(body, now, local.webhookSecret())));
        for (Http.Response r : answers) {
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("invalid_webhook");
            assertThat(r.body()).doesNotContain(local.webhookSecret());
        }
        assertThat(inboxRows()).isEqualTo(before);
        assertThat(stores().customers().count()).isEqualTo(customers);
        String metrics = http.get("/metrics", local.adminToken()).body();
        assertThat(metrics).contains("billing_webhook_deliveries_total{outcome=\"rejected\"} 10.0");
    }

    @Test
    void duplicatedAndReorderedDeliveriesEndInStripesState() throws Exception {
        local.emulator().webhooks().duplicate(3).reorder(true);
        String token = LocalModeIT.token(http, "user_chaos");
        String customer = customer(token);
        String sub = paysPro(token);
        assertThat(http.post("/stripe/subscriptions/" + sub + "/cancel", token, null)
                        .status())
                .isEqualTo(200);
        assertThat(http.post("/stripe/subscriptions/" + sub + "/resume", token, null)
                        .status())
                .isEqualTo(200);
        Http.Response changed = http.post(
                "/stripe/subscriptions/" + sub + "/update", token, "{\"tier\":\"enterprise\",\"interval\":\"month\"}");
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        local.emulator().advanceClock(Duration.ofDays(31)); // the trial ends: first paid invoice
        assertThat(http.post("/stripe/subscriptions/" + sub + "/cancel", token, "{\"atPeriodEnd\":true}")
                        .status())
                .isEqualTo(200);

        assertThat(local.emulator().awaitDeliveries(Duration.ofSeconds(20))).isTrue();
        awaitInboxIdle();
        assertThat(local.emulator().deliveryLog().stream().filter(d -> d.copy() > 1))
                .isNotEmpty();

        JsonNode stripeSub = JSON.readTree(local.emulator().objectJson(sub));
        Subscription projected = stores().subscriptions().findSubscription(sub).orElseThrow();
        assertThat(projected.status().stripeName())
                .isEqualTo(stripeSub.path("status").asText());
        assertThat(projected.cancelAtPeriodEnd())
                .isEqualTo(stripeSub.path("cancel_at_period_end").asBoolean())
                .isTrue();
        JsonNode item = stripeSub.path("items").path("data").get(0);
        assertThat(projected.priceId())
                .isEqualTo(item.path("price").path("id").asText())
                .isEqualTo("price_enterprise_monthly");
        assertThat(projected.currentPeriodEnd().getEpochSecond())
                .isEqualTo(item.path("current_period_end").asLong());

        List<Invoice> invoices = stores().subscriptions().invoicesOf(CustomerId.of(customer));
        assertThat(invoices).isNotEmpty();
        for (Invoice invoice : invoices) {
            JsonNode stripeInvoice = JSON.readTree(local.emulator().objectJson(invoice.id()));
            assertThat(invoice.status().stripeName())
                    .as(invoice.id())
                    .isEqualTo(stripeInvoice.path("status").asText());
            assertThat(invoice.amountPaid())
                    .as(invoice.id())
                    .isEqualTo(stripeInvoice.path("amount_paid").asLong());
        }
        JsonNode me = http.get("/me/entitlements", token).json();
        assertThat(me.path("tier").asText())
                .as("%s%nStripe's subscription: %s", me, stripeSub)
                .isEqualTo("enterprise");
        assertThat(me.path("status").asText()).isEqualTo("active");
        assertThat(me.path("cancelAtPeriodEnd").asBoolean()).isTrue();
        assertThat(stores().inbox().countByStatus().get(InboxStatus.FAILED)).isZero();
        // The clock advance above happens while deliveries are being processed: no event's notice goes out twice.
        List<String> notices = stores().notices().forUser(UserId.of("user_chaos")).stream()
                .map(e -> e.record().eventId() + " " + e.record().kind().wireName())
                .toList();
        assertThat(notices).isNotEmpty().doesNotHaveDuplicates();
    }

    @Test
    @DisplayName("an event of an older API version is read again by id: the subscription stored is Stripe's own")
    void anEventOfAnOlderApiVersionIsReadAgainById() throws Exception {
        String token = LocalModeIT.token(http, "user_old_version");
        String customer = customer(token);
        String sub = paysPro(token);
        assertThat(local.emulator().awaitDeliveries(Duration.ofSeconds(20))).isTrue();
        awaitInboxIdle();

        // The 2020-08-27 shape: the period on the subscription, none on its item, and a `plan` beside the price. Its
        // status, price and period are none of Stripe's, so only a read by id at the pinned version gives Stripe's.
        // A minute after Stripe's last change, so the event's snapshot is newer than anything stored.
        long created = local.emulator().now().getEpochSecond() + 60;
        byte[] body = ("""
                {"id":"evt_old_version_1","object":"event","api_version":"2020-08-27","created":%d,"livemode":false,
                 "type":"customer.subscription.updated","pending_webhooks":1,"request":{"id":null},
                 "data":{"object":{"id":"%s","object":"subscription","customer":"%s","status":"past_due",
                   "current_period_start":1618000000,"current_period_end":1620592000,"created":1618000000,
                   "start_date":1618000000,"cancel_at_period_end":false,"cancel_at":null,"canceled_at":null,
                   "ended_at":null,"trial_start":null,"trial_end":null,"livemode":false,"metadata":{},"quantity":1,
                   "plan":{"id":"price_old_version","object":"plan","amount":900,"currency":"usd",
                     "interval":"month","interval_count":1,"usage_type":"licensed"},
                   "items":{"object":"list","has_more":false,"total_count":1,"data":[{"id":"si_old_version",
                     "object":"subscription_item","quantity":1,"subscription":"%s",
                     "plan":{"id":"price_old_version","object":"plan","usage_type":"licensed"},
                     "price":{"id":"price_old_version","object":"price","type":"recurring","currency":"usd",
                       "unit_amount":900,"recurring":{"interval":"month","interval_count":1,"usage_type":"licensed"}}}]}},
                 "previous_attributes":{"status":"active"}}}
                """.formatted(created, sub, customer, sub)).getBytes(StandardCharsets.UTF_8);
        Http.Response answer = deliver(body, sign(body, local.emulator().now(), local.webhookSecret()));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        awaitInboxIdle();

        assertThat(stores().inbox()
                        .find("evt_old_version_1")
                        .orElseThrow()
                        .event()
                        .apiVersion())
                .isEqualTo("2020-08-27");
        JsonNode stripeSub = JSON.readTree(local.emulator().objectJson(sub));
        JsonNode item = stripeSub.path("items").path("data").get(0);
        Subscription projected = stores().subscriptions().findSubscription(sub).orElseThrow();
        assertThat(projected.status().stripeName())
                .as("Stripe's status, not the event's past_due")
                .isEqualTo(stripeSub.path("status").asText())
                .isNotEqualTo("past_due");
        assertThat(projected.priceId()).isEqualTo(item.path("price").path("id").asText());
        assertThat(projected.currentPeriodEnd().getEpochSecond())
                .isEqualTo(item.path("current_period_end").asLong());
        assertThat(stores().inbox().countByStatus().get(InboxStatus.FAILED)).isZero();
    }

    /** The user's Stripe customer, made by the API. */
    String customer(String token) {
        return http.post("/stripe/customer", token, null)
                .json()
                .path("customerId")
                .asText();
    }

    /** The user starts Checkout for pro, monthly, and the emulator completes it: the subscription's id. */
    String paysPro(String token) {
        String session = http.post("/stripe/checkout", token, "{\"tier\":\"pro\",\"interval\":\"month\"}")
                .json()
                .path("sessionId")
                .asText();
        return local.emulator().completeCheckoutSession(session).subscriptionId();
    }

    void awaitInboxIdle() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            Map<InboxStatus, Long> counts = stores().inbox().countByStatus();
            if (counts.get(InboxStatus.PENDING) == 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(
                "inbox still has pending events: " + stores().inbox().countByStatus());
    }
}
