package dev.billing.testkit.contract;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.anEvent;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The part of the {@link dev.billing.core.port.EventInbox} contract about what admins and a migration do with the
 * inbox: requeueing an event (a replay), listing and counting entries by status, and restoring entries (a
 * migration's copy). {@link EventInboxContract} extends it, so each implementation still subclasses one contract
 * and runs both parts; they are apart only so that neither file does two jobs.
 */
public abstract class EventInboxAdministrationContract {
    static final Duration LEASE = Duration.ofSeconds(60);
    static final ObjectMapper JSON = new ObjectMapper();

    EventInbox inbox;
    /** Each test works at its own instant so "due" rows of other tests never interfere. */
    Instant now;

    protected abstract EventInbox inbox();

    @BeforeEach
    void setUpInbox() {
        inbox = inbox();
        now = T0.plus(Duration.ofDays(3650 + (long) (Math.random() * 100_000)));
    }

    StripeEvent event() {
        return anEvent().createdAt(now.minusSeconds(5)).build();
    }

    /** A new entry in {@code status}, handled long ago: no claim of another test ever sees it. */
    InboxEntry stored(InboxStatus status) {
        StripeEvent event = anEvent().createdAt(T0).build();
        return new InboxEntry(event, status, 1, null, T0, null, null, null, status.isDone() ? T0 : null, null);
    }

    InboxEntry claimed(StripeEvent event, String owner) {
        inbox.record(event, now);
        return inbox.claim(event.id(), owner, now, LEASE).orElseThrow();
    }

    @Nested
    @DisplayName("administration")
    class Administration {

        @Test
        @DisplayName("a parked event is requeued with fresh attempts and is due at once")
        void requeueParked() {
            StripeEvent event = event();
            claimed(event, "me");
            inbox.fail(event.id(), "me", "boom", null, now);
            assertThat(inbox.requeue(event.id(), now)).isTrue();
            InboxEntry entry = inbox.find(event.id()).orElseThrow();
            assertThat(entry.status()).isEqualTo(InboxStatus.PENDING);
            assertThat(entry.attempts()).isZero();
            assertThat(inbox.claim(event.id(), "me", now, LEASE)).isPresent();
        }

        @Test
        void aProcessedEventCanBeRequeued() {
            StripeEvent event = event();
            claimed(event, "me");
            inbox.complete(event.id(), "me", InboxStatus.PROCESSED, now);
            assertThat(inbox.requeue(event.id(), now)).isTrue();
            assertThat(inbox.find(event.id()).orElseThrow().status()).isEqualTo(InboxStatus.PENDING);
        }

        @Test
        @DisplayName("a requeue leased to its caller leaves no worker a due entry to take, and fences the old owner")
        void requeueLeased() {
            StripeEvent event = event();
            claimed(event, "me");
            inbox.fail(event.id(), "me", "boom", null, now);
            InboxEntry entry =
                    inbox.requeueLeased(event.id(), now, "replay", LEASE).orElseThrow();
            assertThat(entry.status()).isEqualTo(InboxStatus.PENDING);
            assertThat(entry.attempts()).isEqualTo(1);
            assertThat(entry.leaseOwner()).isEqualTo("replay");
            assertThat(entry.leaseExpiresAt()).isEqualTo(now.plus(LEASE));
            assertThat(inbox.find(event.id())).contains(entry);
            assertThat(inbox.claimDue(10, "worker", now, LEASE))
                    .noneMatch(e -> e.eventId().equals(event.id()));
            assertThat(inbox.claim(event.id(), "worker", now, LEASE)).isEmpty();
            assertThat(inbox.complete(event.id(), "me", InboxStatus.PROCESSED, now))
                    .isFalse();
            assertThat(inbox.requeueLeased(event.id(), now, "another", LEASE)).isEmpty();
            assertThat(inbox.requeueLeased(unique("evt_missing_"), now, "replay", LEASE))
                    .isEmpty();
            assertThat(inbox.complete(event.id(), "replay", InboxStatus.PROCESSED, now))
                    .isTrue();
            assertThat(inbox.requeueLeased(event.id(), now, "again", LEASE)).isPresent();
        }

        @Test
        void aLeasedOrUnknownEventIsNotRequeued() {
            StripeEvent event = event();
            claimed(event, "me");
            assertThat(inbox.requeue(event.id(), now)).isFalse();
            assertThat(inbox.requeue(unique("evt_missing_"), now)).isFalse();
        }

        @Test
        @DisplayName("lists newest received first, by status, in complete pages")
        void listsByStatus() {
            Instant base = now.plus(Duration.ofDays(3));
            List<String> parked = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                StripeEvent event = anEvent().createdAt(base).build();
                inbox.record(event, base.plusSeconds(i));
                inbox.claim(event.id(), "me", base.plusSeconds(i), LEASE);
                inbox.fail(event.id(), "me", "boom", null, base.plusSeconds(i));
                parked.add(0, event.id());
            }
            List<InboxEntry> all = new ArrayList<>();
            String cursor = null;
            do {
                Page<InboxEntry> page = inbox.list(InboxStatus.FAILED, cursor, 3);
                all.addAll(page.items());
                cursor = page.nextCursor();
            } while (cursor != null);
            assertThat(all).allSatisfy(e -> assertThat(e.status()).isEqualTo(InboxStatus.FAILED));
            List<String> ids = all.stream()
                    .map(InboxEntry::eventId)
                    .filter(parked::contains)
                    .toList();
            assertThat(ids).containsExactlyElementsOf(parked);
            Set<String> unique =
                    new HashSet<>(all.stream().map(InboxEntry::eventId).toList());
            assertThat(unique).hasSize(all.size());
        }

        @Test
        @DisplayName("lists every status together, newest received first (ties by event id), in complete pages")
        void listsEveryStatus() {
            Instant base = now.plus(Duration.ofDays(4));
            InboxStatus[] statuses = {
                InboxStatus.PENDING, InboxStatus.PROCESSED, InboxStatus.IGNORED, InboxStatus.FAILED
            };
            Map<String, Instant> received = new HashMap<>();
            for (int i = 0; i < 10; i++) {
                StripeEvent event = anEvent().createdAt(base).build();
                Instant at = base.plusSeconds(i / 2); // two events per second: the tie goes by event id
                inbox.record(event, at);
                received.put(event.id(), at);
                InboxStatus status = statuses[i % statuses.length];
                if (status != InboxStatus.PENDING) {
                    inbox.claim(event.id(), "me", at, LEASE).orElseThrow();
                    if (status == InboxStatus.FAILED) {
                        inbox.fail(event.id(), "me", "boom", null, at);
                    } else {
                        inbox.complete(event.id(), "me", status, at);
                    }
                }
            }
            List<InboxEntry> all = new ArrayList<>();
            String cursor = null;
            do {
                Page<InboxEntry> page = inbox.list(null, cursor, 3);
                all.addAll(page.items());
                cursor = page.nextCursor();
            } while (cursor != null);
            List<InboxEntry> ours =
                    all.stream().filter(e -> received.containsKey(e.eventId())).toList();
            List<String> expected = received.keySet().stream()
                    .sorted(Comparator.comparing((String id) -> received.get(id))
                            .reversed()
                            .thenComparing(Comparator.<String>naturalOrder()))
                    .toList();
            assertThat(ours).extracting(InboxEntry::eventId).containsExactlyElementsOf(expected);
            assertThat(ours).extracting(InboxEntry::status).containsOnly(statuses);
            assertThat(new HashSet<>(all.stream().map(InboxEntry::eventId).toList()))
                    .hasSize(all.size());
        }

        @Test
        void countsEveryStatus() {
            Map<InboxStatus, Long> before = inbox.countByStatus();
            assertThat(before).containsOnlyKeys(InboxStatus.values());
            StripeEvent event = event();
            inbox.record(event, now);
            Map<InboxStatus, Long> after = inbox.countByStatus();
            assertThat(after.get(InboxStatus.PENDING)).isEqualTo(before.get(InboxStatus.PENDING) + 1);
        }

        @Test
        @DisplayName("counts each status exactly up to a cap, and beyond it the cap as a lower bound")
        void countsUpToACap() {
            for (int i = 0; i < 4; i++) {
                inbox.restore(stored(InboxStatus.PROCESSED));
            }
            inbox.restore(stored(InboxStatus.FAILED));
            inbox.restore(stored(InboxStatus.FAILED));
            Map<InboxStatus, Long> exact = inbox.countByStatus();

            InboxCounts small = inbox.countUpTo(EnumSet.allOf(InboxStatus.class), 3);

            assertThat(small.counts()).containsOnlyKeys(InboxStatus.values());
            for (InboxStatus status : InboxStatus.values()) {
                assertThat(small.count(status)).as(status.wireName()).isEqualTo(Math.min(exact.get(status), 3));
                assertThat(small.isAtLeast(status)).as(status.wireName()).isEqualTo(exact.get(status) > 3);
            }
            assertThat(small.atLeast()).contains(InboxStatus.PROCESSED);

            // The boundary: exactly the cap is exact, one more is "at least".
            long failed = exact.get(InboxStatus.FAILED);
            InboxCounts atCap = inbox.countUpTo(EnumSet.of(InboxStatus.FAILED), failed);
            assertThat(atCap.counts()).containsExactly(Map.entry(InboxStatus.FAILED, failed));
            assertThat(atCap.atLeast()).isEmpty();
            InboxCounts belowCap = inbox.countUpTo(EnumSet.of(InboxStatus.FAILED), failed - 1);
            assertThat(belowCap.counts()).containsExactly(Map.entry(InboxStatus.FAILED, failed - 1));
            assertThat(belowCap.atLeast()).containsExactly(InboxStatus.FAILED);

            InboxCounts backlog =
                    inbox.countUpTo(EnumSet.of(InboxStatus.PENDING, InboxStatus.FAILED), InboxCounts.EXACT);
            assertThat(backlog.counts())
                    .containsOnlyKeys(InboxStatus.PENDING, InboxStatus.FAILED)
                    .containsEntry(InboxStatus.PENDING, exact.get(InboxStatus.PENDING))
                    .containsEntry(InboxStatus.FAILED, failed);
            assertThat(backlog.atLeast()).isEmpty();
        }

        @Test
        @DisplayName("restore keeps an entry exactly as given, once")
        void restoreKeepsEverything() {
            StripeEvent event = event();
            InboxEntry original = new InboxEntry(
                    event,
                    InboxStatus.FAILED,
                    7,
                    "gave up",
                    now.minusSeconds(99),
                    null,
                    null,
                    null,
                    null,
                    now.minusSeconds(50));
            assertThat(inbox.restore(original)).isTrue();
            assertThat(inbox.restore(original)).isFalse();
            InboxEntry restored = inbox.find(event.id()).orElseThrow();
            assertThat(restored.status()).isEqualTo(InboxStatus.FAILED);
            assertThat(restored.attempts()).isEqualTo(7);
            assertThat(restored.lastError()).isEqualTo("gave up");
            assertThat(restored.receivedAt()).isEqualTo(now.minusSeconds(99));
            assertThat(restored.notifiedAt()).isEqualTo(now.minusSeconds(50));
        }

        @Test
        @DisplayName(
                "restoring a changed entry replaces the stored one (a second copy catches up), an equal one is left")
        void restoreReplacesAChangedEntry() {
            StripeEvent event = event();
            InboxEntry pending = new InboxEntry(
                    event,
                    InboxStatus.PENDING,
                    1,
                    "stripe_unavailable",
                    now.minusSeconds(99),
                    now.plusSeconds(10),
                    null,
                    null,
                    null,
                    null);
            InboxEntry processed = new InboxEntry(
                    event,
                    InboxStatus.PROCESSED,
                    2,
                    null,
                    now.minusSeconds(99),
                    null,
                    null,
                    null,
                    now.minusSeconds(5),
                    now.minusSeconds(4));
            assertThat(inbox.restore(pending)).isTrue();

            assertThat(inbox.restore(processed)).isTrue();

            InboxEntry stored = inbox.find(event.id()).orElseThrow();
            assertThat(stored.status()).isEqualTo(InboxStatus.PROCESSED);
            assertThat(stored.attempts()).isEqualTo(2);
            assertThat(stored.lastError()).isNull();
            assertThat(stored.nextAttemptAt()).isNull();
            assertThat(stored.processedAt()).isEqualTo(now.minusSeconds(5));
            assertThat(stored.notifiedAt()).isEqualTo(now.minusSeconds(4));
            assertThat(inbox.restore(processed)).isFalse();
        }
    }
}
