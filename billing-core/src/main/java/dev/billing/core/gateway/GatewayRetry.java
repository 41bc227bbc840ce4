package dev.billing.core.gateway;

import dev.billing.core.annotation.Internal;
import dev.billing.core.error.GatewayException;
import dev.billing.core.error.GatewayRateLimitedException;
import dev.billing.core.port.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Repeats an idempotent gateway call (a read, or a write carrying an idempotency key) on retryable failures,
 * within a number of attempts and a time budget, so a user-facing request fails fast instead of hanging.
 */
@Internal
public final class GatewayRetry {
    private final Clock clock;
    private final Sleeper sleeper;
    private final int maxAttempts;
    private final Duration budget;
    private final Duration initialBackoff;

    public GatewayRetry(Clock clock, Sleeper sleeper, int maxAttempts, Duration budget, Duration initialBackoff) {
        this.clock = clock;
        this.sleeper = sleeper;
        this.maxAttempts = maxAttempts;
        this.budget = budget;
        this.initialBackoff = initialBackoff;
    }

    public <T> T call(Supplier<T> operation) {
        Instant deadline = clock.instant().plus(budget);
        for (int attempt = 1; ; attempt++) {
            try {
                return operation.get();
            } catch (GatewayException e) {
                if (!e.retryable() || attempt >= maxAttempts) {
                    throw e;
                }
                Duration wait = initialBackoff.multipliedBy(1L << Math.min(attempt - 1, 10));
                if (e instanceof GatewayRateLimitedException limited
                        && limited.retryAfter().compareTo(wait) > 0) {
                    wait = limited.retryAfter();
                }
                if (clock.instant().plus(wait).isAfter(deadline)) {
                    throw e;
                }
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    public void run(Runnable operation) {
        call(() -> {
            operation.run();
            return null;
        });
    }
}
