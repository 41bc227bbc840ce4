package dev.billing.testkit.contract;

import static dev.billing.testkit.Builders.anEvent;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.port.EventInbox;
import dev.billing.core.port.EventInbox.RecordOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What every {@link EventInbox} guarantees (I1, I2): one row per event id, one winner per claim, leases, owner
 * fencing, retry scheduling, parking and requeue. Subclass it once per implementation; tests use unique ids, and
 * times far in the future of other tests' rows, so the inbox may be shared.
 */
public abstract class EventInboxContract extends EventInboxLinksContract {
    @Nested
    @DisplayName("recording")
    class Recording {

        @Test
        @DisplayName("a new event is pending with no attempts; its payload keeps the same JSON")
        void recordsANewEventAsPending() throws Exception {
            StripeEvent event = anEvent()
                    .withPayload("{\"id\":\"x\", \"nested\": {\"b\": 2, \"a\": [1, \"\\u00e9\"]}}")
                    .createdAt(now)
                    .build();
            assertThat(inbox.record(event, now)).isEqualTo(RecordOutcome.RECORDED);
            InboxEntry entry = inbox.find(event.id()).orElseThrow();
            assertThat(entry.status()).isEqualTo(InboxStatus.PENDING);
            assertThat(entry.attempts()).isZero();
            assertThat(entry.receivedAt()).isEqualTo(now);
            assertThat(entry.event().id()).isEqualTo(event.id());
            assertThat(entry.event().type()).isEqualTo(event.type());
            assertThat(entry.event().created()).isEqualTo(event.created());
            assertThat(entry.event().objectId()).isEqualTo(event.objectId());
            assertThat(entry.event().apiVersion()).isEqualTo(event.apiVersion());
            assertThat(JSON.readTree(entry.event().payload())).isEqualTo(JSON.readTree(event.payload()));
        }

        @Test
        void aDuplicateIsRecognisedAndChangesNothing() {
            StripeEvent event = event();
            inbox.record(event, now);
            InboxEntry before = inbox.find(event.id()).orElseThrow();
            assertThat(inbox.record(event, now.plusSeconds(30))).isEqualTo(RecordOutcome.DUPLICATE);
            assertThat(inbox.find(event.id())).contains(before);
        }

        @Test
        @DisplayName("10 concurrent deliveries of one event: one row")
        void concurrentDeliveriesRecordOnce() {
            StripeEvent event = event();
            List<RecordOutcome> outcomes = Race.run(10, i -> inbox.record(event, now));
            assertThat(outcomes.stream().filter(o -> o == RecordOutcome.RECORDED))
                    .hasSize(1);
            assertThat(inbox.find(event.id())).isPresent();
        }

        @Test
        @DisplayName("a 300 KB event is stored whole")
        void storesALargeEvent() throws Exception {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; lines.length() < 300_000; i++) {
                lines.append(i == 0 ? "" : ",")
                        .append("{\"id\":\"il_")
                        .append(i)
                        .append("\",\"description\":\"line item with a fairly long description\"}");
            }
            String payload = "{\"id\":\"in_big\",\"lines\":[" + lines + "]}";
            StripeEvent event = anEvent().withPayload(payload).createdAt(now).build();
            inbox.record(event, now);
            assertThat(JSON.readTree(
                            inbox.find(event.id()).orElseThrow().event().payload()))
                    .isEqualTo(JSON.readTree(payload));
        }

