package dev.billing.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.error.StoreException;
import dev.billing.core.error.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The group commit's own rules, with a writer that records its batches (the Postgres statements are covered by
 * {@code JdbiEventInboxContractIT}): each caller gets the answer for its own row; callers arriving during a write
 * share the next one; with two writers, a second batch goes while the first is in flight, but never with a key that
 * is in flight; equal keys never share a batch; a row-level failure fails that row only; an outage fails
 * everyone in the batch; an interrupt does not end a caller's wait; nothing is stuck afterwards. With a company
 * rule, a batch that would go beside another waits for company, and no longer than the rule says.
 */
class CoalescerTest {
    private final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch firstWriteStarted = new CountDownLatch(1);
    private final CountDownLatch releaseFirstWrite = new CountDownLatch(1);

    /**
     * What the tests' writers do first: record the batch and, when it is the first, hold it until
     * {@code releaseFirstWrite} (so that callers can pile up meanwhile). Whether it was the first.
     */
    private boolean recordAndHoldTheFirst(List<String> rows) {
        batches.add(List.copyOf(rows));
        if (batches.size() > 1) {
            return false;
        }
        firstWriteStarted.countDown();
        await(releaseFirstWrite);
        return true;
    }

    /** One writer, a batch up to 64 rows, each row its own key, answering each row with the prefix before it. */
    private Coalescer<String, String> answering(String prefix) {
        return new Coalescer<>(64, row -> row, rows -> {
            recordAndHoldTheFirst(rows);
            return rows.stream().map(r -> prefix + r).toList();
        });
    }

