package dev.billing.testkit.contract;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.Tier;
import dev.billing.core.model.usage.MeterEvent;
import dev.billing.core.model.usage.MeterReport;
import dev.billing.core.model.usage.UsageCounter;
import dev.billing.core.model.usage.UsageIncrement;
import dev.billing.core.model.usage.UsageKey;
import dev.billing.core.model.usage.UsagePeriod;
import dev.billing.core.model.usage.UsageResult;
import dev.billing.core.port.UsageLedger;
import dev.billing.testkit.Pages;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What every {@link UsageLedger} guarantees: atomic conditional increments that never overshoot a quota under
 * racing requests, idempotency keys per user that count once and replay the first answer, independent meters and
 * periods, and an outbox of meter reports written in the same step. Tests use unique users; the ledger may be
 * shared.
 */
public abstract class UsageLedgerContract {
    private static final UsagePeriod PERIOD = new UsagePeriod(T0, T0.plus(Duration.ofDays(30)));
    private static final UsagePeriod NEXT_PERIOD =
            new UsagePeriod(PERIOD.end(), PERIOD.end().plus(Duration.ofDays(30)));

    private UsageLedger ledger;
    private UserId user;

    protected abstract UsageLedger ledger();

    @BeforeEach
    void setUpLedger() {
        ledger = ledger();
        user = UserId.of(unique("user_"));
    }

    private UsageIncrement inc(UserId who, String meter, UsagePeriod period, long amount, long limit, String key) {
        return new UsageIncrement(
                who, meter, period, amount, limit, key, meter + ":" + amount, T0.plusSeconds(1), null);
    }

    private UsageIncrement inc(long amount, long limit, String key) {
        return inc(user, "api_calls", PERIOD, amount, limit, key);
    }

    private MeterEvent report(String identifier) {
        return report(identifier, T0.plusSeconds(1));
    }

    private MeterEvent report(String identifier, Instant counted) {
        return new MeterEvent("api_calls", CustomerId.of("cus_" + user.value()), 3, identifier, counted);
    }

    /** The identifiers of every report due at {@code now}, claimed {@code batch} at a time until none is left. */
    private List<String> claimAll(int batch, Instant now) {
        List<String> claimed = new ArrayList<>();
        List<MeterReport> claim;
        do {
            claim = ledger.claimReports(batch, now, Duration.ofSeconds(60));
            claim.forEach(r -> claimed.add(r.identifier()));
        } while (!claim.isEmpty());
        return claimed;
    }

    /** Usage of the test's user whose report is {@code identifier} (its key too), counted at {@code counted}. */
    private void enqueue(String identifier, Instant counted) {
        ledger.increment(new UsageIncrement(
                user,
                "api_calls",
                PERIOD,
                3,
                1_000,
                identifier,
                "api_calls:3",
                T0.plusSeconds(1),
                report(identifier, counted)));
    }

    @Nested
    @DisplayName("counting")
    class Counting {

        @Test
        @DisplayName("retention: counters whose period ended before the cut-off go, a batch at a time; others stay")
        void pruneDeletesTheCountersOfPeriodsLongOver() {
            Instant base = T0.plus(Duration.ofDays(80_000 + (long) (Math.random() * 5_000)));
            UsagePeriod older = new UsagePeriod(base.minus(Duration.ofDays(90)), base.minus(Duration.ofDays(60)));
            UsagePeriod old = new UsagePeriod(base.minus(Duration.ofDays(60)), base.minus(Duration.ofDays(30)));
            UsagePeriod ended = new UsagePeriod(base.minus(Duration.ofDays(30)), base.minus(Duration.ofDays(1)));
            UsagePeriod running = new UsagePeriod(base.minus(Duration.ofDays(1)), base.plus(Duration.ofDays(29)));
            for (UsagePeriod period : List.of(older, old, ended, running)) {
                ledger.increment(inc(user, "api_calls", period, 3, 100, unique("k-")));
            }
            Instant cutOff = base.minus(Duration.ofDays(10));

            assertThat(ledger.pruneCounters(cutOff, 1)).as("one batch of one").isEqualTo(1);
            while (ledger.pruneCounters(cutOff, 100) > 0) {
                // other tests' counters are older: work them off too
            }

            assertThat(ledger.pruneCounters(cutOff, 100)).isZero();
            assertThat(ledger.countersOf(user))
                    .extracting(UsageCounter::period)
                    .containsExactlyInAnyOrder(ended, running);
            assertThat(ledger.used(user, "api_calls", running.start())).isEqualTo(3);
        }

