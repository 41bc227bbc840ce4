package dev.billing.testkit.fake;

import dev.billing.core.model.Page;
import dev.billing.core.model.event.InboxCounts;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.port.EventInbox;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link EventInbox} in memory with the same claim, lease and ownership rules as the real stores. Thread-safe.
 *
 * <p>Usage: {@code EventInbox inbox = new InMemoryEventInbox();}
 */
public final class InMemoryEventInbox implements EventInbox {
    private final Map<String, InboxEntry> entries = new HashMap<>();
    private final StoreSwitch storeSwitch;

    public InMemoryEventInbox() {
        this(new StoreSwitch());
    }

    InMemoryEventInbox(StoreSwitch storeSwitch) {
        this.storeSwitch = storeSwitch;
    }

    @Override
    public synchronized RecordOutcome record(StripeEvent event, Instant receivedAt) {
        storeSwitch.check();
        if (entries.containsKey(event.id())) {
            return RecordOutcome.DUPLICATE;
        }
        entries.put(event.id(), InboxEntry.received(event, receivedAt));
        return RecordOutcome.RECORDED;
    }

    @Override
    public synchronized Recorded recordLeased(StripeEvent event, Instant receivedAt, String owner, Duration lease) {
        storeSwitch.check();
        if (entries.containsKey(event.id())) {
            return Recorded.duplicate();
        }
        entries.put(event.id(), InboxEntry.received(event, receivedAt));
        return new Recorded(
                RecordOutcome.RECORDED, Optional.of(lease(entries.get(event.id()), owner, receivedAt, lease)));
    }

    /** In memory every write is cheap, so the webhook route's batches take customer events unrecorded. */
    @Override
    public boolean linksAndRecordsInOneWrite() {
        return true;
    }

    @Override
    public synchronized Optional<InboxEntry> claim(String eventId, String owner, Instant now, Duration lease) {
        storeSwitch.check();
        InboxEntry entry = entries.get(eventId);
        if (entry == null || !claimable(entry, now)) {
            return Optional.empty();
        }
        return Optional.of(lease(entry, owner, now, lease));
    }

    @Override
    public synchronized List<InboxEntry> claimDue(int max, String owner, Instant now, Duration lease) {
        storeSwitch.check();
        List<InboxEntry> due = entries.values().stream()
                .filter(e -> claimable(e, now))
                .sorted(Comparator.comparing((InboxEntry e) -> e.event().created())
                        .thenComparing(InboxEntry::eventId))
                .limit(max)
                .toList();
        List<InboxEntry> claimed = new ArrayList<>();
        for (InboxEntry entry : due) {
            claimed.add(lease(entry, owner, now, lease));
        }
        return claimed;
    }

    @Override
    public synchronized boolean complete(String eventId, String owner, InboxStatus outcome, Instant now) {
        storeSwitch.check();
        if (!outcome.isDone()) {
            throw new IllegalArgumentException("complete needs PROCESSED or IGNORED, not " + outcome);
        }
        InboxEntry entry = entries.get(eventId);
        if (!heldBy(entry, owner)) {
            return false;
        }
        entries.put(
                eventId,
                new InboxEntry(
                        entry.event(),
                        outcome,
                        entry.attempts(),
                        entry.lastError(),
                        entry.receivedAt(),
                        null,
                        null,
                        null,
                        now,
                        entry.notifiedAt()));
        return true;
    }

    @Override
    public synchronized boolean fail(String eventId, String owner, String error, Instant nextAttemptAt, Instant now) {
        storeSwitch.check();
        InboxEntry entry = entries.get(eventId);
        if (!heldBy(entry, owner)) {
            return false;
        }
        InboxStatus status = nextAttemptAt == null ? InboxStatus.FAILED : InboxStatus.PENDING;
        entries.put(
                eventId,
                new InboxEntry(
                        entry.event(),
                        status,
                        entry.attempts(),
                        error,
                        entry.receivedAt(),
                        nextAttemptAt,
                        null,
                        null,
                        null,
                        entry.notifiedAt()));
        return true;
    }

    @Override
    public synchronized boolean renewLease(String eventId, String owner, Instant until) {
        storeSwitch.check();
        InboxEntry entry = entries.get(eventId);
        if (entry == null || entry.status() != InboxStatus.PENDING || !owner.equals(entry.leaseOwner())) {
            return false;
        }
        entries.put(
                eventId,
                new InboxEntry(
                        entry.event(),
                        entry.status(),
                        entry.attempts(),
                        entry.lastError(),
                        entry.receivedAt(),
                        entry.nextAttemptAt(),
                        entry.leaseOwner(),
                        until,
                        entry.processedAt(),
                        entry.notifiedAt()));
        return true;
    }

    @Override
    public synchronized boolean markNotified(String eventId, Instant now) {
        storeSwitch.check();
        InboxEntry entry = entries.get(eventId);
        if (entry == null || entry.notifiedAt() != null) {
            return false;
        }
        entries.put(
                eventId,
                new InboxEntry(
                        entry.event(),
                        entry.status(),
                        entry.attempts(),
                        entry.lastError(),
                        entry.receivedAt(),
                        entry.nextAttemptAt(),
                        entry.leaseOwner(),
                        entry.leaseExpiresAt(),
                        entry.processedAt(),
                        now));
        return true;
    }

    @Override
    public synchronized Optional<InboxEntry> find(String eventId) {
        storeSwitch.check();
        return Optional.ofNullable(entries.get(eventId));
    }

