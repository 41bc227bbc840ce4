package dev.billing.core.port;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.usage.MeterReport;
import dev.billing.core.model.usage.UsageCounter;
import dev.billing.core.model.usage.UsageIncrement;
import dev.billing.core.model.usage.UsageKey;
import dev.billing.core.model.usage.UsageResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Usage counters per (user, meter, period start), idempotency keys per user, and the outbox of meter reports.
 *
 * <p>Usage: {@code if (ledger.increment(inc) instanceof UsageResult.Accepted a) { ... a.remaining() ... }}
 *
 * <p>{@link #increment} is one atomic step: under any concurrency, across processes, the sum of accepted amounts
 * never passes the limit, a key counts once, and the meter report (when given) is enqueued iff the increment is
 * accepted. Every method throws {@link dev.billing.core.error.StoreException} on store failure.
 */
public interface UsageLedger {

    UsageResult increment(UsageIncrement increment);

    /** Used amount of one meter in the period starting at {@code periodStart}; 0 when none. */
    long used(UserId userId, String meter, Instant periodStart);

    /** Used amounts of every meter the user has in the period starting at {@code periodStart}. */
    Map<String, Long> usage(UserId userId, Instant periodStart);

    /**
     * Reports due now, leased for {@code lease} (due again after it unless marked), counting an attempt; none counted
     * longer than {@link MeterReport#CLAIM_HORIZON} before {@code now}, which Stripe would never take.
     */
    List<MeterReport> claimReports(int max, Instant now, Duration lease);

    void markReported(String identifier, Instant now);

    void retryReport(String identifier, String error, Instant nextAttemptAt);

    /** Reports not yet marked reported. */
    long pendingReports();

    /**
     * Reports not yet marked reported whose usage was counted before {@code before} (the meter event's timestamp):
     * with {@code now} minus {@link MeterReport#UNBILLABLE_AGE}, those Stripe no longer takes. Read along the same
     * index as {@link #claimReports}.
     */
    default long pendingReportsCountedBefore(Instant before) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not count reports by age");
    }

    /** Every counter ordered by (user, meter, period); cursor opaque or null. For migration. */
    Page<UsageCounter> listCounters(String cursor, int limit);

    /**
     * Erasure: the user's counters and idempotency records move to {@code pseudonym}, in one step.
     *
     * @return how many rows moved
     */
    default int pseudonymise(UserId user, UserId pseudonym) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot erase personal data");
    }

    /**
     * Every counter of one user, every period (a personal data export). This default reads all counters; stores
     * answer from an index.
     */
    default List<UsageCounter> countersOf(UserId userId) {
        List<UsageCounter> found = new ArrayList<>();
        String cursor = null;
        do {
            Page<UsageCounter> page = listCounters(cursor, 500);
            page.items().stream().filter(c -> c.userId().equals(userId)).forEach(found::add);
            cursor = page.nextCursor();
        } while (cursor != null);
        return found;
    }

    /**
     * Every idempotency key one user used, with the answer it got (a personal data export), in key order. This default
     * reads all keys; stores answer from an index.
     */
    default List<UsageKey> keysOf(UserId userId) {
        List<UsageKey> found = new ArrayList<>();
        String cursor = null;
        do {
            Page<UsageKey> page = listKeys(cursor, 500);
            page.items().stream().filter(k -> k.userId().equals(userId)).forEach(found::add);
            cursor = page.nextCursor();
        } while (cursor != null);
        return found;
    }

    /**
     * Every meter report of one customer, reported or not (a personal data export), in identifier order. This
     * default reads all reports.
     */
    default List<MeterReport> reportsOf(CustomerId customerId) {
        List<MeterReport> found = new ArrayList<>();
        String cursor = null;
        do {
            Page<MeterReport> page = listReports(cursor, 500);
            page.items().stream()
                    .filter(r -> r.event().customerId().equals(customerId))
                    .forEach(found::add);
            cursor = page.nextCursor();
        } while (cursor != null);
        return found;
    }

    Page<UsageKey> listKeys(String cursor, int limit);

    Page<MeterReport> listReports(String cursor, int limit);

    /**
     * Retention: deletes up to {@code max} idempotency keys first used before {@code before}; a later increment with
     * one of them counts again. One short step that waits for no other writer.
     *
     * @return how many were deleted (fewer than {@code max}: none is left)
     */
    default int pruneKeys(Instant before, int max) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps every idempotency key");
    }

    /**
     * Retention: deletes up to {@code max} meter reports Stripe accepted before {@code before}. A report not yet
     * accepted stays whatever its age. One short step that waits for no other writer.
     *
     * @return how many were deleted (fewer than {@code max}: none is left)
     */
    default int pruneReports(Instant before, int max) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps every meter report");
    }

    /**
     * Retention: deletes up to {@code max} usage counters whose period ended before {@code before}. Quotas read only
     * the periods running now. One short step that waits for no other writer.
     *
     * @return how many were deleted (fewer than {@code max}: none is left)
     */
    default int pruneCounters(Instant before, int max) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps every usage counter");
    }

    /**
     * Writes the counter exactly as given (migration): inserts it, or replaces the stored count of the same user,
     * meter and period when it differs (the source's count wins while the source is the writer); true when it wrote.
     */
    boolean restoreCounter(UsageCounter counter);

    /** Inserts the key as given unless present (a used key never changes); true when stored. */
    boolean restoreKey(UsageKey key);

    /** Writes the report exactly as given, like {@link #restoreCounter}; true when it wrote. */
    boolean restoreReport(MeterReport report);

    /**
     * Migration: deletes the counter, because the source of a store-to-store copy no longer has it (an erasure moved
     * it to a pseudonym, say). {@link #removeKey} and {@link #removeReport} do the same for theirs.
     *
     * @return false when there is none
     */
    default boolean removeCounter(UserId user, String meter, Instant periodStart) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " cannot remove records (a migration target needs to)");
    }

    default boolean removeKey(UserId user, String idempotencyKey) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " cannot remove records (a migration target needs to)");
    }

    default boolean removeReport(String identifier) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " cannot remove records (a migration target needs to)");
    }
}
