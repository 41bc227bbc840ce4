package dev.billing.server;

import dev.billing.core.error.StoreException;
import dev.billing.core.port.BillingStores;
import dev.billing.supabase.SupabaseConfigurationException;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the store when {@code serve} starts, waiting for it while it cannot be reached: an instance restarted during a
 * database outage (or meeting a slow first connection) comes up once the database does, instead of exiting. It is not
 * listening, so not ready, meanwhile. Each failed attempt is logged; pauses double from 1 s to 30 s; after the start
 * timeout the last failure ends the start (exit 1). A refused login, a missing database or a missing privilege is a
 * configuration problem, reported at once (exit 2): waiting would not fix it. So is a Supabase project that refuses the
 * key or lacks this build's billing SQL.
 */
final class StoreStartup {
    private static final Logger LOG = LoggerFactory.getLogger(StoreStartup.class);
    static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    static final Duration LONGEST_PAUSE = Duration.ofSeconds(30);

    private StoreStartup() {}

    static BillingStores open(Supplier<BillingStores> open, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Duration pause = FIRST_PAUSE;
        for (int attempt = 1; ; attempt++) {
            try {
                BillingStores stores = open.get();
                if (attempt > 1) {
                    LOG.info("The store is reachable (attempt {})", attempt);
                }
                return stores;
            } catch (StoreException e) {
                configurationProblem(e);
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.error(
                            "The store is still not reachable after {} s ({} attempts); giving up: {}",
                            timeout.toSeconds(),
                            attempt,
                            e.getMessage());
                    throw e;
                }
                Duration wait = pause.compareTo(Duration.ofNanos(left)) > 0 ? Duration.ofNanos(left) : pause;
                LOG.warn(
                        "The store is not reachable yet (attempt {}; retrying in {} ms, giving up after {} s): {}",
                        attempt,
                        wait.toMillis(),
                        timeout.toSeconds(),
                        e.getMessage());
                sleep(wait);
                pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
            }
        }
    }

    /**
     * A refusal that waiting would not fix ({@link DatabaseRefusal}; a Supabase key refused, or its billing SQL missing
     * or older than this build's) ends the start at once.
     */
    private static void configurationProblem(StoreException e) {
        DatabaseRefusal.of(e).ifPresent(reason -> {
            throw new ConfigException(List.of("DATABASE_URL: " + reason + " (" + e.getMessage() + ")"));
        });
        if (e instanceof SupabaseConfigurationException) {
            throw new ConfigException(List.of(SupabaseSettings.BOTH + e.getMessage()));
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the store", e);
        }
    }
}
