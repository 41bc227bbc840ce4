package dev.billing.core.port;

import dev.billing.core.model.CustomerId;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A short, shared record of which customers' projection changed, so that every process on the store drops what it
 * cached for them: the process that made a change is told directly ({@link ProjectionListener}); the others read
 * it here. It speeds caches up and is not needed for correctness: a change missing from it still shows everywhere
 * when the cached answer expires.
 *
 * <p>Positions grow with every append, but a store may make a position visible after a higher one (two appends
 * committing in the other order), so a reader keeps a gap open for a while before it moves past it.
 *
 * <p>Usage: {@code changes.append(processId, List.of(customerId), now); List<Change> news = changes.after(cursor, 500);}
 */
public interface ProjectionChanges {

    /** Nothing shared: every process sees only its own changes at once (stores that keep no such record). */
    ProjectionChanges NONE = new ProjectionChanges() {
        @Override
        public void append(String origin, Collection<CustomerId> customers, Instant at) {}

        @Override
        public List<Change> after(long position, int limit) {
            return List.of();
        }

        @Override
        public long head() {
            return 0;
        }

        @Override
        public int prune(Instant before) {
            return 0;
        }
    };

    /**
     * Records that the projection of each of these customers changed at {@code at} (one statement), made by the
     * process {@code origin} (which need not read its own changes back).
     */
    void append(String origin, Collection<CustomerId> customers, Instant at);

    /** The changes whose position is above {@code position}, by position, at most {@code limit}. */
    List<Change> after(long position, int limit);

    /** The highest position recorded so far, 0 when none: where a process starts reading. */
    long head();

    /** Deletes the changes made before {@code before}; returns how many. */
    int prune(Instant before);

    /** One change: its position in the record, the process that made it, the customer, and when. */
    record Change(long position, String origin, CustomerId customer, Instant at) {
        public Change {
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(customer, "customer");
            Objects.requireNonNull(at, "at");
        }
    }
}
