package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.testkit.Builders;
import dev.billing.testkit.fake.FakeWebhookVerifier;
import dev.billing.testkit.fake.InMemoryEventInbox;
import dev.billing.testkit.http.Http;
import java.net.http.HttpRequest;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /webhooks/stripe} on the fake verifier: rejections store nothing, size limits apply before the
 * signature is checked, a store outage is a 503 Stripe retries. (The real Stripe signatures are exercised in the
 * server's local-mode tests against the emulator.)
 */
class WebhookRouteIT {
    TestApi api;

    @BeforeEach
    void start() {
        api = TestApi.start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    Http.Response deliver(byte[] body, String signature) {
        HttpRequest.Builder b = api.http
                .request("/webhooks/stripe")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            b.header("Stripe-Signature", signature);
        }
        return api.http.send(b);
    }

    FakeWebhookVerifier.Delivery signed(StripeEvent event) {
        return api.harness.verifier().sign(event, new EventObject.Other(event.objectType(), event.objectId()));
    }

    @Test
    void signedEventIsRecordedOnceAndDuplicatesAreAcknowledged() {
        StripeEvent event = Builders.anEvent()
                .withType("customer.discount.created")
                .forObject("discount", "di_1")
                .build();
        FakeWebhookVerifier.Delivery d = signed(event);
        Http.Response first = deliver(d.body(), d.signature());
        Http.Response second = deliver(d.body(), d.signature());
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().path("received").asBoolean()).isTrue();
        assertThat(first.json().path("duplicate").asBoolean()).isFalse();
        assertThat(second.json().path("duplicate").asBoolean()).isTrue();
        assertThat(api.harness.stores().inbox().find(event.id())).isPresent();
    }

    @Test
    void rejectionsAre400AndStoreNothing() {
        StripeEvent event = Builders.anEvent().build();
        FakeWebhookVerifier.Delivery d = signed(event);
        Http.Response missing = deliver(d.body(), null);
        Http.Response malformed = deliver(d.body(), "t=1,v1=abc");
        Http.Response forged = deliver("{\"id\":\"evt_forged\"}".getBytes(), d.signature());
        for (Http.Response r : new Http.Response[] {missing, malformed, forged}) {
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("invalid_webhook");
        }
        assertThat(api.harness.stores().inbox().countByStatus().values().stream()
                        .mapToLong(Long::longValue)
                        .sum())
                .isZero();
        // no store is touched on the way to a rejection: with the store down it is still a 400, not a 503
        api.harness.stores().storeSwitch().down();
        Http.Response whileDown = deliver("{\"id\":\"evt_forged\"}".getBytes(), d.signature());
        assertThat(whileDown.status()).isEqualTo(400);
        assertThat(deliver(d.body(), null).status()).isEqualTo(400);
        api.harness.stores().storeSwitch().up();
    }

    @Test
    void aLegitimate300KbEventPassesAndAnOversizedOneIs413BeforeVerification() {
        String pad = "x".repeat(300_000);
        StripeEvent big = Builders.anEvent()
                .withPayload("{\"id\":\"evt_big\",\"pad\":\"" + pad + "\"}")
                .build();
        FakeWebhookVerifier.Delivery d = signed(big);
        Http.Response ok = deliver(d.body(), d.signature());
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        Http.Response tooBig = deliver(new byte[2_500_000], "t=1,v1=abc");
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(tooBig.errorCode()).isEqualTo("payload_too_large");
    }

    @Test
    @DisplayName("the list counts each status up to 10000 and marks a status with more as counted at least that")
    void theListMarksACappedCount() {
        InMemoryEventInbox inbox = api.harness.stores().inbox();
        Instant longAgo = Instant.parse("2020-01-01T00:00:00Z");
        for (int i = 0; i < 10_001; i++) {
            inbox.restore(new InboxEntry(
                    Builders.anEvent().build(),
                    InboxStatus.PROCESSED,
                    1,
                    null,
                    longAgo,
                    null,
                    null,
                    null,
                    longAgo,
                    null));
        }
        inbox.restore(new InboxEntry(
                Builders.anEvent().build(), InboxStatus.FAILED, 12, "gave up", longAgo, null, null, null, null, null));

        Http.Response list = api.http.get("/admin/webhook-events?status=failed", TestApi.ADMIN_TOKEN);

        assertThat(list.status()).as(list.body()).isEqualTo(200);
        JsonNode counts = list.json().path("counts");
        assertThat(counts.path("processed").asLong()).isEqualTo(10_000);
        assertThat(counts.path("failed").asLong()).isEqualTo(1);
        assertThat(counts.path("pending").asLong()).isZero();
        assertThat(list.json().path("countsAtLeast").toString()).isEqualTo("[\"processed\"]");
        assertThat(list.json().path("data")).hasSize(1);
    }

    @Test
    void adminsListAndReplayInboxEvents() {
        StripeEvent event = Builders.anEvent()
                .withType("customer.discount.created")
                .forObject("discount", "di_2")
                .build();
        FakeWebhookVerifier.Delivery d = signed(event);
        assertThat(deliver(d.body(), d.signature()).status()).isEqualTo(200);
        Http.Response list = api.http.get("/admin/webhook-events", TestApi.ADMIN_TOKEN);
        assertThat(list.json().path("data").get(0).path("id").asText()).isEqualTo(event.id());
        assertThat(list.json().path("data").get(0).path("status").asText()).isEqualTo("ignored");
        assertThat(list.json().path("counts").path("ignored").asLong()).isEqualTo(1);
        assertThat(list.json().path("countsAtLeast").toString()).isEqualTo("[]");
        Http.Response replayed =
                api.http.post("/admin/webhook-events/" + event.id() + "/replay", TestApi.ADMIN_TOKEN, null);
        assertThat(replayed.status()).as(replayed.body()).isEqualTo(200);
        assertThat(replayed.json().path("status").asText()).isEqualTo("ignored");
        assertThat(api.http
                        .post("/admin/webhook-events/evt_unknown/replay", TestApi.ADMIN_TOKEN, null)
                        .errorCode())
                .isEqualTo("event_not_found");
    }

    @Test
    void storeDownIs503SoStripeRetries() {
        StripeEvent event = Builders.anEvent().build();
        FakeWebhookVerifier.Delivery d = signed(event);
        api.harness.stores().storeSwitch().down();
        Http.Response r = deliver(d.body(), d.signature());
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.errorCode()).isEqualTo("store_unavailable");
        api.harness.stores().storeSwitch().up();
        assertThat(deliver(d.body(), d.signature()).status()).isEqualTo(200);
    }

    @Test
    void aStartedCoreGivesTheSameAnswersAndAnOutageIsStill503() {
        api.close();
        // Started, the core records each event leased and processes it on its own threads; without a permit the
        // answer waits for that.
        api = TestApi.startedWithoutPermits();
        StripeEvent event = Builders.anEvent()
                .withType("customer.discount.created")
                .forObject("discount", "di_9")
                .build();
        FakeWebhookVerifier.Delivery d = signed(event);
        Http.Response first = deliver(d.body(), d.signature());
        Http.Response second = deliver(d.body(), d.signature());
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().path("duplicate").asBoolean()).isFalse();
        assertThat(second.json().path("duplicate").asBoolean()).isTrue();
        assertThat(deliver(d.body(), "t=1,v1=abc").errorCode()).isEqualTo("invalid_webhook");

        api.harness.stores().storeSwitch().down();
        FakeWebhookVerifier.Delivery lost = signed(Builders.anEvent().build());
        Http.Response down = deliver(lost.body(), lost.signature());
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.errorCode()).isEqualTo("store_unavailable");
        assertThat(down.json().path("error").path("requestId").asText()).isEqualTo(down.header("X-Request-Id"));
        api.harness.stores().storeSwitch().up();
        assertThat(deliver(lost.body(), lost.signature()).status()).isEqualTo(200);
    }

    @Test
    void webhookRouteIsNotRateLimited() {
        api.close();
        api = TestApi.start(s -> s.ipRequestsPerMinute(2));
        for (int i = 0; i < 5; i++) {
            FakeWebhookVerifier.Delivery d = signed(Builders.anEvent().build());
            assertThat(deliver(d.body(), d.signature()).status()).isEqualTo(200);
        }
    }
}
