package dev.billing.core.webhook;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lease owners no other claim uses: this process's random id and a counter (a {@code UUID} per claim would take a
 * lock on the system's random source for every webhook).
 */
final class LeaseOwners {
    private static final String PROCESS_ID = UUID.randomUUID().toString();
    private static final AtomicLong CLAIMS = new AtomicLong();

    private LeaseOwners() {}

    static String next() {
        return PROCESS_ID + "-" + CLAIMS.incrementAndGet();
    }
}
