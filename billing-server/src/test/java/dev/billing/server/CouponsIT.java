package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.testkit.http.Http;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coupons over HTTP in local mode (the real adapter, the emulator, signed webhooks, Postgres): the sample catalog's
 * public code listed with what Stripe says it gives, applied to a subscription and projected, and every code that
 * cannot be used a 400 {@code invalid_promotion_code} a front end can show.
 */
class CouponsIT {
    @TempDir
    static Path dir;

    static LocalFixture f;

    @BeforeAll
    static void start() {
        f = LocalFixture.start(dir, Map.of());
        f.emulator.seedDocument("""
                coupons:
                  - {id: OLD5, percent_off: 5, duration: forever}
                  - {id: ONCE1, amount_off: 100, currency: usd, duration: once}
                promotion_codes:
                  - {id: promo_expired, code: EXPIRED5, expires_at: 1000000000, promotion: {type: coupon, coupon: OLD5}}
                  - {id: promo_off, code: RETIRED5, active: false, promotion: {type: coupon, coupon: OLD5}}
                  - {id: promo_single, code: SINGLE, max_redemptions: 1, promotion: {type: coupon, coupon: ONCE1}}
                """);
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    @Test
    void thePublicCodesAreListedWithWhatStripeSaysTheyGive() {
        Http.Response r = f.http.get("/stripe/coupons", f.token("user_coupons_list"));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode only = r.json().path("data");
        assertThat(only).hasSize(1);
        assertThat(only.get(0).path("code").asText()).isEqualTo("LAUNCH20");
        assertThat(only.get(0).path("percentOff").asDouble()).isEqualTo(20.0);
        assertThat(only.get(0).path("duration").asText()).isEqualTo("once");
        assertThat(only.get(0).hasNonNull("amountOff")).isFalse();
    }

    @Test
    void aCodeAppliedToASubscriptionShowsAsItsDiscountAndInTheProjection() {
        String token = f.token("user_coupons_apply");
        String subscription = f.subscribe(token, "pro", "month");

        Http.Response r = f.http.post(
                "/stripe/subscriptions/" + subscription + "/discount", token, "{\"promotionCode\":\"launch20\"}");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("discount").path("percentOff").asDouble()).isEqualTo(20.0);
        JsonNode atStripe = f.stripeObject(subscription);
        assertThat(atStripe.path("discounts")).hasSize(1);
        f.awaitIdle();
        JsonNode listed =
                f.http.get("/stripe/subscriptions", token).json().path("data").get(0);
        assertThat(listed.path("id").asText()).isEqualTo(subscription);
        assertThat(listed.path("discount").path("percentOff").asDouble()).isEqualTo(20.0);
        assertThat(f.stores()
                        .subscriptions()
                        .findSubscription(subscription)
                        .orElseThrow()
                        .pricing()
                        .percentOff())
                .isEqualByComparingTo("20");
    }

    @Test
    void anAmountOffCodeIsKeptAsAnAmountAndCannotBeUsedTwiceOnceUsedUp() {
        String token = f.token("user_coupons_amount");
        String subscription = f.subscribe(token, "basic", "month");

        Http.Response first = f.http.post(
                "/stripe/subscriptions/" + subscription + "/discount", token, "{\"promotionCode\":\"SINGLE\"}");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().path("discount").path("amountOff").asLong()).isEqualTo(100);
        assertThat(first.json().path("discount").path("currency").asText()).isEqualTo("usd");

        String other = f.token("user_coupons_amount_2");
        String second = f.subscribe(other, "basic", "month");
        Http.Response usedUp =
                f.http.post("/stripe/subscriptions/" + second + "/discount", other, "{\"promotionCode\":\"SINGLE\"}");
        assertThat(usedUp.status()).as(usedUp.body()).isEqualTo(400);
        assertThat(usedUp.errorCode()).isEqualTo("invalid_promotion_code");
    }

    @Test
    void unknownInactiveExpiredAndMalformedCodesAreA400SayingWhy() {
        String token = f.token("user_coupons_bad");
        String subscription = f.subscribe(token, "basic", "month");

        for (String code : new String[] {"NOSUCHCODE", "RETIRED5", "EXPIRED5"}) {
            Http.Response r = f.http.post(
                    "/stripe/subscriptions/" + subscription + "/discount",
                    token,
                    "{\"promotionCode\":\"" + code + "\"}");
            assertThat(r.status()).as(code + ": " + r.body()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("invalid_promotion_code");
            assertThat(r.json().path("error").path("message").asText())
                    .isEqualTo("The promotion code '" + code
                            + "' cannot be used: it is unknown, expired, used up or not valid for this subscription.");
        }
        Http.Response malformed = f.http.post(
                "/stripe/subscriptions/" + subscription + "/discount", token, "{\"promotionCode\":\"two words\"}");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.errorCode()).isEqualTo("invalid_promotion_code");
        Http.Response missing = f.http.post("/stripe/subscriptions/" + subscription + "/discount", token, "{}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.errorCode()).isEqualTo("missing_field");
        assertThat(f.stripeObject(subscription).path("discounts")).isEmpty();
    }

    @Test
    void anotherUsersSubscriptionIsA404() {
        String owner = f.token("user_coupons_owner");
        String subscription = f.subscribe(owner, "basic", "month");

        Http.Response r = f.http.post(
                "/stripe/subscriptions/" + subscription + "/discount",
                f.token("user_coupons_intruder"),
                "{\"promotionCode\":\"LAUNCH20\"}");

        assertThat(r.status()).as(r.body()).isEqualTo(404);
        assertThat(f.stripeObject(subscription).path("discounts")).isEmpty();
    }
}
