package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.testkit.http.Http;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code POST /usage} and {@code GET /usage} over HTTP: quotas under concurrency, idempotency, strict amounts. */
class UsageRoutesIT {
    TestApi api;
    String token;

    @BeforeEach
    void start() {
        api = TestApi.start();
        token = api.token("user_usage");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    Http.Response use(String body, String key) {
        return api.http.post("/usage", token, body, key == null ? Map.of() : Map.of("Idempotency-Key", key));
    }

    @Test
    void fiftyConcurrentRequestsAgainstFiveRemainingGiveExactlyFiveSuccesses() throws Exception {
        // free tier: 100 api_calls per month
        assertThat(use("{\"meter\":\"api_calls\",\"amount\":95}", "warm-up").status())
                .isEqualTo(200);
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Http.Response>> answers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String key = "burst-" + i;
            answers.add(pool.submit(() -> {
                go.await();
                return use("{\"meter\":\"api_calls\",\"amount\":1}", key);
            }));
        }
        go.countDown();
        int ok = 0;
        int refused = 0;
        for (Future<Http.Response> answer : answers) {
            Http.Response r = answer.get();
            if (r.status() == 200) {
                ok++;
            } else {
                assertThat(r.status()).as(r.body()).isEqualTo(429);
                assertThat(r.errorCode()).isEqualTo("quota_exceeded");
                refused++;
            }
        }
        pool.shutdown();
        assertThat(ok).isEqualTo(5);
        assertThat(refused).isEqualTo(45);
        JsonNode quotas = api.http.get("/usage", token).json().path("quotas");
        JsonNode calls = quotas.get(0).path("meter").asText().equals("api_calls") ? quotas.get(0) : quotas.get(1);
        assertThat(calls.path("used").asLong()).isEqualTo(100);
        assertThat(calls.path("remaining").asLong()).isZero();
    }

    @Test
    void quotaExceededStatesTheRemainingAmount() {
        use("{\"meter\":\"exports\",\"amount\":3}", "k1");
        Http.Response r = use("{\"meter\":\"exports\",\"amount\":3}", "k2");
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.json().path("error").path("message").asText()).contains("2 remaining");
    }

    @Test
    void replayedKeyGetsTheSameAnswerAndCountsOnce() {
        Http.Response first = use("{\"meter\":\"api_calls\",\"amount\":7}", "same-key");
        Http.Response again = use("{\"meter\":\"api_calls\",\"amount\":7}", "same-key");
        assertThat(first.status()).isEqualTo(200);
        assertThat(again.status()).isEqualTo(200);
        assertThat(first.json().path("replayed").asBoolean()).isFalse();
        assertThat(again.json().path("replayed").asBoolean()).isTrue();
        assertThat(again.json().path("used").asLong())
                .isEqualTo(first.json().path("used").asLong())
                .isEqualTo(7);
        assertThat(again.json().path("remaining").asLong()).isEqualTo(93);
        assertThat(again.json().path("resetsAt").asText())
                .isEqualTo(first.json().path("resetsAt").asText());
    }

    @Test
    void reusedKeyWithAnotherBodyIs422() {
        use("{\"meter\":\"api_calls\",\"amount\":1}", "key-x");
        Http.Response r = use("{\"meter\":\"api_calls\",\"amount\":2}", "key-x");
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.errorCode()).isEqualTo("idempotency_key_reused");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "0",
                "-1",
                "1.5",
                "\"1\"",
                "9223372036854775808",
                "1000000001",
                "true",
                "null",
                "1e3",
                "[1]",
                "{}"
            })
    void invalidAmountsAre400(String amount) {
        Http.Response r = use("{\"meter\":\"api_calls\",\"amount\":" + amount + "}", "k-" + amount.hashCode());
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo(amount.equals("null") ? "missing_field" : "invalid_amount");
    }

    @Test
    void missingAmountMeterOrKeyAre400() {
        assertThat(use("{\"meter\":\"api_calls\"}", "k").errorCode()).isEqualTo("missing_field");
        assertThat(use("{\"amount\":1}", "k").errorCode()).isEqualTo("missing_field");
        assertThat(use("{\"meter\":\"api_calls\",\"amount\":1}", null).errorCode())
                .isEqualTo("invalid_idempotency_key");
        assertThat(use("{\"meter\":\"nope\",\"amount\":1}", "k").errorCode()).isEqualTo("unknown_meter");
        assertThat(use("{\"meter\":\"api_calls\",\"amount\":1,\"userId\":\"someone_else\"}", "k")
                        .errorCode())
                .isEqualTo("unknown_field");
    }

    @Test
    void entitlementsShowQuotasWithNullForUnlimited() {
        JsonNode me = api.http.get("/me/entitlements", token).json();
        assertThat(me.path("tier").asText()).isEqualTo("free");
        assertThat(me.path("quotas")).hasSize(2);
        assertThat(me.path("quotas").get(0).path("limit").asLong()).isEqualTo(100);
        assertThat(me.path("ownedItems")).isEmpty();
    }
}
