package dev.billing.core.port;

import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.Page;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.event.InboxCounts;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The durable webhook inbox (DESIGN §4.2): record once, claim under a lease, complete or fail.
 *
 * <p>Usage: {@code if (inbox.record(event, now) == RecordOutcome.RECORDED) inbox.claim(event.id(), me, now, lease)}
 *
 * <p>Rules every implementation keeps (the {@code EventInboxContract} pins them):
 * <ul>
 *   <li>An entry is <em>claimable</em> when it is {@code PENDING}, due ({@code nextAttemptAt} null or not after
 *       now) and not leased ({@code leaseExpiresAt} null or not after now). A claim sets the owner and
 *       {@code leaseExpiresAt = now + lease} and counts one attempt; among racing claimers of one entry, across
 *       processes, exactly one wins.</li>
 *   <li>{@code complete} and {@code fail} act only for the current lease owner of a {@code PENDING} entry, so a
 *       worker whose lease was taken over cannot overwrite the newer outcome.</li>
 * </ul>
 * Every method throws {@link dev.billing.core.error.StoreException} on store failure.
 */
public interface EventInbox {

    /** Stores the event as {@code PENDING} unless its id is already present (never overwrites); atomic. */
    RecordOutcome record(StripeEvent event, Instant receivedAt);

    /**
     * Records the event already claimed by {@code owner}, unless its id is already present (never overwrites):
     * {@code PENDING}, one attempt, leased until {@code receivedAt + lease}, exactly what {@link #record} followed by
     * a successful {@link #claim} at {@code receivedAt} leaves. The webhook route uses it to process a new event
     * inline without a second write. Implementations should do it in one atomic step; this default does the two.
     *
     * @return {@code RECORDED} with the leased entry, or {@code DUPLICATE} with none (nothing changed; the existing
     *         entry may still be claimable through {@link #claim})
     */
    default Recorded recordLeased(StripeEvent event, Instant receivedAt, String owner, Duration lease) {
        if (record(event, receivedAt) == RecordOutcome.DUPLICATE) {
            return Recorded.duplicate();
        }
        return new Recorded(RecordOutcome.RECORDED, claim(event.id(), owner, receivedAt, lease));
    }

    /**
     * Records events processed before they were recorded, each unless its id is already present (never overwrites):
     * done with its outcome, one attempt, no lease, {@code processedAt} set; what {@link #recordLeased} and then
     * {@link #complete} leave. The webhook route uses it for an event its batch projected from the payload alone, so
     * that the entry is written once. Answers in order: true when recorded now, false when the id was there (also
     * for the later of two equal ids in one call). This default does the two writes per event; stores write once.
     */
    default List<Boolean> recordProcessed(List<Processed> events) {
        List<Boolean> recorded = new ArrayList<>(events.size());
        for (Processed p : events) {
            String owner = "recorded-processed";
            Recorded leased = recordLeased(p.event(), p.receivedAt(), owner, Duration.ofMinutes(5));
            recorded.add(leased.leased().isPresent() && complete(p.event().id(), owner, p.outcome(), p.processedAt()));
        }
        return recorded;
    }

    /**
     * Events whose whole effect is a customer link: {@code customers.linkAll(links, causes)} (the link and cause at
     * each event's position), then {@link #recordProcessed}, whose answers this returns. The links are written
     * whatever those answers are: linking again changes nothing. A store holding both in one database may write
     * them in one statement and one commit, so that a failure writes neither; this default writes the links first,
     * which a failure of the second write leaves in place (harmless for the same reason).
     */
    default List<Boolean> linkAndRecordProcessed(
            CustomerStore customers, List<Processed> events, List<CustomerLink> links, List<AuditCause> causes) {
        if (links.size() != events.size() || causes.size() != events.size()) {
            throw new IllegalArgumentException("one link and one cause per event");
        }
        customers.linkAll(links, causes);
        return recordProcessed(events);
    }

    /**
     * Whether {@link #linkAndRecordProcessed} costs about one store call per batch. Only then does the webhook route
     * hand a customer event that only links a user to its batch unrecorded, since the event's answer waits for that
     * write; else (this default, whose {@link #recordProcessed} is three calls per event) the route records the event
     * first, as any other.
     */
    default boolean linksAndRecordsInOneWrite() {
        return false;
    }