        @Test
        void incrementsAccumulateUpToTheLimit() {
            assertThat(ledger.increment(inc(3, 10, "k1"))).isEqualTo(new UsageResult.Accepted(3, 10));
            assertThat(ledger.increment(inc(7, 10, "k2"))).isEqualTo(new UsageResult.Accepted(10, 10));
            assertThat(ledger.used(user, "api_calls", PERIOD.start())).isEqualTo(10);
        }

        @Test
        @DisplayName("an increment past the limit is refused, counts nothing and leaves its key unused")
        void overTheLimitIsRefused() {
            ledger.increment(inc(8, 10, "k1"));
            assertThat(ledger.increment(inc(3, 10, "k2"))).isEqualTo(new UsageResult.QuotaExceeded(8, 10, 3));
            assertThat(ledger.used(user, "api_calls", PERIOD.start())).isEqualTo(8);
            assertThat(ledger.increment(inc(3, 20, "k2"))).isEqualTo(new UsageResult.Accepted(11, 20));
        }

        @Test
        void aZeroLimitRefusesEverything() {
            assertThat(ledger.increment(inc(1, 0, "k1"))).isEqualTo(new UsageResult.QuotaExceeded(0, 0, 1));
        }

        @Test
        @DisplayName("an unlimited quota takes huge amounts without overflow")
        void unlimitedNeverOverflows() {
            ledger.increment(inc(1_000_000_000L, Tier.UNLIMITED, "k1"));
            assertThat(ledger.increment(inc(1_000_000_000L, Tier.UNLIMITED, "k2")))
                    .isEqualTo(new UsageResult.Accepted(2_000_000_000L, Tier.UNLIMITED));
        }

        @Test
        void metersPeriodsAndUsersAreIndependent() {
            UserId other = UserId.of(unique("user_"));
            ledger.increment(inc(user, "api_calls", PERIOD, 5, 5, "a"));
            assertThat(ledger.increment(inc(user, "exports", PERIOD, 5, 5, "b")))
                    .isInstanceOf(UsageResult.Accepted.class);
            assertThat(ledger.increment(inc(user, "api_calls", NEXT_PERIOD, 5, 5, "c")))
                    .isInstanceOf(UsageResult.Accepted.class);
            assertThat(ledger.increment(inc(other, "api_calls", PERIOD, 5, 5, "a")))
                    .isInstanceOf(UsageResult.Accepted.class);
            assertThat(ledger.usage(user, PERIOD.start()))
                    .containsOnly(java.util.Map.entry("api_calls", 5L), java.util.Map.entry("exports", 5L));
            assertThat(ledger.usage(user, NEXT_PERIOD.start())).containsOnly(java.util.Map.entry("api_calls", 5L));
            assertThat(ledger.used(UserId.of(unique("nobody_")), "api_calls", PERIOD.start()))
                    .isZero();
        }
    }

    @Nested
    @DisplayName("idempotency keys")
    class Keys {

        @Test
        @DisplayName("the same key and body replays the first answer and counts once")
        void replaysTheFirstAnswer() {
            ledger.increment(inc(2, 10, "k1"));
            ledger.increment(inc(3, 10, "k2"));
            assertThat(ledger.increment(inc(2, 10, "k1")))
                    .isEqualTo(new UsageResult.Replayed(new UsageResult.Accepted(2, 10)));
            assertThat(ledger.used(user, "api_calls", PERIOD.start())).isEqualTo(5);
        }

        @Test
        @DisplayName("the same key with another body is refused and counts nothing")
        void anotherBodyIsRefused() {
            ledger.increment(inc(2, 10, "k1"));
            assertThat(ledger.increment(inc(4, 10, "k1"))).isEqualTo(new UsageResult.KeyReused());
            assertThat(ledger.used(user, "api_calls", PERIOD.start())).isEqualTo(2);
        }

