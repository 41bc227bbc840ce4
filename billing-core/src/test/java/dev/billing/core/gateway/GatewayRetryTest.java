package dev.billing.core.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.error.GatewayOutcomeUnknownException;
import dev.billing.core.error.GatewayRateLimitedException;
import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.error.GatewayUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GatewayRetryTest {
    private final List<Duration> pauses = new ArrayList<>();
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-21T00:00:00Z"), ZoneOffset.UTC);

    private GatewayRetry retry(int attempts, Duration budget) {
        return new GatewayRetry(clock, pauses::add, attempts, budget, Duration.ofMillis(100));
    }

    @Test
    void retriesRetryableFailuresWithGrowingPauses() {
        AtomicInteger calls = new AtomicInteger();
        String result = retry(4, Duration.ofSeconds(10)).call(() -> {
            switch (calls.incrementAndGet()) {
                case 1:
                    throw new GatewayUnavailableException("refused");
                case 2:
                    throw new GatewayOutcomeUnknownException("timeout");
                default:
                    return "ok";
            }
        });
        assertThat(result).isEqualTo("ok");
        assertThat(calls).hasValue(3);
        assertThat(pauses).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void honoursRetryAfterWhenRateLimited() {
        AtomicInteger calls = new AtomicInteger();
        retry(3, Duration.ofSeconds(10)).call(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new GatewayRateLimitedException("slow down", Duration.ofSeconds(2));
            }
            return 1;
        });
        assertThat(pauses).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void neverRetriesARejection() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry(5, Duration.ofSeconds(10)).call(() -> {
                    calls.incrementAndGet();
                    throw new GatewayRejectedException("bad", 400, "parameter_invalid", "email");
                }))
                .isInstanceOf(GatewayRejectedException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void givesUpAfterTheLastAttemptWithTheLastError() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry(3, Duration.ofSeconds(10)).call(() -> {
                    calls.incrementAndGet();
                    throw new GatewayUnavailableException("down");
                }))
                .isInstanceOf(GatewayUnavailableException.class);
        assertThat(calls).hasValue(3);
    }

    @Test
    void doesNotStartAPauseThatWouldOverrunTheBudget() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry(5, Duration.ofSeconds(1)).call(() -> {
                    calls.incrementAndGet();
                    throw new GatewayRateLimitedException("slow down", Duration.ofSeconds(30));
                }))
                .isInstanceOf(GatewayRateLimitedException.class);
        assertThat(calls).hasValue(1);
        assertThat(pauses).isEmpty();
    }
}
