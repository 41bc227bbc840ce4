package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.emulator.DeliveryAttempt;
import dev.billing.emulator.EmittedEvent;
import dev.billing.testkit.http.Http;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance flow of issue 7 on the real server in local mode: a user subscribes through the emulator's
 * Checkout (webhooks arrive signed), uses up a quota over HTTP, the emulator's clock moves past the period end
 * (renewal: {@code invoice.paid}, {@code customer.subscription.updated} with the item's new period), and the quota
 * is fresh again; then once more with the renewal webhooks held back, where the server's own period arithmetic
 * must already count in the period Stripe is about to announce.
 */
class LocalModeFullFlowIT {
    @TempDir
    Path dir;

    static Instant itemPeriodEnd(JsonNode subscription) {
        return Instant.ofEpochSecond(subscription
                .path("items")
                .path("data")
                .get(0)
                .path("current_period_end")
                .asLong());
    }

    static Instant itemPeriodStart(JsonNode subscription) {
        return Instant.ofEpochSecond(subscription
                .path("items")
                .path("data")
                .get(0)
                .path("current_period_start")
                .asLong());
    }

    static List<EmittedEvent> eventsSince(LocalFixture f, int index, String type) {
        List<EmittedEvent> all = f.emulator.events();
        return all.subList(index, all.size()).stream()
                .filter(e -> e.type().equals(type))
                .toList();
    }

    static void deliveredOk(LocalFixture f, EmittedEvent event) {
        assertThat(f.emulator.deliveryLog())
                .filteredOn(d -> d.eventId().equals(event.id()))
                .extracting(DeliveryAttempt::status)
                .contains(200);
    }

    @Test
    void subscribeUseUpTheQuotaRenewAndUseAgain() throws Exception {
        try (LocalFixture f = LocalFixture.start(dir, Map.of())) {
            String token = f.token("user_acceptance");
            String customer = f.customer(token);

            // 1. subscribe: Checkout completed in the emulator, signed webhooks arrive
            Http.Response checkout =
                    f.http.post("/stripe/checkout", token, "{\"tier\":\"pro\",\"interval\":\"month\"}");
            assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
            String subscription = f.emulator
                    .completeCheckoutSession(checkout.json().path("sessionId").asText())
                    .subscriptionId();
            f.awaitIdle();
            for (String type : List.of("customer.subscription.created", "checkout.session.completed")) {
                assertThat(eventsSince(f, 0, type)).as(type).singleElement().satisfies(e -> deliveredOk(f, e));
            }
            JsonNode trial = f.stripeObject(subscription);
            Instant trialEnd = itemPeriodEnd(trial);
            JsonNode me = f.entitlements(token);
            assertThat(me.path("tier").asText()).isEqualTo("pro");
            assertThat(me.path("status").asText()).isEqualTo("trialing");
            JsonNode calls = LocalFixture.quota(me, "api_calls");
            assertThat(calls.path("used").asLong()).isZero();
            assertThat(calls.path("limit").asLong()).isEqualTo(10_000);
            assertThat(Instant.parse(calls.path("resetsAt").asText())).isEqualTo(trialEnd);

            // 2. use the quota up
            Http.Response all = f.usage(token, "api_calls", "10000", "fill-1");
            assertThat(all.status()).as(all.body()).isEqualTo(200);
            assertThat(all.json().path("remaining").asLong()).isZero();
            Http.Response over = f.usage(token, "api_calls", "1", "one-more-1");
            assertThat(over.status()).isEqualTo(429);
            assertThat(over.errorCode()).isEqualTo("quota_exceeded");
            assertThat(over.json().path("error").path("message").asText()).contains(trialEnd.toString());

            // 3. the emulator's clock passes the period end: the trial converts, the first paid period starts
            int before = f.emulator.events().size();
            f.emulator.advanceClockTo(trialEnd.plus(Duration.ofHours(1)));
            f.awaitIdle();
            JsonNode renewed = f.stripeObject(subscription);
            assertThat(renewed.path("status").asText()).isEqualTo("active");
            assertThat(itemPeriodStart(renewed)).isEqualTo(trialEnd);
            Instant firstPaidEnd = itemPeriodEnd(renewed);
            assertThat(eventsSince(f, before, "invoice.paid")).singleElement().satisfies(e -> deliveredOk(f, e));
            assertThat(eventsSince(f, before, "customer.subscription.updated")).anySatisfy(e -> {
                JsonNode item = LocalFixture.JSON
                        .readTree(e.json())
                        .path("data")
                        .path("object")
                        .path("items")
                        .path("data")
                        .get(0);
                assertThat(item.path("current_period_start").asLong()).isEqualTo(trialEnd.getEpochSecond());
                deliveredOk(f, e);
            });

            // 4. the quota is fresh: used 0, resets at the new period's end, and usage is accepted again
            me = f.entitlements(token);
            assertThat(me.path("status").asText()).isEqualTo("active");
            calls = LocalFixture.quota(me, "api_calls");
            assertThat(calls.path("used").asLong()).isZero();
            assertThat(Instant.parse(calls.path("resetsAt").asText())).isEqualTo(firstPaidEnd);
            Http.Response again = f.usage(token, "api_calls", "1", "after-renewal-1");
            assertThat(again.status()).as(again.body()).isEqualTo(200);
            assertThat(again.json().path("used").asLong()).isEqualTo(1);

            // 5. a regular renewal with its webhooks held back: the server's clock (the emulator's) is past the
            //    period end, and the projection still has the old period
            assertThat(f.usage(token, "api_calls", "9999", "fill-2").status()).isEqualTo(200);
            assertThat(f.usage(token, "api_calls", "1", "one-more-2").status()).isEqualTo(429);
            f.emulator.webhooks().pause();
            before = f.emulator.events().size();
            f.emulator.advanceClockTo(firstPaidEnd.plus(Duration.ofHours(1)));
            assertThat(eventsSince(f, before, "invoice.paid"))
                    .singleElement()
                    .satisfies(e -> assertThat(LocalFixture.JSON
                                    .readTree(e.json())
                                    .path("data")
                                    .path("object")
                                    .path("billing_reason")
                                    .asText())
                            .isEqualTo("subscription_cycle"));
            JsonNode atStripe = f.stripeObject(subscription);
            assertThat(itemPeriodStart(atStripe)).isEqualTo(firstPaidEnd);
            Instant secondPaidEnd = itemPeriodEnd(atStripe);

            me = f.entitlements(token);
            assertThat(LocalFixture.quota(me, "api_calls").path("used").asLong())
                    .isZero();
            Http.Response early = f.usage(token, "api_calls", "5", "before-the-webhooks");
            assertThat(early.status()).as(early.body()).isEqualTo(200);

            f.emulator.webhooks().resume();
            f.awaitIdle();
            f.await(
                    "/me/entitlements",
                    token,
                    m -> Instant.parse(LocalFixture.quota(m, "api_calls")
                                    .path("resetsAt")
                                    .asText())
                            .equals(secondPaidEnd));
            // the usage recorded before the renewal webhooks counts in the period Stripe then announced
            calls = LocalFixture.quota(f.entitlements(token), "api_calls");
            assertThat(calls.path("used").asLong()).isEqualTo(5);
            assertThat(calls.path("remaining").asLong()).isEqualTo(9_995);
            assertThat(f.usage(token, "api_calls", "1", "after-renewal-2")
                            .json()
                            .path("used")
                            .asLong())
                    .isEqualTo(6);
            assertThat(customer).isEqualTo(renewed.path("customer").asText());
        }
    }
}
