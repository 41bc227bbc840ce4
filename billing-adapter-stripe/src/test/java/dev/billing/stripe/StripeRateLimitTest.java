package dev.billing.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.error.GatewayRateLimitedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The client-side limit: a second's burst, then a call waits for its turn or fails as rate limited (not done). */
class StripeRateLimitTest {
    @Test
    void beyondTheLimitACallThatMayNotWaitFailsAsRateLimited() {
        StripeRateLimit limit = StripeRateLimit.of(3, Duration.ZERO);
        for (int i = 0; i < 3; i++) {
            limit.acquire("read a subscription");
        }
        assertThatThrownBy(() -> limit.acquire("read a subscription"))
                .isInstanceOf(GatewayRateLimitedException.class)
                .hasMessageContaining("3 requests per second")
                .satisfies(e -> assertThat(((GatewayRateLimitedException) e).retryAfter())
                        .isEqualTo(Duration.ofSeconds(1)))
                .satisfies(e -> assertThat(((GatewayRateLimitedException) e).retryable())
                        .isTrue());
    }

    @Test
    void aCallThatMayWaitGetsItsTurnOnceTheBucketRefills() throws Exception {
        StripeRateLimit limit = StripeRateLimit.of(2, Duration.ofSeconds(30));
        limit.acquire("a");
        limit.acquire("b");
        // The third waits for the refill (half a second at 2/s); the wait bound is a hang guard only.
        CompletableFuture<Void> third = CompletableFuture.runAsync(() -> limit.acquire("c"));
        third.get(60, TimeUnit.SECONDS);
        assertThat(third).isCompleted();
    }

    @Test
    void noLimitNeverWaitsOrFails() {
        StripeRateLimit none = StripeRateLimit.of(0, Duration.ZERO);
        List<Integer> done = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            none.acquire("read");
            done.add(i);
        }
        assertThat(done).hasSize(10_000);
    }

    @Test
    void theGatewaysCallsTakeTheirTurnFirst() {
        StripeCalls calls = new StripeCalls(java.time.Clock.systemUTC(), StripeRateLimit.of(1, Duration.ZERO));
        assertThat(calls.call("ping", () -> "pong")).isEqualTo("pong");
        List<String> ran = new ArrayList<>();
        assertThatThrownBy(() -> calls.call("ping", () -> {
                    ran.add("sent");
                    return "pong";
                }))
                .isInstanceOf(GatewayRateLimitedException.class);
        assertThat(ran).as("a call refused here never reaches Stripe").isEmpty();
    }
}
