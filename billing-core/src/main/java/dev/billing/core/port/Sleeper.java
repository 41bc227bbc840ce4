package dev.billing.core.port;

import java.time.Duration;

/** Pauses between retries; tests pass one that does not sleep. */
@FunctionalInterface
public interface Sleeper {

    Sleeper REAL = duration -> Thread.sleep(Math.max(0, duration.toMillis()));

    void sleep(Duration duration) throws InterruptedException;
}