        @Test
        @DisplayName("retention: keys first used before the cut-off go, a batch at a time; a retry of one counts again")
        void pruneDeletesOldKeys() {
            ledger.increment(inc(2, 10, "old-1"));
            ledger.increment(inc(3, 10, "old-2"));
            Instant later = T0.plus(Duration.ofDays(2));
            ledger.increment(new UsageIncrement(user, "api_calls", PERIOD, 1, 10, "new", "api_calls:1", later, null));
            Instant cutOff = T0.plus(Duration.ofDays(1));

            assertThat(ledger.pruneKeys(cutOff, 1)).as("one batch of one").isEqualTo(1);
            while (ledger.pruneKeys(cutOff, 100) > 0) {
                // other tests' keys are as old: work them off too
            }

            assertThat(ledger.pruneKeys(cutOff, 100)).isZero();
            assertThat(ledger.keysOf(user)).extracting(UsageKey::idempotencyKey).containsExactly("new");
            assertThat(ledger.used(user, "api_calls", PERIOD.start()))
                    .as("counters stay")
                    .isEqualTo(6);
            assertThat(ledger.increment(inc(2, 10, "old-1"))).isEqualTo(new UsageResult.Accepted(8, 10));
            assertThat(ledger.increment(
                            new UsageIncrement(user, "api_calls", PERIOD, 1, 10, "new", "api_calls:1", later, null)))
                    .isInstanceOf(UsageResult.Replayed.class);
        }

        @Test
        @DisplayName("20 racing requests with one key: one counted, the rest replay it")
        void racingRequestsWithOneKeyCountOnce() {
            List<UsageResult> results = Race.run(20, i -> ledger.increment(inc(1, 100, "same-key")));
            assertThat(results.stream().filter(r -> r instanceof UsageResult.Accepted))
                    .hasSize(1);
            assertThat(results.stream().filter(r -> r instanceof UsageResult.Replayed))
                    .hasSize(19);
            assertThat(ledger.used(user, "api_calls", PERIOD.start())).isEqualTo(1);
        }

        @Test
        @DisplayName("a retry racing the pruning of its key replays it or counts anew, and never fails")
        void aRetryRacingThePruningOfItsKeyReplaysOrCountsAnew() {
            // The key a retry meets may be pruned before it is read back: it is then a key past its window, and
            // counts anew, as a retry after the pruning does.
            Instant cutOff = T0.plus(Duration.ofDays(1));
            long counted = 0;
            for (int round = 0; round < 40; round++) {
                String key = "pruned-" + round;
                ledger.increment(inc(1, 1_000, key));
                counted++;
                List<Object> results = Race.run(
                        2,
                        i -> i == 0 ? (Object) ledger.pruneKeys(cutOff, 1_000) : ledger.increment(inc(1, 1_000, key)));
                Object retry = results.get(1);
                assertThat(retry).isInstanceOfAny(UsageResult.Accepted.class, UsageResult.Replayed.class);
                if (retry instanceof UsageResult.Accepted) {
                    counted++;
                }
                assertThat(ledger.used(user, "api_calls", PERIOD.start())).isEqualTo(counted);
            }
        }
    }

    @Nested
    @DisplayName("under concurrency")
    class Concurrency {

        @Test
        @DisplayName("50 racing increments against 5 remaining: exactly 5 accepted, no overshoot")
        void noOvershoot() {
            ledger.increment(inc(95, 100, "warm-up"));
            List<UsageResult> results = Race.run(50, i -> ledger.increment(inc(1, 100, "race-" + i)));
            assertThat(results.stream().filter(r -> r instanceof UsageResult.Accepted))
                    .hasSize(5);
            assertThat(results.stream().filter(r -> r instanceof UsageResult.QuotaExceeded))
                    .hasSize(45);
            assertThat(ledger.used(user, "api_calls", PERIOD.start())).isEqualTo(100);
        }

        @Test
        @DisplayName("racing increments of mixed sizes never pass the limit")
        void mixedSizesNeverPassTheLimit() {
            List<UsageResult> results = Race.run(40, i -> ledger.increment(inc(1 + i % 7, 50, "mixed-" + i)));
            assertThat(results)
                    .anyMatch(r -> r instanceof UsageResult.Accepted)
                    .anyMatch(r -> r instanceof UsageResult.QuotaExceeded);
            assertThat(ledger.used(user, "api_calls", PERIOD.start())).isLessThanOrEqualTo(50);
            long sum = 0;
            for (int i = 0; i < 40; i++) {
                if (results.get(i) instanceof UsageResult.Accepted) {
                    sum += 1 + i % 7;
                }
            }
            assertThat(ledger.used(user, "api_calls", PERIOD.start())).isEqualTo(sum);
        }
    }

    @Nested
    @DisplayName("meter report outbox")
    class Outbox {