    @Test
    void callersArrivingDuringAWriteShareTheNextOneAndEachGetsItsOwnAnswer() throws Exception {
        Coalescer<String, String> coalescer = answering("answer-");
        ExecutorService callers = Executors.newFixedThreadPool(21);
        try {
            Future<String> first = callers.submit(() -> coalescer.submit("r0"));
            assertThat(firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
            List<Future<String>> others = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                String row = "r" + i;
                others.add(callers.submit(() -> coalescer.submit(row)));
            }
            waitUntilQueued(coalescer, 20);
            releaseFirstWrite.countDown();

            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("answer-r0");
            for (int i = 1; i <= 20; i++) {
                assertThat(others.get(i - 1).get(5, TimeUnit.SECONDS)).isEqualTo("answer-r" + i);
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(batches).hasSize(2);
        assertThat(batches.get(0)).containsExactly("r0");
        assertThat(batches.get(1)).hasSize(20);
    }

    /** A writer that records each batch and answers each row with the row times {@code factor}. */
    private Coalescer.BatchWriter<Integer, Integer> recordingTimes(int factor) {
        return rows -> {
            batches.add(rows.stream().map(String::valueOf).toList());
            return rows.stream().map(r -> r * factor).toList();
        };
    }

    /** Submits rows 0 to {@code calls - 1} from 16 threads and checks each caller's answer. */
    private static void submitFromSixteenThreads(Coalescer<Integer, Integer> coalescer, int calls, int factor)
            throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                int row = i;
                answers.add(callers.submit(() -> coalescer.submit(row)));
            }
            for (int i = 0; i < calls; i++) {
                assertThat(answers.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(i * factor);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aBatchNeverExceedsItsMaximum() throws Exception {
        Coalescer<Integer, Integer> coalescer = new Coalescer<>(4, row -> row, recordingTimes(2));
        submitFromSixteenThreads(coalescer, 200, 2);
        assertThat(batches).allSatisfy(b -> assertThat(b.size()).isBetween(1, 4));
        assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(200);
    }

    @Test
    void rowsWithTheSameKeyNeverShareABatch() throws Exception {
        Coalescer<String, Boolean> coalescer = new Coalescer<>(64, row -> row.substring(0, 1), rows -> {
            batches.add(List.copyOf(rows));
            sleep(2);
            return rows.stream().map(r -> true).toList();
        });
        ExecutorService callers = Executors.newFixedThreadPool(12);
        try {
            List<Future<Boolean>> answers = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                String row = (char) ('a' + i % 3) + "-" + i;
                answers.add(callers.submit(() -> coalescer.submit(row)));
            }
            for (Future<Boolean> answer : answers) {
                assertThat(answer.get(5, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            callers.shutdownNow();
        }
        for (List<String> batch : batches) {
            Set<String> keys = new HashSet<>();
            batch.forEach(row -> assertThat(keys.add(row.substring(0, 1)))
                    .as("keys of %s", batch)
                    .isTrue());
        }
        assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(120);
    }

    @Test
    void aRowTheDatabaseRefusesFailsAloneAndTheOthersAreWrittenOneByOne() throws Exception {
        Coalescer<String, String> coalescer = new Coalescer<>(64, row -> row, rows -> {
            recordAndHoldTheFirst(rows);
            if (rows.contains("bad")) {
                throw new StoreException("invalid input syntax for type json");
            }
            return rows.stream().map(r -> "ok-" + r).toList();
        });
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            Future<String> first = callers.submit(() -> coalescer.submit("first"));
            assertThat(firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
            Future<String> a = callers.submit(() -> coalescer.submit("a"));
            waitUntilQueued(coalescer, 1);
            Future<String> bad = callers.submit(() -> coalescer.submit("bad"));
            waitUntilQueued(coalescer, 2);
            Future<String> c = callers.submit(() -> coalescer.submit("c"));
            waitUntilQueued(coalescer, 3);
            releaseFirstWrite.countDown();

            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("ok-first");
            assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo("ok-a");
            assertThat(c.get(5, TimeUnit.SECONDS)).isEqualTo("ok-c");
            assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(StoreException.class)
                    .hasMessageContaining("invalid input syntax");
        } finally {
            callers.shutdownNow();
        }
        assertThat(batches)
                .containsExactly(
                        List.of("first"), List.of("a", "bad", "c"), List.of("a"), List.of("bad"), List.of("c"));
    }

    @Test
    void anOutageFailsEveryCallerOfTheBatchAndTheNextCallWritesAgain() throws Exception {
        boolean[] down = {true};
        Coalescer<String, String> coalescer = new Coalescer<>(64, row -> row, rows -> {
            if (recordAndHoldTheFirst(rows)) {
                return List.of("ok-" + rows.get(0));
            }
            if (down[0]) {
                throw new StoreUnavailableException("Postgres is unreachable");
            }
            return rows.stream().map(r -> "ok-" + r).toList();
        });
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            Future<String> first = callers.submit(() -> coalescer.submit("first"));
            assertThat(firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
            Future<String> a = callers.submit(() -> coalescer.submit("a"));
            Future<String> b = callers.submit(() -> coalescer.submit("b"));
            waitUntilQueued(coalescer, 2);
            releaseFirstWrite.countDown();

            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("ok-first");
            assertThatThrownBy(() -> a.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> b.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreUnavailableException.class);
        } finally {
            callers.shutdownNow();
        }
        assertThat(batches).hasSize(2); // one try for the batch, no row-by-row retries against a database that is down
        down[0] = false;
        assertThat(coalescer.submit("after")).isEqualTo("ok-after");
    }

    @Test
    void withTwoWritersASecondBatchStartsWhileTheFirstIsInFlight() throws Exception {
        CountDownLatch twoWritesStarted = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        Coalescer<String, String> coalescer = new Coalescer<>(64, 2, row -> row, rows -> {
            batches.add(List.copyOf(rows));
            if (batches.size() <= 2) {
                twoWritesStarted.countDown();
                await(release);
            }
            return rows.stream().map(r -> "answer-" + r).toList();
        });
        ExecutorService callers = Executors.newFixedThreadPool(12);
        try {
            Future<String> first = callers.submit(() -> coalescer.submit("r0"));
            Future<String> second = callers.submit(() -> coalescer.submit("r1"));
            assertThat(twoWritesStarted.await(5, TimeUnit.SECONDS))
                    .as("both writes in flight")
                    .isTrue();
            List<Future<String>> others = new ArrayList<>();
            for (int i = 2; i < 12; i++) {
                String row = "r" + i;
                others.add(callers.submit(() -> coalescer.submit(row)));
            }
            waitUntilQueued(coalescer, 10);
            release.countDown();

            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("answer-r0");
            assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("answer-r1");
            for (int i = 2; i < 12; i++) {
                assertThat(others.get(i - 2).get(5, TimeUnit.SECONDS)).isEqualTo("answer-r" + i);
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(batches.subList(0, 2)).containsExactlyInAnyOrder(List.of("r0"), List.of("r1"));
        assertThat(batches.subList(2, batches.size()).stream()
                        .mapToInt(List::size)
                        .sum())
                .isEqualTo(10);
    }

    @Test
    void withTwoWritersARowWhoseKeyIsInFlightWaitsForThatBatchAndKeepsItsOrder() throws Exception {
        List<String> written = Collections.synchronizedList(new ArrayList<>());
        Coalescer<String, String> coalescer = new Coalescer<>(64, 2, row -> row.substring(0, 1), rows -> {
            recordAndHoldTheFirst(rows);
            written.addAll(rows);
            return rows.stream().map(r -> "ok-" + r).toList();
        });
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            Future<String> a0 = callers.submit(() -> coalescer.submit("a0"));
            assertThat(firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
            Future<String> a1 = callers.submit(() -> coalescer.submit("a1"));
            waitUntilQueued(coalescer, 1);
            Future<String> b0 = callers.submit(() -> coalescer.submit("b0"));
            // b0 takes the free writer while a1 waits for a0's batch.
            assertThat(b0.get(5, TimeUnit.SECONDS)).isEqualTo("ok-b0");
            assertThat(a1.isDone()).isFalse();
            assertThat(coalescer.queued()).isEqualTo(1);
            releaseFirstWrite.countDown();

            assertThat(a0.get(5, TimeUnit.SECONDS)).isEqualTo("ok-a0");
            assertThat(a1.get(5, TimeUnit.SECONDS)).isEqualTo("ok-a1");
        } finally {
            callers.shutdownNow();
        }
        assertThat(written).containsExactly("b0", "a0", "a1");
        assertThat(batches).containsExactly(List.of("a0"), List.of("b0"), List.of("a1"));
    }

    @Test
    void aCallerInterruptedWhileItWaitsStillGetsItsAnswerAndKeepsTheInterrupt() throws Exception {
        Coalescer<String, String> coalescer = answering("ok-");
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            Future<String> first = callers.submit(() -> coalescer.submit("first"));
            assertThat(firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
            Thread[] waiter = new Thread[1];
            Future<String> interrupted = callers.submit(() -> {
                waiter[0] = Thread.currentThread();
                String answer = coalescer.submit("a");
                return answer + (Thread.currentThread().isInterrupted() ? " (interrupted)" : "");
            });
            waitUntilQueued(coalescer, 1);
            waiter[0].interrupt();
            // Still waiting: the row's write has not even started.
            assertThat(interrupted.isDone()).isFalse();
            assertThat(coalescer.queued()).isEqualTo(1);
            releaseFirstWrite.countDown();

            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("ok-first");
            assertThat(interrupted.get(5, TimeUnit.SECONDS)).isEqualTo("ok-a (interrupted)");
        } finally {
            callers.shutdownNow();
        }
        assertThat(batches).containsExactly(List.of("first"), List.of("a"));
    }

    /** Two writers; a batch that would go beside another waits up to {@code wait} for {@code rows} callers. */
    private Coalescer<String, String> twoWritersWithCompany(Duration wait, int rows) {
        return new Coalescer<>(64, 2, new Coalescer.Company(wait, rows), row -> row, rows0 -> {
            recordAndHoldTheFirst(rows0);
            return rows0.stream().map(r -> "ok-" + r).toList();
        });
    }

    @Test
    void aCallWithNoBatchInFlightDoesNotWaitForCompany() throws Exception {
        Coalescer<String, String> coalescer = twoWritersWithCompany(Duration.ofHours(1), 4);
        releaseFirstWrite.countDown();
        ExecutorService callers = Executors.newFixedThreadPool(1);
        try {
            // Waiting for company would take an hour: the answer comes because nothing else was in flight.
            assertThat(callers.submit(() -> coalescer.submit("alone")).get(5, TimeUnit.SECONDS))
                    .isEqualTo("ok-alone");
        } finally {
            callers.shutdownNow();
        }
        assertThat(batches).containsExactly(List.of("alone"));
    }

    @Test
    void aBatchThatWouldGoBesideAnotherWaitsForCompanyAndGoesAsSoonAsItIsThere() throws Exception {
        Coalescer<String, String> coalescer = twoWritersWithCompany(Duration.ofHours(1), 3);
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            Future<String> first = callers.submit(() -> coalescer.submit("first"));
            assertThat(firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
            Future<String> r1 = callers.submit(() -> coalescer.submit("r1"));
            waitUntil(coalescer::waitingForCompany, "r1 waits for company");
            Future<String> r2 = callers.submit(() -> coalescer.submit("r2"));
            waitUntilQueued(coalescer, 1);
            assertThat(r1.isDone()).as("one follower is not company enough").isFalse();
            Future<String> r3 = callers.submit(() -> coalescer.submit("r3"));

            // The third caller is the company: the batch goes while the first write is still held.
            assertThat(r1.get(5, TimeUnit.SECONDS)).isEqualTo("ok-r1");
            assertThat(r2.get(5, TimeUnit.SECONDS)).isEqualTo("ok-r2");
            assertThat(r3.get(5, TimeUnit.SECONDS)).isEqualTo("ok-r3");
            assertThat(first.isDone()).isFalse();
            releaseFirstWrite.countDown();
            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("ok-first");
        } finally {
            callers.shutdownNow();
        }
        assertThat(batches).containsExactly(List.of("first"), List.of("r1", "r2", "r3"));
        assertThat(coalescer.waitingForCompany()).isFalse();
    }

    @Test
    void aBatchWaitingForCompanyGoesWithWhatItHasOnceTheBatchInFlightCommits() throws Exception {
        Coalescer<String, String> coalescer = twoWritersWithCompany(Duration.ofHours(1), 10);
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try {
            Future<String> first = callers.submit(() -> coalescer.submit("first"));
            assertThat(firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
            Future<String> r1 = callers.submit(() -> coalescer.submit("r1"));
            waitUntil(coalescer::waitingForCompany, "r1 waits for company");
            Future<String> r2 = callers.submit(() -> coalescer.submit("r2"));
            waitUntilQueued(coalescer, 1);
            // r2 joins r1's batch rather than leading a batch of its own when the first one frees its writer.
            releaseFirstWrite.countDown();

            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("ok-first");
            assertThat(r1.get(5, TimeUnit.SECONDS)).isEqualTo("ok-r1");
            assertThat(r2.get(5, TimeUnit.SECONDS)).isEqualTo("ok-r2");
        } finally {
            callers.shutdownNow();
        }
        assertThat(batches).containsExactly(List.of("first"), List.of("r1", "r2"));
    }

    @Test
    void aBatchWaitsForCompanyNoLongerThanTheRuleSays() throws Exception {
        Coalescer<String, String> coalescer = twoWritersWithCompany(Duration.ofMillis(50), 10);
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            Future<String> first = callers.submit(() -> coalescer.submit("first"));
            assertThat(firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
            // No company comes and the first write stays held: after its 50 ms r1 goes alone.
            assertThat(callers.submit(() -> coalescer.submit("r1")).get(5, TimeUnit.SECONDS))
                    .isEqualTo("ok-r1");
            assertThat(first.isDone()).isFalse();
            releaseFirstWrite.countDown();
            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("ok-first");
        } finally {
            callers.shutdownNow();
        }
        assertThat(batches).containsExactly(List.of("first"), List.of("r1"));
    }

    @Test
    void aLeaderInterruptedWhileItWaitsForCompanyKeepsWaitingAndKeepsTheInterrupt() throws Exception {
        Coalescer<String, String> coalescer = twoWritersWithCompany(Duration.ofHours(1), 3);
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            Future<String> first = callers.submit(() -> coalescer.submit("first"));
            assertThat(firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
            Thread[] waiter = new Thread[1];
            Future<String> interrupted = callers.submit(() -> {
                waiter[0] = Thread.currentThread();
                String answer = coalescer.submit("r1");
                return answer + (Thread.currentThread().isInterrupted() ? " (interrupted)" : "");
            });
            waitUntil(coalescer::waitingForCompany, "r1 waits for company");
            waiter[0].interrupt();
            assertThat(interrupted.isDone()).isFalse();
            assertThat(coalescer.waitingForCompany()).isTrue();
            releaseFirstWrite.countDown();

            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("ok-first");
            assertThat(interrupted.get(5, TimeUnit.SECONDS)).isEqualTo("ok-r1 (interrupted)");
        } finally {
            callers.shutdownNow();
        }
        assertThat(batches).containsExactly(List.of("first"), List.of("r1"));
    }

    @Test
    void underLoadWithCompanyEveryCallerGetsItsOwnAnswerAndNothingIsStuck() throws Exception {
        Coalescer<Integer, Integer> coalescer =
                new Coalescer<>(8, 2, new Coalescer.Company(Duration.ofMillis(1), 4), row -> row, recordingTimes(3));
        submitFromSixteenThreads(coalescer, 2_000, 3);
        assertThat(batches).allSatisfy(b -> assertThat(b.size()).isBetween(1, 8));
        assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(2_000);
        assertThat(coalescer.queued()).isZero();
        assertThat(coalescer.waitingForCompany()).isFalse();
    }

    @Test
    void aCompanyRuleNeedsAWaitOfZeroOrMoreAndARow() {
        assertThatThrownBy(() -> new Coalescer.Company(Duration.ofMillis(-1), 4))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Coalescer.Company(Duration.ofMillis(1), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " in time").isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    private static void waitUntilQueued(Coalescer<?, ?> coalescer, int calls) throws InterruptedException {
        waitUntil(() -> coalescer.queued() >= calls, calls + " calls queued");
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
