package dev.billing.core.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The watermark every projection row carries (DESIGN §4.3). Ordering: by second first; within one second a
 * re-fetched object outranks a webhook snapshot; re-fetches within one second order by microsecond. Snapshots
 * carry the event's {@code created} second; two snapshots of the same second are a tie, which the webhook
 * processor resolves by re-fetching. Re-fetch stamps come from {@link RefetchStamps}, strictly increasing per
 * process, so two reads in one process never tie.
 *
 * <p>{@link #key()} packs the order into one {@code long} so that stores compare with a single integer
 * comparison: {@code epochSecond * 10_000_000 + (refetch ? 1_000_000 + micros : 0)}.
 */
public record SourceVersion(Instant at, Source source) implements Comparable<SourceVersion> {

    /** Where the object's state came from. */
    public enum Source {
        /** The {@code data.object} snapshot inside a webhook event. */
        SNAPSHOT,
        /** The object as read from the gateway (a re-fetch, a reconcile, or the response to our own call). */
        REFETCH
    }

    public SourceVersion {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(source, "source");
        at = source == Source.SNAPSHOT
                ? Instant.ofEpochSecond(at.getEpochSecond())
                : Instant.ofEpochSecond(at.getEpochSecond(), at.getNano() / 1_000 * 1_000);
        if (at.getEpochSecond() < 0) {
            throw new IllegalArgumentException("version time must not be before 1970");
        }
    }

    public static SourceVersion snapshot(Instant eventCreated) {
        return new SourceVersion(eventCreated, Source.SNAPSHOT);
    }

    public static SourceVersion refetch(Instant fetchedAt) {
        return new SourceVersion(fetchedAt, Source.REFETCH);
    }

    private static final long PER_SECOND = 10_000_000L;
    private static final long REFETCH_BASE = 1_000_000L;

    public long key() {
        long base = at.getEpochSecond() * PER_SECOND;
        return source == Source.SNAPSHOT ? base : base + REFETCH_BASE + at.getNano() / 1_000;
    }

    public static SourceVersion fromKey(long key) {
        long second = key / PER_SECOND;
        long rest = key % PER_SECOND;
        if (rest == 0) {
            return snapshot(Instant.ofEpochSecond(second));
        }
        if (rest < REFETCH_BASE || rest >= 2 * REFETCH_BASE) {
            throw new IllegalArgumentException("not a version key: " + key);
        }
        return refetch(Instant.ofEpochSecond(second, (rest - REFETCH_BASE) * 1_000));
    }

    @Override
    public int compareTo(SourceVersion other) {
        return Long.compare(key(), other.key());
    }

    public boolean isNewerThan(SourceVersion other) {
        return compareTo(other) > 0;
    }

    /**
     * How long before a read a snapshot's second may still be of a change made after it (DESIGN §4.3): the read's
     * own second, since a snapshot carries whole seconds; an answer to our own call, stamped when it arrives, up to
     * this long after Stripe made it; and a host clock ahead of Stripe's.
     */
    public static final Duration READ_AMBIGUITY = Duration.ofSeconds(60);

    /**
     * Whether this snapshot, which {@code stored} outranks, may nevertheless tell of a later change: {@code stored}
     * was read from Stripe no later than {@link #READ_AMBIGUITY} after this snapshot's second. Only Stripe knows
     * then which came first, and the caller reads it, as for two snapshots of one second.
     */
    public boolean mayFollowRead(SourceVersion stored) {
        return source == Source.SNAPSHOT
                && stored.source == Source.REFETCH
                && stored.at.getEpochSecond() - at.getEpochSecond() <= READ_AMBIGUITY.toSeconds();
    }
}