        @Test
        @DisplayName("an accepted increment enqueues its report; refused and replayed ones do not")
        void reportsOnlyAcceptedUsage() {
            String id = unique("usage-");
            long before = ledger.pendingReports();
            UsageIncrement accepted = new UsageIncrement(
                    user, "api_calls", PERIOD, 3, 10, "k1", "api_calls:3", T0.plusSeconds(1), report(id));
            ledger.increment(accepted);
            ledger.increment(accepted);
            ledger.increment(new UsageIncrement(
                    user,
                    "api_calls",
                    PERIOD,
                    30,
                    10,
                    "k2",
                    "api_calls:30",
                    T0.plusSeconds(1),
                    report(unique("usage-"))));
            assertThat(ledger.pendingReports()).isEqualTo(before + 1);
            List<MeterReport> all = collect((c, l) -> ledger.listReports(c, l));
            assertThat(all.stream().filter(r -> r.identifier().equals(id)))
                    .singleElement()
                    .satisfies(r -> assertThat(r.event()).isEqualTo(report(id)));
        }

        @Test
        @DisplayName("counts the reports not sent whose usage was counted before an instant")
        void countsUnsentReportsByTheirUsagesTime() {
            Instant old = T0.minus(Duration.ofDays(2));
            Instant cutOff = T0.minus(Duration.ofDays(1));
            long atOld = ledger.pendingReportsCountedBefore(old);
            long atCutOff = ledger.pendingReportsCountedBefore(cutOff);
            String unsent = unique("usage-");
            String sent = unique("usage-");
            String recent = unique("usage-");
            enqueue(unsent, old);
            enqueue(sent, old);
            enqueue(recent, cutOff.plusSeconds(1));
            ledger.markReported(sent, T0);

            assertThat(ledger.pendingReportsCountedBefore(cutOff))
                    .as("the unsent report counted before the cut-off, not the sent one nor the later one")
                    .isEqualTo(atCutOff + 1);
            assertThat(ledger.pendingReportsCountedBefore(old))
                    .as("strictly before")
                    .isEqualTo(atOld);
        }

        @Test
        @DisplayName("a report counted before the claim horizon is not claimed: Stripe would never take it")
        void reportsPastTheClaimHorizonAreNotClaimed() {
            Instant now = T0.plus(Duration.ofDays(50_000 + (long) (Math.random() * 5_000)));
            Instant horizon = now.minus(MeterReport.CLAIM_HORIZON);
            String past = unique("usage-");
            String at = unique("usage-");
            enqueue(past, horizon.minusSeconds(1));
            enqueue(at, horizon);
            List<String> claimed = claimAll(100, now);

            assertThat(claimed).contains(at).doesNotContain(past);
            assertThat(collect((c, l) -> ledger.listReports(c, l)))
                    .filteredOn(r -> r.identifier().equals(past))
                    .singleElement()
                    .as("kept, not sent")
                    .satisfies(r -> assertThat(r.reportedAt()).isNull());
        }

        @Test
        @DisplayName("an increment whose report's identifier is stored leaves the stored report as it is")
        void anIncrementNeverSetsAStoredReportBack() {
            String id = unique("usage-");
            Instant far = T0.plus(Duration.ofDays(40_000 + (long) (Math.random() * 10_000)));
            ledger.increment(new UsageIncrement(
                    user, "api_calls", PERIOD, 3, 100, unique("k-"), "api_calls:3", T0.plusSeconds(1), report(id)));
            ledger.markReported(id, far);
            long pending = ledger.pendingReports();

            ledger.increment(new UsageIncrement(
                    user, "api_calls", PERIOD, 3, 100, unique("k-"), "api_calls:3", T0.plusSeconds(2), report(id)));

            assertThat(ledger.pendingReports()).as("not pending again").isEqualTo(pending);
            assertThat(collect((c, l) -> ledger.listReports(c, l)).stream()
                            .filter(r -> r.identifier().equals(id)))
                    .singleElement()
                    .satisfies(r -> assertThat(r.reportedAt()).isEqualTo(far));
        }

        @Test
        @DisplayName("retention: reports Stripe accepted before the cut-off go, a batch at a time; unsent ones stay")
        void pruneDeletesOldSentReports() {
            Instant base = T0.plus(Duration.ofDays(60_000 + (long) (Math.random() * 10_000)));
            String old = unique("usage-");
            String recent = unique("usage-");
            String unsent = unique("usage-");
            for (String id : List.of(old, recent, unsent)) {
                enqueue(id, base);
            }
            ledger.markReported(old, base);
            ledger.markReported(recent, base.plus(Duration.ofDays(2)));
            Instant cutOff = base.plus(Duration.ofDays(1));

            assertThat(ledger.pruneReports(cutOff, 1)).as("one batch of one").isEqualTo(1);
            while (ledger.pruneReports(cutOff, 100) > 0) {
                // other tests' sent reports are older: work them off too
            }

            assertThat(ledger.pruneReports(cutOff, 100)).isZero();
            assertThat(collect((c, l) -> ledger.listReports(c, l)))
                    .extracting(MeterReport::identifier)
                    .doesNotContain(old)
                    .contains(recent, unsent);
            assertThat(ledger.claimReports(1_000, cutOff.plus(Duration.ofDays(1)), Duration.ofSeconds(60)))
                    .as("the unsent one is still due")
                    .extracting(MeterReport::identifier)
                    .contains(unsent);
        }

