package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.core.model.usage.UsagePeriod;
import dev.billing.testkit.http.Http;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code POST /usage} on the real server (local mode, usage counted in embedded Postgres): exact quotas under
 * concurrency, idempotent replays, a reused key refused, strict amounts.
 */
class UsageOverHttpIT {
    @TempDir
    static Path dir;

    static LocalFixture f;

    @BeforeAll
    static void start() {
        // 50 requests at once from one user and one IP: no rate limit in the way of the quota
        f = LocalFixture.start(
                dir, Map.of("BILLING_RATE_LIMIT_USER_PER_MINUTE", "0", "BILLING_RATE_LIMIT_IP_PER_MINUTE", "0"));
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    static String newUser() {
        return f.token("user_" + UUID.randomUUID().toString().substring(0, 8));
    }

    static List<Http.Response> concurrently(int n, java.util.function.IntFunction<Http.Response> request)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Http.Response>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    return request.apply(index);
                }));
            }
            go.countDown();
            List<Http.Response> answers = new ArrayList<>();
            for (Future<Http.Response> future : futures) {
                answers.add(future.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void fiftyConcurrentIncrementsAgainstFiveRemainingAcceptExactlyFive() throws Exception {
        String token = newUser();
        assertThat(f.usage(token, "api_calls", "95", "warm-up").status()).isEqualTo(200); // free: 100 a month

        List<Http.Response> answers = concurrently(50, i -> f.usage(token, "api_calls", "1", "burst-" + i));

        assertThat(answers).filteredOn(r -> r.status() == 200).hasSize(5);
        assertThat(answers).filteredOn(r -> r.status() != 200).hasSize(45).allSatisfy(r -> {
            assertThat(r.status()).as(r.body()).isEqualTo(429);
            assertThat(r.errorCode()).isEqualTo("quota_exceeded");
        });
        assertThat(answers)
                .filteredOn(r -> r.status() == 200)
                .extracting(r -> r.json().path("used").asLong())
                .containsExactlyInAnyOrder(96L, 97L, 98L, 99L, 100L);
        JsonNode calls = LocalFixture.quota(f.http.get("/usage", token).json(), "api_calls");
        assertThat(calls.path("used").asLong()).isEqualTo(100);
        assertThat(calls.path("remaining").asLong()).isZero();
    }

    @Test
    void concurrentReplaysOfOneKeyCountOnceAndAllGetTheFirstAnswer() throws Exception {
        String token = newUser();

        List<Http.Response> answers = concurrently(20, i -> f.usage(token, "exports", "2", "same-key"));

        assertThat(answers).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(200));
        assertThat(answers)
                .filteredOn(r -> !r.json().path("replayed").asBoolean())
                .hasSize(1);
        assertThat(answers).allSatisfy(r -> {
            assertThat(r.json().path("used").asLong()).isEqualTo(2);
            assertThat(r.json().path("remaining").asLong()).isEqualTo(3);
        });
        assertThat(LocalFixture.quota(f.entitlements(token), "exports")
                        .path("used")
                        .asLong())
                .isEqualTo(2);
    }

    @Test
    void aReplayIsAnsweredTheSameAndCountedOnce() {
        String token = newUser();
        Http.Response first = f.usage(token, "api_calls", "7", "replay-1");
        assertThat(f.usage(token, "api_calls", "1", "other").status()).isEqualTo(200);
        Http.Response again = f.usage(token, "api_calls", "7", "replay-1");

        assertThat(first.status()).isEqualTo(200);
        assertThat(again.status()).isEqualTo(200);
        assertThat(first.json().path("replayed").asBoolean()).isFalse();
        assertThat(again.json().path("replayed").asBoolean()).isTrue();
        for (String field : List.of("meter", "used", "limit", "remaining", "resetsAt")) {
            assertThat(again.json().path(field))
                    .as(field)
                    .isEqualTo(first.json().path(field));
        }
        assertThat(LocalFixture.quota(f.entitlements(token), "api_calls")
                        .path("used")
                        .asLong())
                .isEqualTo(8);
    }

    @Test
    void theSameKeyWithAnotherBodyIs422AndCountsNothing() {
        String token = newUser();
        assertThat(f.usage(token, "api_calls", "1", "key-x").status()).isEqualTo(200);

        Http.Response otherAmount = f.usage(token, "api_calls", "2", "key-x");
        Http.Response otherMeter = f.usage(token, "exports", "1", "key-x");

        assertThat(otherAmount.status()).isEqualTo(422);
        assertThat(otherAmount.errorCode()).isEqualTo("idempotency_key_reused");
        assertThat(otherMeter.status()).isEqualTo(422);
        JsonNode me = f.entitlements(token);
        assertThat(LocalFixture.quota(me, "api_calls").path("used").asLong()).isEqualTo(1);
        assertThat(LocalFixture.quota(me, "exports").path("used").asLong()).isZero();
    }

    @ParameterizedTest(name = "amount {0}: {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "0                   | invalid_amount",
                "-1                  | invalid_amount",
                "1.5                 | invalid_amount",
                "1.0                 | invalid_amount",
                "'\"1\"'             | invalid_amount",
                "9223372036854775808 | invalid_amount",
                "1000000001          | invalid_amount",
                "true                | invalid_amount",
                "null                | missing_field",
                "                    | missing_field"
            })
    void badAmountsAre400WithAClearCode(String amount, String code) {
        String token = newUser();
        Http.Response r = f.usage(token, "api_calls", amount, "bad-" + UUID.randomUUID());
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo(code);
        assertThat(r.json().path("error").path("message").asText()).contains("amount");
        assertThat(LocalFixture.quota(f.entitlements(token), "api_calls")
                        .path("used")
                        .asLong())
                .isZero();
    }

    @Test
    void quotaExceededSaysWhatRemainsAndWhenItResets() {
        String token = newUser();
        assertThat(f.usage(token, "exports", "3", "e1").status()).isEqualTo(200);
        Http.Response r = f.usage(token, "exports", "3", "e2");
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.errorCode()).isEqualTo("quota_exceeded");
        // the free tier counts per UTC calendar month
        Instant monthEnd = UsagePeriod.calendarMonthOf(f.emulator.now()).end();
        assertThat(r.json().path("error").path("message").asText())
                .contains("2 remaining of 5")
                .contains("3 requested")
                .contains(monthEnd.toString());
    }

    @Test
    void aRefusedRequestDoesNotUseUpItsKeySoItSucceedsAfterAnUpgrade() {
        String token = newUser();
        String customer = f.customer(token);
        assertThat(f.usage(token, "exports", "5", "fill").status()).isEqualTo(200);
        assertThat(f.usage(token, "exports", "10", "big-export").status()).isEqualTo(429);

        Instant start = f.emulator.now().minus(Duration.ofHours(1));
        String subscription =
                "sub_upgrade" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        assertThat(f.deliverSigned(LocalFixture.subscriptionEvent(
                                "evt_" + subscription.substring(4),
                                f.emulator.now(),
                                subscription,
                                customer,
                                "active",
                                "price_pro_monthly",
                                start,
                                start.plus(Duration.ofDays(30))))
                        .status())
                .isEqualTo(200);

        Http.Response retried = f.usage(token, "exports", "10", "big-export");
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(retried.json().path("replayed").asBoolean()).isFalse();
        assertThat(retried.json().path("limit").asLong()).isEqualTo(500);
        // a new period (the subscription's): the free month's 5 do not count against pro
        assertThat(retried.json().path("used").asLong()).isEqualTo(10);
        assertThat(Instant.parse(retried.json().path("resetsAt").asText()))
                .isEqualTo(Instant.ofEpochSecond(start.plus(Duration.ofDays(30)).getEpochSecond()));
    }
}