    @Override
    public synchronized Page<InboxEntry> list(InboxStatus status, String cursor, int limit) {
        storeSwitch.check();
        List<InboxEntry> sorted = entries.values().stream()
                .filter(e -> status == null || e.status() == status)
                .sorted(Comparator.comparing(InMemoryEventInbox::newestFirstKey))
                .toList();
        return Cursors.page(sorted, InMemoryEventInbox::newestFirstKey, cursor, limit);
    }

    @Override
    public synchronized Optional<InboxEntry> requeueLeased(String eventId, Instant now, String owner, Duration lease) {
        return requeue(eventId, now) ? claim(eventId, owner, now, lease) : Optional.empty(); // one step: synchronized
    }

    @Override
    public synchronized boolean requeue(String eventId, Instant now) {
        storeSwitch.check();
        InboxEntry entry = entries.get(eventId);
        if (entry == null
                || (entry.leaseExpiresAt() != null
                        && entry.leaseExpiresAt().isAfter(now)
                        && entry.status() == InboxStatus.PENDING)) {
            return false;
        }
        entries.put(
                eventId,
                new InboxEntry(
                        entry.event(),
                        InboxStatus.PENDING,
                        0,
                        entry.lastError(),
                        entry.receivedAt(),
                        null,
                        null,
                        null,
                        null,
                        entry.notifiedAt()));
        return true;
    }

    @Override
    public synchronized Map<InboxStatus, Long> countByStatus() {
        storeSwitch.check();
        Map<InboxStatus, Long> counts = new EnumMap<>(InboxStatus.class);
        for (InboxStatus status : InboxStatus.values()) {
            counts.put(status, 0L);
        }
        entries.values().forEach(e -> counts.merge(e.status(), 1L, Long::sum));
        return counts;
    }

    @Override
    public synchronized InboxCounts countUpTo(Set<InboxStatus> statuses, long cap) {
        storeSwitch.check();
        Long rows = InboxCounts.rowsToRead(cap);
        Map<InboxStatus, Long> found = new EnumMap<>(InboxStatus.class);
        for (InboxStatus status : statuses) {
            found.put(
                    status,
                    entries.values().stream()
                            .filter(e -> e.status() == status)
                            .limit(rows == null ? Long.MAX_VALUE : rows)
                            .count());
        }
        return InboxCounts.upTo(cap, statuses, found);
    }

    @Override
    public synchronized boolean restore(InboxEntry entry) {
        storeSwitch.check();
        return !entry.equals(entries.put(entry.eventId(), entry));
    }

    @Override
    public synchronized boolean remove(String eventId) {
        storeSwitch.check();
        return entries.remove(eventId) != null;
    }

    @Override
    public synchronized int prune(Instant receivedBefore, int max) {
        storeSwitch.check();
        return RetentionBatch.remove(
                entries.values(), e -> e.status().isDone() && e.receivedAt().isBefore(receivedBefore), max);
    }

    private static boolean claimable(InboxEntry entry, Instant now) {
        return entry.status() == InboxStatus.PENDING
                && (entry.nextAttemptAt() == null || !entry.nextAttemptAt().isAfter(now))
                && (entry.leaseExpiresAt() == null || !entry.leaseExpiresAt().isAfter(now));
    }

    private static boolean heldBy(InboxEntry entry, String owner) {
        return entry != null && entry.status() == InboxStatus.PENDING && owner.equals(entry.leaseOwner());
    }

    private InboxEntry lease(InboxEntry entry, String owner, Instant now, Duration lease) {
        InboxEntry leased = new InboxEntry(
                entry.event(),
                InboxStatus.PENDING,
                entry.attempts() + 1,
                entry.lastError(),
                entry.receivedAt(),
                entry.nextAttemptAt(),
                owner,
                now.plus(lease),
                null,
                entry.notifiedAt());
        entries.put(entry.eventId(), leased);
        return leased;
    }

    private static String newestFirstKey(InboxEntry entry) {
        long micros = entry.receivedAt().getEpochSecond() * 1_000_000L
                + entry.receivedAt().getNano() / 1_000;
        return String.format("%020d", Long.MAX_VALUE - micros) + "|" + entry.eventId();
    }

    @Override
    public synchronized int redact(Set<String> subjects) {
        storeSwitch.check();
        int redacted = 0;
        for (InboxEntry e : List.copyOf(entries.values())) {
            if (e.event().subjectId() != null && subjects.contains(e.event().subjectId()) && redactEntry(e)) {
                redacted++;
            }
        }
        return redacted;
    }

    @Override
    public synchronized boolean redactEvent(String eventId) {
        storeSwitch.check();
        InboxEntry e = entries.get(eventId);
        return e != null && redactEntry(e);
    }

    private boolean redactEntry(InboxEntry e) {
        StripeEvent event = e.event();
        if (EventInbox.isRedacted(event.payload())) {
            return false;
        }
        // The subject, the last error and an object id naming the subject itself go with the payload.
        String objectId =
                event.objectId() != null && event.objectId().equals(event.subjectId()) ? null : event.objectId();
        StripeEvent redacted = new StripeEvent(
                event.id(),
                event.type(),
                event.created(),
                event.livemode(),
                event.apiVersion(),
                objectId,
                event.objectType(),
                EventInbox.redactedPayload(event.id(), event.type()),
                null);
        entries.put(
                event.id(),
                new InboxEntry(
                        redacted,
                        e.status(),
                        e.attempts(),
                        null,
                        e.receivedAt(),
                        e.nextAttemptAt(),
                        e.leaseOwner(),
                        e.leaseExpiresAt(),
                        e.processedAt(),
                        e.notifiedAt()));
        return true;
    }
}
