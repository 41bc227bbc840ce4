package dev.billing.core.org;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per organization in this process, kept only while someone holds or waits for it, so that the membership
 * changes of one organization and the seat updates they cause happen one at a time here. A
 * {@link ReentrantLock} rather than a monitor: a virtual thread blocked on it does not pin its carrier.
 *
 * <p>Usage: {@code try (OrgLocks.Held held = locks.acquire("org_2abc")) { ... held.othersWaiting() ... }}
 */
final class OrgLocks {
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        /** Holders and waiters; changed only inside the map's compute, so the entry leaves with the last of them. */
        int users;
    }

    /** The lock of one organization, held until {@link Held#close()}. */
    final class Held implements AutoCloseable {
        private final String key;
        private final Entry entry;

        private Held(String key, Entry entry) {
            this.key = key;
            this.entry = entry;
        }

        /** Whether others wait for this lock now: the last of them will see what this holder wrote. */
        boolean othersWaiting() {
            return entry.lock.hasQueuedThreads();
        }

        @Override
        public void close() {
            entry.lock.unlock();
            entries.computeIfPresent(key, (k, e) -> --e.users == 0 ? null : e);
        }
    }

    /** Waits for the organization's lock (uninterruptibly: a waiter never gives up, see {@link Held#othersWaiting}). */
    Held acquire(String orgId) {
        Entry entry = entries.compute(orgId, (k, e) -> {
            Entry held = e == null ? new Entry() : e;
            held.users++;
            return held;
        });
        entry.lock.lock();
        return new Held(orgId, entry);
    }

    /** How many organizations have a holder or a waiter (tests: none are left behind). */
    int size() {
        return entries.size();
    }
}