        @Test
        @DisplayName("claims lease reports; marked ones leave, retried ones come back when due")
        void claimMarkRetry() {
            Instant far = T0.plus(Duration.ofDays(20_000 + (long) (Math.random() * 10_000)));
            String sent = unique("usage-");
            String retried = unique("usage-");
            for (String id : List.of(sent, retried)) {
                enqueue(id, far.minusSeconds(60));
            }
            List<String> claimed = claimAll(10, far);
            assertThat(claimed).contains(sent, retried).doesNotHaveDuplicates();
            ledger.markReported(sent, far);
            ledger.retryReport(retried, "stripe_unavailable", far.plusSeconds(10));
            assertThat(ledger.claimReports(1000, far.plusSeconds(5), Duration.ofSeconds(60)))
                    .extracting(MeterReport::identifier)
                    .doesNotContain(sent, retried);
            List<MeterReport> again = ledger.claimReports(1000, far.plusSeconds(10), Duration.ofSeconds(60));
            assertThat(again)
                    .extracting(MeterReport::identifier)
                    .contains(retried)
                    .doesNotContain(sent);
            MeterReport retry = again.stream()
                    .filter(r -> r.identifier().equals(retried))
                    .findFirst()
                    .orElseThrow();
            assertThat(retry.attempts()).isEqualTo(2);
            assertThat(retry.lastError()).isEqualTo("stripe_unavailable");
        }
    }

    @Nested
    @DisplayName("migration")
    class Migration {

        @Test
        @DisplayName("erasure moves a user's counters and keys to the pseudonym")
        void pseudonymiseMovesCountersAndKeys() {
            UserId pseudonym = UserId.of(UserId.PSEUDONYM_PREFIX + unique("p"));
            ledger.increment(inc(4, 10, "k1"));
            ledger.increment(inc(user, "exports", NEXT_PERIOD, 2, 10, "k2"));

            assertThat(ledger.pseudonymise(user, pseudonym)).isEqualTo(4);

            assertThat(ledger.countersOf(user)).isEmpty();
            assertThat(ledger.countersOf(pseudonym))
                    .extracting(UsageCounter::used)
                    .containsExactlyInAnyOrder(4L, 2L);
            assertThat(ledger.used(pseudonym, "api_calls", PERIOD.start())).isEqualTo(4);
            // The key moved with its answer: a retry under the pseudonym replays it.
            assertThat(ledger.increment(inc(pseudonym, "api_calls", PERIOD, 4, 10, "k1")))
                    .isInstanceOf(UsageResult.Replayed.class);
            assertThat(ledger.pseudonymise(user, pseudonym)).isZero();
        }

        @Test
        @DisplayName("a user's counters of every period are found, no one else's")
        void countersOfOneUser() {
            UserId other = UserId.of(unique("user_"));
            ledger.increment(inc(4, 10, "k1"));
            ledger.increment(inc(user, "exports", NEXT_PERIOD, 2, 10, "k2"));
            ledger.increment(inc(other, "api_calls", PERIOD, 1, 10, "k3"));

            assertThat(ledger.countersOf(user))
                    .extracting(UsageCounter::meter, c -> c.period().start(), UsageCounter::used)
                    .containsExactlyInAnyOrder(
                            tuple("api_calls", PERIOD.start(), 4L), tuple("exports", NEXT_PERIOD.start(), 2L));
            assertThat(ledger.countersOf(UserId.of(unique("user_")))).isEmpty();
        }

