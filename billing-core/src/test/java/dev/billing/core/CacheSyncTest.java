package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.CustomerId;
import dev.billing.core.port.ProjectionChanges;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** {@link CacheSync} over a record whose positions can become visible out of order. */
class CacheSyncTest {
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    private final Record record = new Record();
    private final List<CustomerId> told = new ArrayList<>();
    private Instant now = T0;
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final CacheSync sync = new CacheSync(record, told::add, clock);

    private static CustomerId cus(int n) {
        return CustomerId.of("cus_" + n);
    }

    @Test
    void startsAtTheHeadAndTellsOnlyWhatCameAfter() {
        record.visible(1, "other", cus(1));
        sync.read();
        record.visible(2, "other", cus(2));

        sync.read();

        assertThat(told).containsExactly(cus(2));
    }

    @Test
    void aChangeRightAfterTheStartIsToldHoweverLateTheFirstReadIs() {
        record.visible(1, "other", cus(1));
        sync.batching(true); // start
        record.visible(2, "other", cus(2));

        sync.run();

        assertThat(told).containsExactly(cus(2));
    }

    @Test
    void skipsItsOwnChanges() {
        sync.read();
        sync.projectionChanged(cus(7));
        record.visible(2, "other", cus(8));

        sync.read();

        assertThat(record.appended).containsExactly(cus(7));
        assertThat(told).containsExactly(cus(8));
    }

    @Test
    void aChangeAboveAGapIsToldAtOnceAndTheLateOneWhenItAppears() {
        sync.read();
        record.visible(2, "other", cus(2)); // position 1 is taken but not committed yet

        sync.read();
        sync.read();
        assertThat(told).containsExactly(cus(2));

        now = now.plusSeconds(3);
        record.visible(1, "other", cus(1));
        sync.read();

        assertThat(told).containsExactly(cus(2), cus(1));
    }

    @Test
    void aGapThatNeverFillsIsLeftBehindAfterTheWait() {
        sync.read();
        record.visible(2, "other", cus(2));
        sync.read();

        now = now.plus(CacheSync.GAP_WAIT);
        sync.read();
        record.visible(1, "other", cus(1)); // too late: the cursor moved past it (the cached answer expires anyway)
        record.visible(3, "other", cus(3));
        sync.read();

        assertThat(told).containsExactly(cus(2), cus(3));
        assertThat(record.lastAfter).isEqualTo(2);
    }

    @Test
    void changesAreAppendedAtOnceUntilBatchingThenInOneAppendPerRun() {
        sync.projectionChanged(cus(1));
        assertThat(record.appends).isEqualTo(1);

        sync.batching(true);
        sync.projectionChanged(cus(2));
        sync.projectionChanged(cus(3));
        sync.projectionChanged(cus(2));
        assertThat(record.appends).isEqualTo(1);
        sync.run();

        assertThat(record.appends).isEqualTo(2);
        assertThat(record.appended).containsExactlyInAnyOrder(cus(1), cus(2), cus(3));

        sync.projectionChanged(cus(4));
        sync.batching(false);
        assertThat(record.appended).contains(cus(4));
    }

    @Test
    void aFailingRecordIsIgnored() {
        record.failing = true;

        sync.projectionChanged(cus(1));
        sync.read();
        sync.prune();

        assertThat(told).isEmpty();
    }

    /** Positions are set by the test, to make them visible in any order. */
    private static final class Record implements ProjectionChanges {
        final TreeMap<Long, Change> rows = new TreeMap<>();
        final List<CustomerId> appended = new ArrayList<>();
        int appends;
        long lastAfter = -1;
        boolean failing;

        void visible(long position, String origin, CustomerId customer) {
            rows.put(position, new Change(position, origin, customer, T0));
        }

        private void check() {
            if (failing) {
                throw new IllegalStateException("down");
            }
        }

        @Override
        public void append(String origin, Collection<CustomerId> customers, Instant at) {
            check();
            appends++;
            appended.addAll(customers);
            for (CustomerId customer : customers) {
                long position = rows.isEmpty() ? 1 : rows.lastKey() + 1;
                rows.put(position, new Change(position, origin, customer, at));
            }
        }

        @Override
        public List<Change> after(long position, int limit) {
            check();
            lastAfter = position;
            return rows.tailMap(position, false).values().stream().limit(limit).toList();
        }

        @Override
        public long head() {
            check();
            return rows.isEmpty() ? 0 : rows.lastKey();
        }

        @Override
        public int prune(Instant before) {
            check();
            return 0;
        }
    }

    @Test
    void pagesThroughALongBacklogInOneRead() {
        sync.read();
        for (int i = 1; i <= CacheSync.PAGE * 2 + 5; i++) {
            record.visible(i, "other", cus(i));
        }

        sync.read();

        assertThat(told).hasSize(CacheSync.PAGE * 2 + 5);
    }

    @Test
    void waitsNoLongerThanTheGapWaitEvenWhenReadOften() {
        sync.read();
        record.visible(2, "other", cus(2));
        for (int i = 0; i < 5; i++) {
            sync.read();
            now = now.plus(Duration.ofSeconds(1));
        }
        now = now.plus(CacheSync.GAP_WAIT);
        sync.read();
        sync.read();

        assertThat(record.lastAfter).isEqualTo(2);
    }
}