    /** One event for {@link #recordProcessed}: when it was received, how it ended and when. */
    record Processed(StripeEvent event, Instant receivedAt, InboxStatus outcome, Instant processedAt) {
        public Processed {
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(receivedAt, "receivedAt");
            Objects.requireNonNull(processedAt, "processedAt");
            if (!outcome.isDone()) {
                throw new IllegalArgumentException("recordProcessed needs PROCESSED or IGNORED, not " + outcome);
            }
        }
    }

    /** Claims one entry by id if it is claimable. */
    Optional<InboxEntry> claim(String eventId, String owner, Instant now, Duration lease);

    /** Claims up to {@code max} claimable entries, oldest event {@code created} first. */
    List<InboxEntry> claimDue(int max, String owner, Instant now, Duration lease);

    /**
     * Marks a leased entry done ({@code PROCESSED} or {@code IGNORED}), clearing the lease.
     *
     * @return false when {@code owner} no longer holds the entry
     */
    boolean complete(String eventId, String owner, InboxStatus outcome, Instant now);

    /**
     * {@link #complete} for each (distinct events), answers in the same order; a store may write them together.
     */
    default List<Boolean> completeAll(List<Completion> completions) {
        List<Boolean> results = new ArrayList<>(completions.size());
        for (Completion c : completions) {
            results.add(complete(c.eventId(), c.owner(), c.outcome(), c.now()));
        }
        return results;
    }

    /** One {@link #complete} call, for {@link #completeAll}. */
    record Completion(String eventId, String owner, InboxStatus outcome, Instant now) {
        public Completion {
            Objects.requireNonNull(eventId, "eventId");
            Objects.requireNonNull(owner, "owner");
            if (!outcome.isDone()) {
                throw new IllegalArgumentException("complete needs PROCESSED or IGNORED, not " + outcome);
            }
        }
    }

    /**
     * Records a failed attempt, clearing the lease: stays {@code PENDING} and is due again at
     * {@code nextAttemptAt}, or is parked as {@code FAILED} when {@code nextAttemptAt} is null.
     *
     * @return false when {@code owner} no longer holds the entry
     */
    boolean fail(String eventId, String owner, String error, Instant nextAttemptAt, Instant now);

    /**
     * Extends the lease {@code owner} holds on a pending entry to {@code until}, before work that must not be done
     * twice (a notice sent): work slowed past its lease (Stripe answering slowly) may have lost the entry to another
     * worker's claim, which then does that work itself.
     *
     * <p>This default, for a store without it, extends nothing: it answers whether {@code owner} still holds the
     * entry, as read now.
     *
     * @return false when {@code owner} no longer holds the entry (claimed again, completed or failed)
     */
    default boolean renewLease(String eventId, String owner, Instant until) {
        return find(eventId)
                .filter(e -> e.status() == InboxStatus.PENDING && owner.equals(e.leaseOwner()))
                .isPresent();
    }

    /** Sets {@code notifiedAt} if not yet set; true only for the first call. */
    boolean markNotified(String eventId, Instant now);

    Optional<InboxEntry> find(String eventId);

    /** What a redacted entry's payload holds besides its id and type (see {@link #redactedPayload}). */
    String REDACTED_KEY = "billing_redacted";

    /**
     * The payload an erased account's events keep: {@code {"id":..,"type":..,"billing_redacted":true}}. A store may
     * normalise its spacing (jsonb), so it is recognised by {@link #isRedacted}.
     */
    static String redactedPayload(String eventId, String type) {
        return "{\"id\":\"" + eventId + "\",\"type\":\"" + type + "\",\"" + REDACTED_KEY + "\":true}";
    }

    static boolean isRedacted(String payload) {
        return payload.contains("\"" + REDACTED_KEY + "\":true") || payload.contains("\"" + REDACTED_KEY + "\": true");
    }