        @Test
        @DisplayName("a user's idempotency keys and its customer's meter reports are found, no one else's (export)")
        void keysAndReportsOfOneAccount() {
            UserId other = UserId.of(unique("user_"));
            String mine = unique("usage-");
            ledger.increment(new UsageIncrement(
                    user, "api_calls", PERIOD, 3, 10, "k1", "api_calls:3", T0.plusSeconds(1), report(mine)));
            ledger.increment(inc(user, "exports", NEXT_PERIOD, 2, 10, "k2"));
            ledger.increment(new UsageIncrement(
                    other,
                    "api_calls",
                    PERIOD,
                    1,
                    10,
                    "k1",
                    "api_calls:1",
                    T0.plusSeconds(1),
                    new MeterEvent(
                            "api_calls",
                            CustomerId.of("cus_" + other.value()),
                            1,
                            unique("usage-"),
                            T0.plusSeconds(1))));

            assertThat(ledger.keysOf(user))
                    .extracting(UsageKey::idempotencyKey, UsageKey::meter, UsageKey::amount, UsageKey::usedAfter)
                    .containsExactly(tuple("k1", "api_calls", 3L, 3L), tuple("k2", "exports", 2L, 2L));
            assertThat(ledger.keysOf(UserId.of(unique("user_")))).isEmpty();
            assertThat(ledger.reportsOf(CustomerId.of("cus_" + user.value())))
                    .extracting(MeterReport::identifier)
                    .containsExactly(mine);
            assertThat(ledger.reportsOf(CustomerId.of(unique("cus_")))).isEmpty();
        }

        @Test
        @DisplayName("counters and keys list completely and restore exactly, once")
        void listAndRestore() {
            ledger.increment(inc(4, 10, "k1"));
            UsageCounter counter = collect((c, l) -> ledger.listCounters(c, l)).stream()
                    .filter(x -> x.userId().equals(user))
                    .findFirst()
                    .orElseThrow();
            assertThat(counter.used()).isEqualTo(4);
            assertThat(counter.period()).isEqualTo(PERIOD);
            UsageKey key = collect((c, l) -> ledger.listKeys(c, l)).stream()
                    .filter(x -> x.userId().equals(user))
                    .findFirst()
                    .orElseThrow();
            assertThat(key.usedAfter()).isEqualTo(4);
            assertThat(key.fingerprint()).isEqualTo("api_calls:4");

            UserId restoredUser = UserId.of(unique("user_"));
            UsageCounter copy =
                    new UsageCounter(restoredUser, counter.meter(), counter.period(), 9, counter.updatedAt());
            UsageKey keyCopy = new UsageKey(
                    restoredUser, "k1", "api_calls", PERIOD.start(), "api_calls:4", 4, 9, 10, key.createdAt());
            assertThat(ledger.restoreCounter(copy)).isTrue();
            assertThat(ledger.restoreCounter(copy)).isFalse();
            assertThat(ledger.restoreKey(keyCopy)).isTrue();
            assertThat(ledger.restoreKey(keyCopy)).isFalse();
            assertThat(ledger.used(restoredUser, "api_calls", PERIOD.start())).isEqualTo(9);
            assertThat(ledger.increment(inc(restoredUser, "api_calls", PERIOD, 4, 10, "k1")))
                    .isEqualTo(new UsageResult.Replayed(new UsageResult.Accepted(9, 10)));
            MeterReport report = MeterReport.pending(report(unique("usage-")));
            assertThat(ledger.restoreReport(report)).isTrue();
            assertThat(ledger.restoreReport(report)).isFalse();
        }

        @Test
        @DisplayName(
                "restoring a changed counter or report replaces it (a second copy catches up); a key never changes")
        void restoreReplacesChangedCountersAndReports() {
            UserId restoredUser = UserId.of(unique("user_"));
            Instant at = PERIOD.start().plusSeconds(60);
            assertThat(ledger.restoreCounter(new UsageCounter(restoredUser, "api_calls", PERIOD, 3, at)))
                    .isTrue();

            assertThat(ledger.restoreCounter(new UsageCounter(restoredUser, "api_calls", PERIOD, 8, at.plusSeconds(1))))
                    .isTrue();

            assertThat(ledger.used(restoredUser, "api_calls", PERIOD.start())).isEqualTo(8);
            MeterReport pending = MeterReport.pending(report(unique("usage-")));
            MeterReport reported = new MeterReport(pending.event(), 1, null, null, at);
            assertThat(ledger.restoreReport(pending)).isTrue();
            assertThat(ledger.restoreReport(reported)).isTrue();
            assertThat(ledger.restoreReport(reported)).isFalse();
            assertThat(collect((c, l) -> ledger.listReports(c, l)))
                    .filteredOn(r -> r.identifier().equals(pending.identifier()))
                    .containsExactly(reported);
        }
    }

    static <T> List<T> collect(BiFunction<String, Integer, Page<T>> lister) {
        return Pages.all(lister, 50);
    }
}