        @Test
        void anUnknownEventIsNotFound() {
            assertThat(inbox.find(unique("evt_missing_"))).isEmpty();
        }
    }

    @Nested
    @DisplayName("retention")
    class Retention {

        @Test
        @DisplayName(
                "handled entries received before the cut-off go, a batch at a time; pending, parked and newer stay")
        void pruneDeletesOnlyOldHandledEntries() {
            StripeEvent processed = event();
            claimed(processed, "me");
            inbox.complete(processed.id(), "me", InboxStatus.PROCESSED, now);
            StripeEvent ignored = event();
            claimed(ignored, "me");
            inbox.complete(ignored.id(), "me", InboxStatus.IGNORED, now);
            StripeEvent pending = event();
            inbox.record(pending, now);
            StripeEvent parked = event();
            claimed(parked, "me");
            inbox.fail(parked.id(), "me", "boom", null, now);
            StripeEvent leased = event();
            claimed(leased, "me");
            StripeEvent newer = event();
            inbox.record(newer, now.plusSeconds(10));
            inbox.claim(newer.id(), "me", now.plusSeconds(10), LEASE);
            inbox.complete(newer.id(), "me", InboxStatus.PROCESSED, now.plusSeconds(10));
            Instant cutOff = now.plusSeconds(1);

            assertThat(inbox.prune(cutOff, 1)).as("one batch of one").isEqualTo(1);
            while (inbox.prune(cutOff, 100) > 0) {
                // earlier tests' handled rows may be older still: work them off too
            }

            assertThat(inbox.find(processed.id())).isEmpty();
            assertThat(inbox.find(ignored.id())).isEmpty();
            assertThat(inbox.find(pending.id())).isPresent();
            assertThat(inbox.find(parked.id()).orElseThrow().status()).isEqualTo(InboxStatus.FAILED);
            assertThat(inbox.find(leased.id())).isPresent();
            assertThat(inbox.find(newer.id())).isPresent();
            assertThat(inbox.prune(cutOff, 100)).isZero();
        }

        @Test
        @DisplayName("a redelivery of a pruned event is recorded as new")
        void aPrunedEventIsRecordedAgain() {
            StripeEvent event = event();
            claimed(event, "me");
            inbox.complete(event.id(), "me", InboxStatus.PROCESSED, now);
            while (inbox.prune(now.plusSeconds(1), 100) > 0) {
                // down to none older than the cut-off
            }
            assertThat(inbox.record(event, now.plusSeconds(2))).isEqualTo(RecordOutcome.RECORDED);
            assertThat(inbox.find(event.id()).orElseThrow().status()).isEqualTo(InboxStatus.PENDING);
        }
    }

    @Nested
    @DisplayName("events about an account (personal data export and erasure)")
    class About extends EventInboxSubjectsContract {
        @Override
        protected EventInbox inbox() {
            return inbox;
        }
    }

    @Nested
    @DisplayName("recording leased (the webhook route's one-step record and claim)")
    class RecordingLeased {

        @Test
        @DisplayName("a new event is pending, leased to the caller, one attempt: what record then claim leaves")
        void recordsLeased() throws Exception {
            StripeEvent event = event();
            EventInbox.Recorded recorded = inbox.recordLeased(event, now, "route-a", LEASE);
            assertThat(recorded.outcome()).isEqualTo(RecordOutcome.RECORDED);
            InboxEntry leased = recorded.leased().orElseThrow();
            assertThat(leased.status()).isEqualTo(InboxStatus.PENDING);
            assertThat(leased.attempts()).isEqualTo(1);
            assertThat(leased.leaseOwner()).isEqualTo("route-a");
            assertThat(leased.leaseExpiresAt()).isEqualTo(now.plus(LEASE));
            assertThat(leased.receivedAt()).isEqualTo(now);
            InboxEntry stored = inbox.find(event.id()).orElseThrow();
            assertThat(stored.status()).isEqualTo(InboxStatus.PENDING);
            assertThat(stored.attempts()).isEqualTo(1);
            assertThat(stored.leaseOwner()).isEqualTo("route-a");
            assertThat(stored.leaseExpiresAt()).isEqualTo(now.plus(LEASE));
            assertThat(stored.receivedAt()).isEqualTo(now);
            assertThat(stored.event().type()).isEqualTo(event.type());
            assertThat(stored.event().created()).isEqualTo(event.created());
            assertThat(JSON.readTree(stored.event().payload())).isEqualTo(JSON.readTree(event.payload()));
        }

        @Test
        @DisplayName("nobody else claims it before the lease ends; then it is claimable again (a crashed route)")
        void theLeaseHolds() {
            StripeEvent event = event();
            inbox.recordLeased(event, now, "route-a", LEASE);
            assertThat(inbox.claim(event.id(), "worker-b", now.plusSeconds(59), LEASE))
                    .isEmpty();
            assertThat(inbox.claimDue(10, "worker-b", now.plusSeconds(59), LEASE))
                    .noneMatch(e -> e.eventId().equals(event.id()));
            InboxEntry retaken =
                    inbox.claim(event.id(), "worker-b", now.plus(LEASE), LEASE).orElseThrow();
            assertThat(retaken.attempts()).isEqualTo(2);
            assertThat(inbox.complete(event.id(), "route-a", InboxStatus.PROCESSED, now.plus(LEASE)))
                    .isFalse();
        }

        @Test
        void theCallerCompletesIt() {
            StripeEvent event = event();
            inbox.recordLeased(event, now, "route-a", LEASE);
            assertThat(inbox.complete(event.id(), "route-a", InboxStatus.PROCESSED, now.plusSeconds(1)))
                    .isTrue();
            assertThat(inbox.find(event.id()).orElseThrow().status()).isEqualTo(InboxStatus.PROCESSED);
        }

        @Test
        @DisplayName("an event already present is a duplicate: nothing leased, nothing changed")
        void aDuplicateChangesNothing() {
            StripeEvent event = event();
            inbox.record(event, now);
            InboxEntry before = inbox.find(event.id()).orElseThrow();
            EventInbox.Recorded again = inbox.recordLeased(event, now.plusSeconds(5), "route-b", LEASE);
            assertThat(again.outcome()).isEqualTo(RecordOutcome.DUPLICATE);
            assertThat(again.leased()).isEmpty();
            assertThat(inbox.find(event.id())).contains(before);
            assertThat(inbox.claim(event.id(), "worker-c", now.plusSeconds(5), LEASE))
                    .isPresent();
        }

        @Test
        @DisplayName("10 concurrent deliveries: one row, leased to exactly one of them")
        void concurrentDeliveriesLeaseOnce() {
            StripeEvent event = event();
            List<EventInbox.Recorded> outcomes = Race.run(10, i -> inbox.recordLeased(event, now, "route-" + i, LEASE));
            assertThat(outcomes.stream().filter(o -> o.outcome() == RecordOutcome.RECORDED))
                    .hasSize(1);
            assertThat(outcomes.stream().filter(o -> o.leased().isPresent())).hasSize(1);
            String owner = outcomes.stream()
                    .filter(o -> o.leased().isPresent())
                    .findFirst()
                    .orElseThrow()
                    .leased()
                    .orElseThrow()
                    .leaseOwner();
            assertThat(inbox.find(event.id()).orElseThrow().leaseOwner()).isEqualTo(owner);
        }
    }

    @Nested
    @DisplayName("recording processed (an event its batch projected before it was recorded)")
    class RecordingProcessed {

        @Test
        @DisplayName("a new event is recorded done: its outcome, one attempt, no lease, never claimable")
        void recordsDone() throws Exception {
            StripeEvent event = event();
            StripeEvent ignored = event();
            Instant done = now.plusSeconds(1);
            assertThat(inbox.recordProcessed(List.of(
                            new EventInbox.Processed(event, now, InboxStatus.PROCESSED, done),
                            new EventInbox.Processed(ignored, now, InboxStatus.IGNORED, done))))
                    .containsExactly(true, true);
            InboxEntry stored = inbox.find(event.id()).orElseThrow();
            assertThat(stored.status()).isEqualTo(InboxStatus.PROCESSED);
            assertThat(stored.attempts()).isEqualTo(1);
            assertThat(stored.leaseOwner()).isNull();
            assertThat(stored.leaseExpiresAt()).isNull();
            assertThat(stored.receivedAt()).isEqualTo(now);
            assertThat(stored.processedAt()).isEqualTo(done);
            assertThat(stored.event().type()).isEqualTo(event.type());
            assertThat(stored.event().created()).isEqualTo(event.created());
            assertThat(JSON.readTree(stored.event().payload())).isEqualTo(JSON.readTree(event.payload()));
            assertThat(inbox.find(ignored.id()).orElseThrow().status()).isEqualTo(InboxStatus.IGNORED);
            assertThat(inbox.claim(event.id(), "worker-b", now.plus(LEASE).plus(LEASE), LEASE))
                    .isEmpty();
            assertThat(inbox.claimDue(100, "worker-b", now.plus(LEASE).plus(LEASE), LEASE))
                    .noneMatch(
                            e -> e.eventId().equals(event.id()) || e.eventId().equals(ignored.id()));
        }

        @Test
        @DisplayName("an id already present is not recorded again: nothing changed, a pending entry stays due")
        void aPresentIdIsNotOverwritten() {
            StripeEvent event = event();
            inbox.record(event, now);
            InboxEntry before = inbox.find(event.id()).orElseThrow();
            assertThat(inbox.recordProcessed(
                            List.of(new EventInbox.Processed(event, now.plusSeconds(5), InboxStatus.PROCESSED, now))))
                    .containsExactly(false);
            assertThat(inbox.find(event.id())).contains(before);
            assertThat(inbox.claim(event.id(), "worker-c", now.plusSeconds(5), LEASE))
                    .isPresent();
        }

        @Test
        @DisplayName("two deliveries of one event in one call: the first is recorded, the second is not")
        void equalIdsInOneCallAreRecordedOnce() {
            StripeEvent event = event();
            StripeEvent other = event();
            assertThat(inbox.recordProcessed(List.of(
                            new EventInbox.Processed(event, now, InboxStatus.PROCESSED, now),
                            new EventInbox.Processed(other, now, InboxStatus.PROCESSED, now),
                            new EventInbox.Processed(event, now, InboxStatus.PROCESSED, now))))
                    .containsExactly(true, true, false);
            assertThat(inbox.find(event.id()).orElseThrow().attempts()).isEqualTo(1);
        }
    }

    @Nested
    @DisplayName("claiming")
    class Claiming {

        @Test
        @DisplayName("a claim leases the event and counts an attempt; a second claim waits for the lease")
        void claimLeases() {
            StripeEvent event = event();
            InboxEntry entry = claimed(event, "worker-a");
            assertThat(entry.attempts()).isEqualTo(1);
            assertThat(entry.leaseOwner()).isEqualTo("worker-a");
            assertThat(entry.leaseExpiresAt()).isEqualTo(now.plus(LEASE));
            assertThat(inbox.claim(event.id(), "worker-b", now.plusSeconds(59), LEASE))
                    .isEmpty();
            InboxEntry retaken =
                    inbox.claim(event.id(), "worker-b", now.plus(LEASE), LEASE).orElseThrow();
            assertThat(retaken.attempts()).isEqualTo(2);
            assertThat(retaken.leaseOwner()).isEqualTo("worker-b");
        }

        @Test
        @DisplayName("its holder renews a lease, even one run out, until another claim, a completion or a failure")
        void aLeaseIsRenewedOnlyByItsHolder() {
            StripeEvent event = event();
            claimed(event, "slow");
            Instant renewedTo = now.plus(LEASE).plus(LEASE);
            assertThat(inbox.renewLease(event.id(), "slow", renewedTo))
                    .as("run out, and nobody claimed it")
                    .isTrue();
            assertThat(inbox.find(event.id()).orElseThrow().leaseExpiresAt()).isEqualTo(renewedTo);
            assertThat(inbox.claim(event.id(), "fast", now.plus(LEASE).plusSeconds(1), LEASE))
                    .as("renewed: nobody claims it")
                    .isEmpty();
            assertThat(inbox.renewLease(event.id(), "fast", renewedTo.plus(LEASE)))
                    .isFalse();

            inbox.claim(event.id(), "fast", renewedTo, LEASE).orElseThrow();
            assertThat(inbox.renewLease(event.id(), "slow", renewedTo.plus(LEASE)))
                    .as("claimed by another")
                    .isFalse();
            assertThat(inbox.find(event.id()).orElseThrow().leaseExpiresAt()).isEqualTo(renewedTo.plus(LEASE));
            assertThat(inbox.fail(event.id(), "fast", "boom", renewedTo.plus(LEASE), renewedTo))
                    .isTrue();
            assertThat(inbox.renewLease(event.id(), "fast", renewedTo.plus(LEASE)))
                    .as("failed")
                    .isFalse();

            StripeEvent done = event();
            claimed(done, "me");
            inbox.complete(done.id(), "me", InboxStatus.PROCESSED, now);
            assertThat(inbox.renewLease(done.id(), "me", now.plus(LEASE)))
                    .as("completed")
                    .isFalse();
            assertThat(inbox.renewLease("evt_never_recorded_" + done.id(), "me", now.plus(LEASE)))
                    .isFalse();
        }

        @Test
        @DisplayName("10 racing claims of one event: exactly one winner")
        void racingClaimsHaveOneWinner() {
            StripeEvent event = event();
            inbox.record(event, now);
            List<Optional<InboxEntry>> results = Race.run(10, i -> inbox.claim(event.id(), "w" + i, now, LEASE));
            assertThat(results.stream().filter(Optional::isPresent)).hasSize(1);
        }

        @Test
        @DisplayName("racing workers claiming due events never share one")
        void racingWorkersNeverShareAnEvent() {
            Instant later = now.plus(Duration.ofDays(1));
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                StripeEvent event =
                        anEvent().createdAt(later.minusSeconds(100 - i)).build();
                inbox.record(event, later);
                ids.add(event.id());
            }
            List<List<InboxEntry>> batches = Race.run(6, i -> {
                List<InboxEntry> mine = new ArrayList<>();
                List<InboxEntry> batch;
                do {
                    batch = inbox.claimDue(4, "worker-" + i, later, LEASE);
                    assertThat(batch).hasSizeLessThanOrEqualTo(4);
                    mine.addAll(batch);
                } while (!batch.isEmpty());
                return mine;
            });
            List<String> claimed = batches.stream()
                    .flatMap(List::stream)
                    .map(InboxEntry::eventId)
                    .filter(ids::contains)
                    .toList();
            assertThat(claimed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
        }

        @Test
        @DisplayName("due events come oldest first, at most max, skipping leased, scheduled and done ones")
        void claimDueOrderAndFilters() {
            Instant at = now.plus(Duration.ofDays(2));
            StripeEvent oldest = anEvent().createdAt(at.minusSeconds(30)).build();
            StripeEvent middle = anEvent().createdAt(at.minusSeconds(20)).build();
            StripeEvent newest = anEvent().createdAt(at.minusSeconds(10)).build();
            StripeEvent leased = anEvent().createdAt(at.minusSeconds(40)).build();
            StripeEvent scheduled = anEvent().createdAt(at.minusSeconds(50)).build();
            StripeEvent done = anEvent().createdAt(at.minusSeconds(60)).build();
            for (StripeEvent e : List.of(newest, middle, oldest, leased, scheduled, done)) {
                inbox.record(e, at);
            }
            inbox.claim(leased.id(), "other", at, LEASE);
            inbox.claim(scheduled.id(), "other", at.minusSeconds(120), Duration.ofSeconds(1));
            inbox.fail(scheduled.id(), "other", "boom", at.plusSeconds(30), at.minusSeconds(119));
            inbox.claim(done.id(), "other", at.minusSeconds(120), Duration.ofSeconds(1));
            inbox.complete(done.id(), "other", InboxStatus.PROCESSED, at.minusSeconds(119));

            List<String> mineInClaimOrder = new ArrayList<>();
            List<InboxEntry> batch;
            do {
                batch = inbox.claimDue(2, "me", at, LEASE);
                assertThat(batch).hasSizeLessThanOrEqualTo(2);
                batch.forEach(e -> mineInClaimOrder.add(e.eventId()));
            } while (!batch.isEmpty());
            assertThat(mineInClaimOrder.stream()
                            .filter(id -> List.of(oldest.id(), middle.id(), newest.id())
                                    .contains(id)))
                    .containsExactly(oldest.id(), middle.id(), newest.id());
            assertThat(mineInClaimOrder).doesNotContain(leased.id(), scheduled.id(), done.id());
        }
    }

    @Nested
    @DisplayName("completing and failing")
    class Outcomes {

        @Test
        void theOwnerCompletes() {
            StripeEvent event = event();
            claimed(event, "me");
            assertThat(inbox.complete(event.id(), "me", InboxStatus.PROCESSED, now.plusSeconds(1)))
                    .isTrue();
            InboxEntry entry = inbox.find(event.id()).orElseThrow();
            assertThat(entry.status()).isEqualTo(InboxStatus.PROCESSED);
            assertThat(entry.processedAt()).isEqualTo(now.plusSeconds(1));
            assertThat(entry.leaseOwner()).isNull();
            assertThat(inbox.claim(event.id(), "me", now.plus(Duration.ofHours(1)), LEASE))
                    .isEmpty();
        }

        @Test
        void ignoredIsADoneStatusToo() {
            StripeEvent event = event();
            claimed(event, "me");
            assertThat(inbox.complete(event.id(), "me", InboxStatus.IGNORED, now))
                    .isTrue();
            assertThat(inbox.find(event.id()).orElseThrow().status()).isEqualTo(InboxStatus.IGNORED);
        }

        @Test
        @DisplayName("a worker whose lease was taken over cannot complete or fail the event")
        void aSupersededWorkerIsFencedOff() {
            StripeEvent event = event();
            claimed(event, "slow");
            inbox.claim(event.id(), "fast", now.plus(LEASE), LEASE).orElseThrow();
            assertThat(inbox.complete(event.id(), "slow", InboxStatus.PROCESSED, now.plus(LEASE)))
                    .isFalse();
            assertThat(inbox.fail(event.id(), "slow", "late", null, now.plus(LEASE)))
                    .isFalse();
            assertThat(inbox.complete(event.id(), "fast", InboxStatus.PROCESSED, now.plus(LEASE)))
                    .isTrue();
            assertThat(inbox.fail(event.id(), "fast", "after done", null, now.plus(LEASE)))
                    .isFalse();
            assertThat(inbox.find(event.id()).orElseThrow().status()).isEqualTo(InboxStatus.PROCESSED);
        }

        @Test
        @DisplayName("completeAll completes what each owner holds and fences off the rest, answer by answer")
        void completeAllAnswersEach() {
            List<StripeEvent> events = new ArrayList<>();
            List<EventInbox.Completion> batch = new ArrayList<>();
            for (int i = 0; i < 70; i++) { // more than one statement's worth
                StripeEvent event = event();
                claimed(event, "me-" + i);
                events.add(event);
                batch.add(new EventInbox.Completion(
                        event.id(),
                        i == 3 ? "someone else" : "me-" + i,
                        i % 2 == 0 ? InboxStatus.PROCESSED : InboxStatus.IGNORED,
                        now.plusSeconds(1)));
            }
            List<Boolean> results = inbox.completeAll(batch);
            assertThat(results).hasSize(70);
            for (int i = 0; i < 70; i++) {
                InboxEntry entry = inbox.find(events.get(i).id()).orElseThrow();
                if (i == 3) {
                    assertThat(results.get(i)).isFalse();
                    assertThat(entry.status()).isEqualTo(InboxStatus.PENDING);
                    assertThat(entry.leaseOwner()).isEqualTo("me-3");
                } else {
                    assertThat(results.get(i)).isTrue();
                    assertThat(entry.status()).isEqualTo(i % 2 == 0 ? InboxStatus.PROCESSED : InboxStatus.IGNORED);
                    assertThat(entry.processedAt()).isEqualTo(now.plusSeconds(1));
                    assertThat(entry.leaseOwner()).isNull();
                }
            }
            assertThat(inbox.completeAll(List.of())).isEmpty();
        }

        @Test
        @DisplayName("a failure schedules the next attempt and keeps the error")
        void failureSchedulesARetry() {
            StripeEvent event = event();
            claimed(event, "me");
            Instant next = now.plusSeconds(20);
            assertThat(inbox.fail(event.id(), "me", "stripe_unavailable: down", next, now))
                    .isTrue();
            InboxEntry entry = inbox.find(event.id()).orElseThrow();
            assertThat(entry.status()).isEqualTo(InboxStatus.PENDING);
            assertThat(entry.lastError()).isEqualTo("stripe_unavailable: down");
            assertThat(entry.nextAttemptAt()).isEqualTo(next);
            assertThat(entry.leaseOwner()).isNull();
            assertThat(inbox.claim(event.id(), "me", next.minusSeconds(1), LEASE))
                    .isEmpty();
            assertThat(inbox.claim(event.id(), "me", next, LEASE)).isPresent();
        }

        @Test
        @DisplayName("a failure without a next attempt parks the event as failed")
        void lastFailureParks() {
            StripeEvent event = event();
            claimed(event, "me");
            String longError = "x".repeat(1_000);
            inbox.fail(event.id(), "me", longError, null, now);
            InboxEntry entry = inbox.find(event.id()).orElseThrow();
            assertThat(entry.status()).isEqualTo(InboxStatus.FAILED);
            assertThat(entry.lastError()).isEqualTo(longError);
            assertThat(inbox.claim(event.id(), "me", now.plus(Duration.ofDays(30)), LEASE))
                    .isEmpty();
        }

        @Test
        void notifiedIsSetOnce() {
            StripeEvent event = event();
            inbox.record(event, now);
            assertThat(inbox.markNotified(event.id(), now)).isTrue();
            assertThat(inbox.markNotified(event.id(), now.plusSeconds(5))).isFalse();
            assertThat(inbox.find(event.id()).orElseThrow().notifiedAt()).isEqualTo(now);
        }

        @Test
        @DisplayName("the notified mark survives claims, failures and completion")
        void notifiedSurvivesLaterSteps() {
            StripeEvent event = event();
            claimed(event, "me");
            inbox.markNotified(event.id(), now);
            inbox.fail(event.id(), "me", "boom", now, now);
            inbox.claim(event.id(), "me", now, LEASE).orElseThrow();
            inbox.complete(event.id(), "me", InboxStatus.PROCESSED, now);
            assertThat(inbox.find(event.id()).orElseThrow().notifiedAt()).isEqualTo(now);
        }
    }
}