    /**
     * Erasure: the entries about any of {@code subjects} (their {@link StripeEvent#subjectId}: the account's Stripe
     * customer, its user id for Clerk's events, and the ids of its objects whose events name no customer) keep their
     * id, type, status, attempts and times; their payload becomes {@link #redactedPayload}, and their subject, last
     * error and an object id that names the subject itself (a customer, a Clerk user) are cleared. A worker holding
     * one still completes it.
     *
     * @return how many entries were redacted now (none on a second call)
     */
    default int redact(Set<String> subjects) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot erase personal data");
    }

    /**
     * Erasure of one entry (an erased account's later event), as {@link #redact} does it; false when there is none
     * or it is redacted.
     */
    default boolean redactEvent(String eventId) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot erase personal data");
    }

    /** Entries, newest received first, optionally of one status; cursor is opaque or null. */
    Page<InboxEntry> list(InboxStatus status, String cursor, int limit);

    /**
     * Up to {@code max} entries about any of {@code subjects} (their {@link StripeEvent#subjectId}, as in
     * {@link #redact}), newest received first: a personal data export. This default reads the whole inbox; stores
     * answer from an index.
     */
    default List<InboxEntry> about(Set<String> subjects, int max) {
        List<InboxEntry> found = new ArrayList<>();
        String cursor = null;
        do {
            Page<InboxEntry> page = list(null, cursor, 500);
            for (InboxEntry entry : page.items()) {
                if (found.size() < max
                        && entry.event().subjectId() != null
                        && subjects.contains(entry.event().subjectId())) {
                    found.add(entry);
                }
            }
            cursor = page.nextCursor();
        } while (cursor != null && found.size() < max);
        return found;
    }

    /**
     * Makes an entry due again now with zero attempts, whatever its status, unless it is leased right now.
     *
     * @return false when the entry does not exist or is leased
     */
    boolean requeue(String eventId, Instant now);

    /**
     * {@link #requeue}, the entry left claimed by {@code owner} as {@link #claim} at {@code now} would: pending, one
     * attempt, leased until {@code now + lease}. An admin's replay processes the entry itself, and a worker polling
     * for due entries must not take it between the two. Implementations should do it in one atomic step; this default
     * does the two.
     *
     * @return the leased entry, or empty when it does not exist or is leased right now
     */
    default Optional<InboxEntry> requeueLeased(String eventId, Instant now, String owner, Duration lease) {
        return requeue(eventId, now) ? claim(eventId, owner, now, lease) : Optional.empty();
    }

    /**
     * How many entries are in each status (every status present, zero when none), exactly: a store reads every entry,
     * so on a large inbox prefer {@link #countUpTo}.
     */
    Map<InboxStatus, Long> countByStatus();

    /**
     * How many entries are in each of {@code statuses}, each counted exactly up to {@code cap}; a status with more is
     * answered as the cap and marked {@link InboxCounts#isAtLeast}. A store reads at most {@code cap + 1} entries of
     * each status, along an index, so the cost is bounded by the cap however large the inbox grows (handled entries
     * pile up until retention prunes them); {@link InboxCounts#EXACT} counts exactly (for the statuses that stay
     * small: pending, failed). This default counts everything with {@link #countByStatus}; stores override it.
     *
     * <p>Usage: {@code inbox.countUpTo(EnumSet.allOf(InboxStatus.class), 10_000)}
     */
    default InboxCounts countUpTo(Set<InboxStatus> statuses, long cap) {
        return InboxCounts.upTo(cap, statuses, countByStatus());
    }

    /**
     * Writes the entry exactly as given (migration): inserts it, or replaces a stored entry of the same id that
     * differs, so a second copy brings a changed entry up to date; true when it wrote.
     */
    boolean restore(InboxEntry entry);

    /**
     * Migration: deletes the entry, whatever its status, because the source of a store-to-store copy does not have
     * it. Never used while the inbox serves webhooks (an entry is what makes a redelivery a duplicate).
     *
     * @return false when there is none
     */
    default boolean remove(String eventId) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " cannot remove records (a migration target needs to)");
    }

    /**
     * Retention: deletes up to {@code max} handled entries ({@code PROCESSED} or {@code IGNORED}) received before
     * {@code receivedBefore}, in one short step that waits for no other writer. Pending and parked ({@code FAILED})
     * entries stay whatever their age. A redelivery of a deleted event is recorded as new.
     *
     * @return how many were deleted (fewer than {@code max}: none is left)
     */
    default int prune(Instant receivedBefore, int max) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps every event");
    }

    /** What {@link #record} did. */
    enum RecordOutcome {
        RECORDED,
        DUPLICATE
    }

    /** What {@link #recordLeased} did: the outcome, and the entry leased to the caller when it recorded it. */
    record Recorded(RecordOutcome outcome, Optional<InboxEntry> leased) {
        public Recorded {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(leased, "leased");
        }

        public static Recorded duplicate() {
            return new Recorded(RecordOutcome.DUPLICATE, Optional.empty());
        }
    }
}
