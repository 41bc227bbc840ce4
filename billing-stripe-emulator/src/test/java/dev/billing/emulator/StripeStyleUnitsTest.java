package dev.billing.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import dev.billing.emulator.http.WebhookDispatcher;
import dev.billing.emulator.resource.Customers;
import dev.billing.emulator.state.EmulatorClock;
import dev.billing.emulator.state.FaultInjector;
import dev.billing.emulator.state.Ids;
import dev.billing.emulator.state.Periods;
import dev.billing.emulator.wire.ApiError;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Small pure pieces: signatures, periods, clock, ids, search queries, faults, errors. */
class StripeStyleUnitsTest {
    @Test
    void signatureHeaderIsAcceptedByStripeJavaAndRejectedWithAnotherSecret() throws Exception {
        String payload = "{\"id\":\"evt_1\",\"object\":\"event\"}";
        long now = Instant.now().getEpochSecond();
        String header = WebhookDispatcher.signatureHeader("whsec_abc", now, payload);

        assertThat(header).matches("t=\\d+,v1=[0-9a-f]{64}");
        assertThat(Webhook.Signature.verifyHeader(payload, header, "whsec_abc", 300))
                .isTrue();
        assertThatThrownBy(() -> Webhook.Signature.verifyHeader(payload, header, "whsec_other", 300))
                .isInstanceOf(SignatureVerificationException.class);
    }

