package dev.billing.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * The watermark every projection row carries (DESIGN §4.3). Ordering: by second first; within one second a
 * re-fetched object outranks a webhook snapshot; re-fetches within one second order by millisecond. Snapshots
 * carry the event's {@code created} second; two snapshots of the same second are a tie, which the webhook
 * processor resolves by re-fetching.
 *
 * <p>{@link #key()} packs the order into one {@code long} so that stores compare with a single integer
 * comparison: {@code epochSecond * 10000 + (refetch ? 1000 + millis : 0)}.
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
                : Instant.ofEpochMilli(at.toEpochMilli());
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

    public long key() {
        long base = at.getEpochSecond() * 10_000L;
        return source == Source.SNAPSHOT ? base : base + 1_000L + at.getNano() / 1_000_000;
    }

    public static SourceVersion fromKey(long key) {
        long second = key / 10_000L;
        long rest = key % 10_000L;
        if (rest == 0) {
            return snapshot(Instant.ofEpochSecond(second));
        }
        if (rest < 1_000L || rest > 1_999L) {
            throw new IllegalArgumentException("not a version key: " + key);
        }
        return refetch(Instant.ofEpochSecond(second).plusMillis(rest - 1_000L));
    }

    @Override
    public int compareTo(SourceVersion other) {
        return Long.compare(key(), other.key());
    }

    public boolean isNewerThan(SourceVersion other) {
        return compareTo(other) > 0;
    }
}
