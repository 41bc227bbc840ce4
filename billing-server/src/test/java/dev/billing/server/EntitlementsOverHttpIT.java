package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.core.model.usage.UsagePeriod;
import dev.billing.testkit.http.Http;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code GET /me/entitlements} on the real server (local mode: embedded Postgres, the emulator through stripe-java,
 * signed webhooks, RS256 tokens) with a past-due grace of 3 days ({@code BILLING_PAST_DUE_GRACE_DAYS=3}): every
 * Stripe status, an unknown one, grace from a real failed renewal, no Stripe call, and a cache that a webhook
 * invalidates at once.
 */
class EntitlementsOverHttpIT {
    static final int GRACE_DAYS = 3;

    @TempDir
    static Path dir;

    static LocalFixture f;

    @BeforeAll
    static void start() {
        f = LocalFixture.start(dir, Map.of("BILLING_PAST_DUE_GRACE_DAYS", Integer.toString(GRACE_DAYS)));
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    /** A user whose only subscription (to pro, unknown to the emulator) arrives by signed webhook in a status. */
    record Forged(String token, String customer, String subscription) {}

    static Forged userWithSubscription(String status, Instant periodStart) {
        String user = "user_" + UUID.randomUUID().toString().substring(0, 8);
        String token = f.token(user);
        String customer = f.customer(token);
        String subscription =
                "sub_forged" + UUID.randomUUID().toString().replace("-", "").substring(0, 14);
        Http.Response r = f.deliverSigned(LocalFixture.subscriptionEvent(
                "evt_" + subscription.substring(4),
                f.emulator.now(),
                subscription,
                customer,
                status,
                "price_pro_monthly",
                periodStart,
                periodStart.plus(Duration.ofDays(30))));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(f.stores().subscriptions().findSubscription(subscription)).isPresent();
        return new Forged(token, customer, subscription);
    }

    @ParameterizedTest(name = "{0}, period started {1} days ago: {2}")
    @CsvSource({
        "active,             1, pro,  false",
        "trialing,           1, pro,  false",
        "past_due,           1, pro,  true",
        "past_due,           4, free, false",
        "incomplete,         1, free, false",
        "incomplete_expired, 1, free, false",
        "canceled,           1, free, false",
        "unpaid,             1, free, false",
        "paused,             1, free, false",
        "some_future_status, 1, free, false"
    })
    void eachStripeStatusGrantsWhatThePolicySays(String status, int daysAgo, String tier, boolean inGrace) {
        Instant now = f.emulator.now();
        Instant periodStart = now.minus(Duration.ofDays(daysAgo));
        Forged forged = userWithSubscription(status, periodStart);

        JsonNode me = f.entitlements(forged.token());

        assertThat(me.path("tier").asText()).isEqualTo(tier);
        assertThat(me.path("status").asText()).isEqualTo(status.equals("some_future_status") ? "unrecognized" : status);
        assertThat(me.path("subscriptionId").asText()).isEqualTo(forged.subscription());
        JsonNode calls = LocalFixture.quota(me, "api_calls");
        if (tier.equals("pro")) {
            assertThat(me.path("features").toString()).contains("sso");
            assertThat(calls.path("limit").asLong()).isEqualTo(10_000);
            assertThat(Instant.parse(calls.path("resetsAt").asText()))
                    .isEqualTo(Instant.ofEpochSecond(
                            periodStart.plus(Duration.ofDays(30)).getEpochSecond()));
        } else {
            assertThat(me.path("features").toString()).doesNotContain("sso");
            assertThat(calls.path("limit").asLong()).isEqualTo(100);
            assertThat(Instant.parse(calls.path("resetsAt").asText()))
                    .isEqualTo(UsagePeriod.calendarMonthOf(f.emulator.now()).end());
        }
        if (inGrace) {
            assertThat(Instant.parse(me.path("graceEndsAt").asText()))
                    .isEqualTo(Instant.ofEpochSecond(
                            periodStart.plus(Duration.ofDays(GRACE_DAYS)).getEpochSecond()));
        } else {
            assertThat(me.path("graceEndsAt").isNull() || me.path("graceEndsAt").isMissingNode())
                    .as(me.toString())
                    .isTrue();
        }
    }

    @Test
    void aFailedRenewalKeepsThePlanForTheGraceDaysThenFallsToFreeUntilTheInvoiceIsPaid() {
        String token = f.token("user_dunning");
        String customer = f.customer(token);
        String subscription = f.subscribe(token, "basic", "month"); // a 14-day trial
        f.emulator.failNextPayment(customer, "insufficient_funds");

        f.emulator.advanceClock(Duration.ofDays(15)); // the trial ends; its first invoice is declined
        f.awaitIdle();

        JsonNode stripeSub = f.stripeObject(subscription);
        assertThat(stripeSub.path("status").asText()).isEqualTo("past_due");
        Instant unpaidSince = Instant.ofEpochSecond(stripeSub
                .path("items")
                .path("data")
                .get(0)
                .path("current_period_start")
                .asLong());
        JsonNode during = f.entitlements(token);
        assertThat(during.path("tier").asText()).isEqualTo("basic");
        assertThat(during.path("status").asText()).isEqualTo("past_due");
        assertThat(Instant.parse(during.path("graceEndsAt").asText()))
                .isEqualTo(unpaidSince.plus(Duration.ofDays(GRACE_DAYS)));
        // dated by the webhook, on Stripe's clock: the renewal's moment, not when billing read it (a day later)
        JsonNode listed =
                f.http.get("/stripe/subscriptions", token).json().path("data").get(0);
        assertThat(Instant.parse(listed.path("pastDueSince").asText())).isEqualTo(unpaidSince);

        f.emulator.advanceClockTo(unpaidSince.plus(Duration.ofDays(GRACE_DAYS)).plusSeconds(60));

        JsonNode after = f.entitlements(token);
        assertThat(after.path("tier").asText()).isEqualTo("free");
        assertThat(after.path("status").asText()).isEqualTo("past_due");

        String invoice = stripeSub.path("latest_invoice").asText();
        Http.Response paid = f.http.post("/stripe/invoices/" + invoice + "/pay", token, null);
        assertThat(paid.status()).as(paid.body()).isEqualTo(200);
        f.await(
                "/me/entitlements",
                token,
                m -> m.path("tier").asText().equals("basic")
                        && m.path("status").asText().equals("active"));
        assertThat(f.http.get("/stripe/subscriptions", token)
                        .json()
                        .path("data")
                        .get(0)
                        .has("pastDueSince"))
                .as("cleared once paid")
                .isFalse();
    }

    @Test
    void entitlementsNeverCallStripe() {
        String token = f.token("user_no_stripe");
        f.customer(token);
        f.subscribe(token, "pro", "month");
        f.awaitIdle();
        f.emulator.clearRequestLog();

        for (int i = 0; i < 20; i++) {
            assertThat(f.entitlements(token).path("tier").asText()).isEqualTo("pro");
            assertThat(f.http.get("/usage", token).status()).isEqualTo(200);
        }
        // usage drops the cached answer, so the next one is computed again, still from the projection only
        assertThat(f.usage(token, "exports", "1", "no-stripe-1").status()).isEqualTo(200);
        assertThat(LocalFixture.quota(f.entitlements(token), "exports")
                        .path("used")
                        .asLong())
                .isEqualTo(1);

        assertThat(f.emulator.requestLog()).isEmpty();
    }

    @Test
    void aWebhookChangesTheAnswerAtOnceDespiteTheCache() {
        Instant start = f.emulator.now().minus(Duration.ofDays(1));
        Forged forged = userWithSubscription("active", start);
        assertThat(f.entitlements(forged.token()).path("tier").asText()).isEqualTo("pro"); // cached for 30 s

        Http.Response r = f.deliverSigned(LocalFixture.subscriptionEvent(
                "evt_cancel_" + forged.subscription().substring(4),
                f.emulator.now().plusSeconds(1),
                forged.subscription(),
                forged.customer(),
                "canceled",
                "price_pro_monthly",
                start,
                start.plus(Duration.ofDays(30))));
        assertThat(r.status()).as(r.body()).isEqualTo(200);

        JsonNode me = f.entitlements(forged.token());
        assertThat(me.path("tier").asText()).isEqualTo("free");
        assertThat(me.path("status").asText()).isEqualTo("canceled");
    }
}