    @Test
    void hmacMatchesAKnownVector() {
        // RFC 4231 test case 2.
        assertThat(WebhookDispatcher.hmacSha256Hex("Jefe", "what do ya want for nothing?"))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void periodsAreAnchoredAndClampMonthEnds() {
        long jan31 = Instant.parse("2026-01-31T12:00:00Z").getEpochSecond();
        assertThat(Instant.ofEpochSecond(Periods.plus(jan31, "month", 1, 1))).isEqualTo("2026-02-28T12:00:00Z");
        assertThat(Instant.ofEpochSecond(Periods.plus(jan31, "month", 1, 2))).isEqualTo("2026-03-31T12:00:00Z");
        assertThat(Instant.ofEpochSecond(Periods.plus(jan31, "year", 1, 1))).isEqualTo("2027-01-31T12:00:00Z");
        assertThat(Instant.ofEpochSecond(Periods.plus(jan31, "week", 2, 1))).isEqualTo("2026-02-14T12:00:00Z");
        assertThat(Periods.money(2900, "usd")).isEqualTo("$29.00");
        assertThat(Periods.money(-150, "eur")).isEqualTo("-€1.50");
    }

    @Test
    void frozenClockOnlyMovesForwardOnRequest() {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        EmulatorClock clock = new EmulatorClock(Clock.systemUTC(), start, true);
        assertThat(clock.instant()).isEqualTo(start);
        clock.advance(Duration.ofHours(5));
        assertThat(clock.instant()).isEqualTo(start.plus(Duration.ofHours(5)));
        clock.moveTo(start);
        assertThat(clock.instant()).isEqualTo(start.plus(Duration.ofHours(5)));
        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(clock.asClock(ZoneOffset.UTC).instant()).isEqualTo(clock.instant());
    }

    @Test
    void tickingClockFollowsTheWallClockPlusAdvances() {
        Instant wallStart = Instant.parse("2030-05-05T00:00:00Z");
        Instant[] wall = {wallStart};
        Clock fake = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return wall[0];
            }
        };
        EmulatorClock clock = new EmulatorClock(fake, Instant.parse("2026-01-01T00:00:00Z"), false);
        wall[0] = wallStart.plusSeconds(10);
        assertThat(clock.instant()).isEqualTo("2026-01-01T00:00:10Z");
        clock.advance(Duration.ofDays(1));
        wall[0] = wall[0].plusSeconds(5);
        assertThat(clock.instant()).isEqualTo("2026-01-02T00:00:15Z");
        assertThat(clock.wallNow()).isEqualTo(wall[0]);
    }

    @Test
    void idsLookLikeStripes() {
        assertThat(Ids.next("cus")).matches("cus_[0-9A-Za-z]{14}");
        assertThat(Ids.next("sub")).matches("sub_[0-9A-Za-z]{24}");
        assertThat(Ids.next("cs_test")).matches("cs_test_[0-9A-Za-z]{58}");
        assertThat(Ids.requestId()).startsWith("req_");
        assertThat(Ids.secret("pi_1")).startsWith("pi_1_secret_");
    }

    @Test
    void customerSearchSupportsMetadataEmailAndBooleanJoins() {
        Map<String, Object> ada =
                Map.of("email", "ada@example.com", "name", "Ada", "metadata", Map.of("user_id", "u1"));
        Map<String, Object> bob =
                Map.of("email", "bob@example.com", "name", "Bob", "metadata", Map.of("user_id", "u2"));
        Predicate<Map<String, Object>> byUser = Customers.parseQuery("metadata['user_id']:'u1'");
        assertThat(byUser.test(ada)).isTrue();
        assertThat(byUser.test(bob)).isFalse();
        assertThat(Customers.parseQuery("email:'BOB@example.com' AND name~'bo'").test(bob))
                .isTrue();
        assertThat(Customers.parseQuery("email:'ada@example.com' OR email:'bob@example.com'")
                        .test(bob))
                .isTrue();
        assertThat(Customers.parseQuery("-metadata[\"user_id\"]:'u1'").test(ada))
                .isFalse();
        assertThat(catchThrowableOfType(ApiError.class, () -> Customers.parseQuery("nonsense")).param)
                .isEqualTo("query");
    }

    @Test
    void faultsMatchByMethodAndPathPrefixAndAreUsedUp() {
        FaultInjector faults = new FaultInjector();
        faults.add(Fault.of(FaultKind.ERROR_500, "post", "/v1/customers").times(2));
        faults.add(Fault.of(FaultKind.parse("hang_after_apply"), null, "/v1/prices"));

        assertThat(faults.take("GET", "/v1/customers", "sk_test_a")).isNull();
        assertThat(faults.take("POST", "/v1/customers/cus_1", "sk_test_a"))
                .extracting(Fault::kind)
                .isEqualTo(FaultKind.ERROR_500);
        assertThat(faults.pending()).extracting(Fault::times).containsExactly(1, 1);
        assertThat(faults.take("POST", "/v1/customers", "sk_test_a")).isNotNull();
        assertThat(faults.take("POST", "/v1/customers", "sk_test_a")).isNull();
        assertThat(faults.take("DELETE", "/v1/prices/x", "sk_test_a"))
                .extracting(Fault::kind)
                .isEqualTo(FaultKind.HANG_AFTER_APPLY);
        faults.add(Fault.of(FaultKind.ERROR_500, "GET", "/v1/").forKey("sk_test_b"));
        assertThat(faults.take("GET", "/v1/prices", "sk_test_a"))
                .as("another key's fault")
                .isNull();
        assertThat(faults.take("GET", "/v1/prices", "sk_test_b")).isNotNull();
        assertThat(Fault.of(FaultKind.ERROR_500, "GET", "/").forKey("sk_test_b").toString())
                .doesNotContain("sk_test_b");
        assertThatThrownBy(() -> FaultKind.parse("explode")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fault.of(FaultKind.HANG, "GET", "/").times(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void errorBodiesHaveStripesShape() {
        Map<String, Object> card = ApiError.card(
                        "card_declined", "insufficient_funds", "Your card has insufficient funds.")
                .with("charge", "ch_1")
                .body();
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) card.get("error");
        assertThat(error)
                .containsEntry("type", "card_error")
                .containsEntry("code", "card_declined")
                .containsEntry("decline_code", "insufficient_funds")
                .containsEntry("charge", "ch_1")
                .containsEntry("doc_url", "https://stripe.com/docs/error-codes/card-declined");
        assertThat(ApiError.noSuch("customer", "cus_x", "id").body().toString()).contains("No such customer: 'cus_x'");
    }

    @Test
    void optionsMaskTheApiKey() {
        EmulatorOptions options = EmulatorOptions.defaults().withApiKey("sk_test_supersecret");
        assertThat(options.toString()).doesNotContain("supersecret").contains("sk_test_****");
        assertThat(options.retryDelay(1)).isEqualTo(Duration.ofMillis(200));
        assertThat(options.retryDelay(9)).isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(() -> options.withWebhookMaxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
