package dev.billing.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

    @Test
    void allowsTheBudgetThenRefusesWithRetryAfter() {
        RateLimiter limiter = new RateLimiter(3, 100, "user");
        for (int i = 0; i < 3; i++) {
            limiter.check("u1");
        }
        assertThatThrownBy(() -> limiter.check("u1")).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.code()).isEqualTo("rate_limited");
            assertThat(Integer.parseInt(e.headers().get("Retry-After"))).isBetween(1, 20);
        });
        limiter.check("u2");
    }

    @Test
    void zeroTurnsItOff() {
        RateLimiter limiter = new RateLimiter(0, 100, "user");
        for (int i = 0; i < 1000; i++) {
            limiter.check("u1");
        }
        assertThat(limiter.enabled()).isFalse();
    }

    @Test
    void remembersABoundedNumberOfKeys() {
        RateLimiter limiter = new RateLimiter(10, 50, "IP address");
        for (int i = 0; i < 5000; i++) {
            limiter.check("10.0." + (i / 256) + "." + (i % 256));
        }
        assertThat(limiter.size()).isLessThanOrEqualTo(50);
    }
}
