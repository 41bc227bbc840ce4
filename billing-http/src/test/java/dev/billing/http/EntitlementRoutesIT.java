package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.testkit.http.Http;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /me/entitlements} reuses the JSON it rendered while the core returns the same entitlements: never another
 * user's answer, never a stale one after a change this process made.
 */
class EntitlementRoutesIT {
    TestApi api;

    @BeforeEach
    void start() {
        api = TestApi.start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    static long used(JsonNode entitlements) {
        for (JsonNode quota : entitlements.path("quotas")) {
            if (quota.path("meter").asText().equals("api_calls")) {
                return quota.path("used").asLong();
            }
        }
        throw new AssertionError("no api_calls quota in " + entitlements);
    }

    @Test
    void aRepeatedAnswerIsIdenticalAndAChangeShowsAtOnce() {
        String token = api.token("user_ent_1");
        Http.Response first = api.http.get("/me/entitlements", token);
        Http.Response again = api.http.get("/me/entitlements", token);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("Content-Type")).startsWith("application/json");
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(used(first.json())).isZero();

        assertThat(api.http
                        .post(
                                "/usage",
                                token,
                                "{\"meter\":\"api_calls\",\"amount\":7}",
                                Map.of("Idempotency-Key", "k1"))
                        .status())
                .isEqualTo(200);
        assertThat(used(api.http.get("/me/entitlements", token).json())).isEqualTo(7);
    }

    @Test
    void manyUsersOverOneClientNeverSeeEachOthersAnswer() {
        // The client keeps its connection: every request carries another user's token on the same connection.
        for (int i = 0; i < 40; i++) {
            String token = api.token("user_many_" + i);
            if (i % 2 == 0) {
                assertThat(api.http
                                .post(
                                        "/usage",
                                        token,
                                        "{\"meter\":\"api_calls\",\"amount\":" + (i + 1) + "}",
                                        Map.of("Idempotency-Key", "k" + i))
                                .status())
                        .isEqualTo(200);
            }
        }
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 40; i++) {
                Http.Response r = api.http.get("/me/entitlements", api.token("user_many_" + i));
                assertThat(r.status()).isEqualTo(200);
                assertThat(used(r.json())).as("user %d", i).isEqualTo(i % 2 == 0 ? i + 1 : 0);
            }
        }
    }
}
