package dev.billing.core.model.event;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Inbox entries per status, each counted exactly up to a cap: a status with more entries than the cap is counted as
 * the cap and listed in {@code atLeast} (it has at least that many, in fact more). What
 * {@link dev.billing.core.port.EventInbox#countUpTo} answers; {@code counts} holds exactly the statuses asked for.
 *
 * <p>Usage: {@code counts.isAtLeast(InboxStatus.PROCESSED) ? counts.count(InboxStatus.PROCESSED) + "+" : ...}
 */
public record InboxCounts(Map<InboxStatus, Long> counts, Set<InboxStatus> atLeast) {
    /** The cap that counts exactly, whatever the number: for the small statuses whose exact backlog matters. */
    public static final long EXACT = Long.MAX_VALUE;

    public InboxCounts {
        Objects.requireNonNull(counts, "counts");
        Objects.requireNonNull(atLeast, "atLeast");
        counts.forEach((status, n) -> {
            Objects.requireNonNull(status, "counts status");
            if (n == null || n < 0) {
                throw new IllegalArgumentException("count of " + status + " must not be negative, was " + n);
            }
        });
        if (!counts.keySet().containsAll(atLeast)) {
            throw new IllegalArgumentException("atLeast " + atLeast + " names a status not counted");
        }
        counts = counts.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(counts));
        atLeast = atLeast.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(atLeast));
    }

    /**
     * The counts of a store that read at most {@code cap + 1} entries of each status: {@code found} above the cap
     * becomes the cap, marked as a lower bound. A status missing from {@code found} had none.
     */
    public static InboxCounts upTo(long cap, Set<InboxStatus> statuses, Map<InboxStatus, Long> found) {
        checkCap(cap);
        Map<InboxStatus, Long> counts = new EnumMap<>(InboxStatus.class);
        Set<InboxStatus> atLeast = EnumSet.noneOf(InboxStatus.class);
        for (InboxStatus status : statuses) {
            long n = found.getOrDefault(status, 0L);
            if (n > cap) {
                counts.put(status, cap);
                atLeast.add(status);
            } else {
                counts.put(status, n);
            }
        }
        return new InboxCounts(counts, atLeast);
    }

    /**
     * How many entries of each status a store reads to count up to {@code cap}: one more than the cap, to tell "exactly
     * the cap" from "more"; null (no limit) for {@link #EXACT}.
     */
    public static Long rowsToRead(long cap) {
        checkCap(cap);
        return cap == EXACT ? null : cap + 1;
    }

    /** The count of {@code status}; exact unless {@link #isAtLeast}. */
    public long count(InboxStatus status) {
        Long n = counts.get(status);
        if (n == null) {
            throw new IllegalArgumentException(status + " was not counted");
        }
        return n;
    }

    /** True when {@code status} has more entries than the cap it was counted to, and {@link #count} is the cap. */
    public boolean isAtLeast(InboxStatus status) {
        return atLeast.contains(status);
    }

    private static void checkCap(long cap) {
        if (cap < 0) {
            throw new IllegalArgumentException("cap must not be negative, was " + cap);
        }
    }
}
