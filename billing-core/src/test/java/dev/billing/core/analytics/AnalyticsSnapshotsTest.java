package dev.billing.core.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.error.StoreException;
import dev.billing.core.model.analytics.InvoiceTally;
import dev.billing.core.model.analytics.MrrSpan;
import dev.billing.core.model.analytics.PurchaseTally;
import dev.billing.core.model.analytics.RefundTally;
import dev.billing.core.model.analytics.SubscriptionMovements;
import dev.billing.core.model.analytics.SubscriptionTally;
import dev.billing.core.model.analytics.TrialOutcomes;
import dev.billing.core.model.analytics.UsageTally;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.model.catalog.Tier;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.port.AnalyticsStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AnalyticsSnapshotsTest {
    private static final Duration MAX_AGE = Duration.ofSeconds(60);

    /** A store whose subscription count is what the test sets, counting how often it is asked. */
    private static final class CountingStore implements AnalyticsStore {
        final AtomicInteger reads = new AtomicInteger();
        final CountDownLatch entered = new CountDownLatch(1);
        volatile long active = 1;
        volatile RuntimeException failure;
        volatile CountDownLatch gate;

        @Override
        public List<SubscriptionTally> subscriptionTally() {
            reads.incrementAndGet();
            entered.countDown();
            CountDownLatch g = gate;
            if (g != null) {
                try {
                    g.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (failure != null) {
                throw failure;
            }
            return List.of(new SubscriptionTally(SubscriptionStatus.ACTIVE, "price_x", null, false, 1, active));
        }

        @Override
        public List<UsageTally> usage(Instant now) {
            return List.of();
        }

        @Override
        public List<SubscriptionMovements> movements(Instant since) {
            return List.of();
        }

        @Override
        public List<MrrSpan> mrrSpans(Instant since, Instant now) {
            return List.of();
        }

        @Override
        public TrialOutcomes trialOutcomes(Instant now) {
            return new TrialOutcomes(0, 0);
        }

        @Override
        public List<InvoiceTally> invoiceTally(Instant since) {
            return List.of();
        }

        @Override
        public List<PurchaseTally> purchaseRevenue(Instant since) {
            return List.of();
        }

        @Override
        public List<RefundTally> refundTally(Instant since) {
            return List.of();
        }
    }

    /** A clock the test moves. */
    private static final class Moving extends Clock {
        volatile Instant now = Instant.parse("2026-11-26T08:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final CountingStore store = new CountingStore();
    private final Moving clock = new Moving();
    private final Moving workClock = new Moving();
    private final List<Runnable> queued = new ArrayList<>();

    private AnalyticsSnapshots snapshots(Duration maxAge) {
        RevenueAnalytics exact = new RevenueAnalytics(
                store,
                PlanCatalog.builder()
                        .freeTier(new Tier("free", 0, Set.of(), Map.of(), 0, 0))
                        .build(),
                clock);
        return new AnalyticsSnapshots(exact, clock, workClock, maxAge, queued::add);
    }

    private void runQueued() {
        List<Runnable> now = new ArrayList<>(queued);
        queued.clear();
        now.forEach(Runnable::run);
    }

    @Test
    void aFigureYoungerThanHalfTheMaxAgeIsServedWithoutReadingTheStore() {
        AnalyticsSnapshots s = snapshots(MAX_AGE);
        assertThat(s.subscriptions().total()).isEqualTo(1);
        store.active = 5;
        workClock.advance(Duration.ofSeconds(29));
        clock.advance(Duration.ofSeconds(29));

        assertThat(s.subscriptions().total()).isEqualTo(1);
        assertThat(s.subscriptions().asOf()).isEqualTo(clock.now.minusSeconds(29));
        assertThat(store.reads).hasValue(1);
        assertThat(queued).isEmpty();
        assertThat(s.figures(true).subscriptions().total()).as("fresh").isEqualTo(5);
    }

    @Test
    void pastHalfTheMaxAgeTheKeptFigureServesWhileOneRefreshRunsInTheBackground() {
        AnalyticsSnapshots s = snapshots(MAX_AGE);
        s.subscriptions();
        store.active = 7;
        workClock.advance(Duration.ofSeconds(31));

        assertThat(s.subscriptions().total()).isEqualTo(1);
        assertThat(s.subscriptions().total()).isEqualTo(1);
        assertThat(queued).as("one refresh for both reads").hasSize(1);
        assertThat(store.reads).hasValue(1);

        runQueued();
        assertThat(store.reads).hasValue(2);
        assertThat(s.subscriptions().total()).isEqualTo(7);
        assertThat(queued).isEmpty();
    }

    @Test
    void pastTheMaxAgeTheReaderComputesTheFigure() {
        AnalyticsSnapshots s = snapshots(MAX_AGE);
        s.subscriptions();
        store.active = 3;
        workClock.advance(MAX_AGE);

        assertThat(s.subscriptions().total()).isEqualTo(3);
        assertThat(store.reads).hasValue(2);
        assertThat(queued).isEmpty();
    }

    @Test
    void aBillingClockMovedPastTheMaxAgeOrBackMakesTheFigureStale() {
        AnalyticsSnapshots s = snapshots(MAX_AGE);
        s.subscriptions();
        store.active = 4;
        clock.advance(Duration.ofDays(31)); // a test clock moved a month; real time stood still
        assertThat(s.subscriptions().total()).isEqualTo(4);

        store.active = 6;
        clock.advance(Duration.ofDays(-40));
        assertThat(s.subscriptions().total()).isEqualTo(6);
        assertThat(store.reads).hasValue(3);
    }

    @Test
    void aZeroMaxAgeComputesEveryRead() {
        AnalyticsSnapshots s = snapshots(Duration.ZERO);
        s.subscriptions();
        store.active = 2;
        assertThat(s.subscriptions().total()).isEqualTo(2);
        assertThat(store.reads).hasValue(2);
    }

    @Test
    void eachFigureAndEachSpanOfMonthsIsKeptApart() {
        AnalyticsSnapshots s = snapshots(MAX_AGE);
        s.subscriptions();
        s.revenue();
        assertThat(store.reads).as("revenue reads the tally itself").hasValue(2);
        s.usage();
        assertThat(s.movements(3)).isNotSameAs(s.movements(4));
        assertThat(s.movements(3)).isSameAs(s.movements(3));
        assertThat(s.mrrHistory(3)).isSameAs(s.mrrHistory(3));
    }

    @Test
    void monthsOutOfRangeFailAsTheExactFiguresDo() {
        AnalyticsSnapshots s = snapshots(MAX_AGE);
        assertThatThrownBy(() -> s.movements(0)).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> s.mrrHistory(37)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void aFailedRefreshLeavesTheKeptFigureUntilTheMaxAgeThenTheReaderSeesTheFailure() {
        AnalyticsSnapshots s = snapshots(MAX_AGE);
        s.subscriptions();
        store.failure = new StoreException("down");
        workClock.advance(Duration.ofSeconds(40));
        assertThat(s.subscriptions().total()).isEqualTo(1);
        runQueued();
        assertThat(s.subscriptions().total()).isEqualTo(1);

        workClock.advance(Duration.ofSeconds(20));
        assertThatThrownBy(s::subscriptions).isSameAs(store.failure);
        store.failure = null;
        store.active = 9;
        assertThat(s.subscriptions().total()).isEqualTo(9);
    }

    @Test
    void readersOfAnExpiredFigureWaitForOneComputation() throws Exception {
        AnalyticsSnapshots s = snapshots(MAX_AGE);
        CountDownLatch gate = new CountDownLatch(1);
        store.gate = gate;
        store.active = 8;
        ExecutorService readers = Executors.newFixedThreadPool(8);
        try {
            List<Future<Long>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(readers.submit(() -> s.subscriptions().total()));
            }
            assertThat(store.entered.await(30, TimeUnit.SECONDS)).isTrue();
            gate.countDown();
            for (Future<Long> answer : answers) {
                assertThat(answer.get(30, TimeUnit.SECONDS)).isEqualTo(8);
            }
            assertThat(store.reads).hasValue(1);
        } finally {
            readers.shutdownNow();
        }
    }

    @Test
    void theOwnRefresherRunsOnADaemonThread() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        boolean[] daemon = new boolean[1];
        AnalyticsSnapshots.ownRefresher().execute(() -> {
            daemon[0] = Thread.currentThread().isDaemon();
            ran.countDown();
        });
        assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon[0]).isTrue();
    }
}
