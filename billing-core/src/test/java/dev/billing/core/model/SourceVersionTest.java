package dev.billing.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class SourceVersionTest {
    private static final Instant T = Instant.parse("2026-11-21T10:00:00Z");

    @Test
    void refetchOutranksSnapshotOfTheSameSecond() {
        assertThat(SourceVersion.refetch(T).isNewerThan(SourceVersion.snapshot(T)))
                .isTrue();
        assertThat(SourceVersion.refetch(T.plusMillis(999)).isNewerThan(SourceVersion.snapshot(T.plusMillis(999))))
                .isTrue();
        assertThat(SourceVersion.refetch(T.plusNanos(999_999_999)).key())
                .isLessThan(SourceVersion.snapshot(T.plusSeconds(1)).key());
    }

    @Test
    void snapshotOfALaterSecondOutranksAnyRefetchOfAnEarlierOne() {
        assertThat(SourceVersion.snapshot(T.plusSeconds(1)).isNewerThan(SourceVersion.refetch(T.plusMillis(999))))
                .isTrue();
    }

    @Test
    void aSnapshotMayFollowAReadStampedUpToAMinuteAfterItsSecond() {
        SourceVersion read = SourceVersion.refetch(T.plusMillis(300));
        assertThat(SourceVersion.snapshot(T).mayFollowRead(read))
                .as("the read's second")
                .isTrue();
        assertThat(SourceVersion.snapshot(T.minusSeconds(60)).mayFollowRead(read))
                .isTrue();
        assertThat(SourceVersion.snapshot(T.minusSeconds(61)).mayFollowRead(read))
                .isFalse();
        assertThat(SourceVersion.snapshot(T).mayFollowRead(SourceVersion.snapshot(T.plusSeconds(1))))
                .as("a snapshot's second is Stripe's order")
                .isFalse();
        assertThat(SourceVersion.refetch(T).mayFollowRead(read))
                .as("reads order by their stamps")
                .isFalse();
    }

    @Test
    void snapshotsOfOneSecondTie() {
        assertThat(SourceVersion.snapshot(T.plusMillis(100))).isEqualTo(SourceVersion.snapshot(T.plusMillis(900)));
        assertThat(SourceVersion.snapshot(T).compareTo(SourceVersion.snapshot(T.plusMillis(500))))
                .isZero();
    }

    @Test
    void refetchesOrderByMicrosecond() {
        assertThat(SourceVersion.refetch(T.plusMillis(2)).isNewerThan(SourceVersion.refetch(T.plusMillis(1))))
                .isTrue();
        assertThat(SourceVersion.refetch(T.plusNanos(2_000)).isNewerThan(SourceVersion.refetch(T.plusNanos(1_000))))
                .isTrue();
        assertThat(SourceVersion.refetch(T.plusNanos(1_999))).isEqualTo(SourceVersion.refetch(T.plusNanos(1_000)));
    }

    @Test
    void stampsStrictlyIncreaseEvenWhenTheClockStandsStill() {
        RefetchStamps stamps = new RefetchStamps(java.time.Clock.fixed(T, java.time.ZoneOffset.UTC));
        SourceVersion first = stamps.next();
        SourceVersion second = stamps.next();
        assertThat(second.isNewerThan(first)).isTrue();
        assertThat(first.at()).isEqualTo(T);
    }

    @Test
    void keyRoundTripsAndOrdersLikeCompareTo() {
        SourceVersion[] versions = {
            SourceVersion.snapshot(T),
            SourceVersion.refetch(T),
            SourceVersion.refetch(T.plusNanos(1_000)),
            SourceVersion.refetch(T.plusMillis(999)),
            SourceVersion.refetch(T.plusNanos(999_999_000)),
            SourceVersion.snapshot(T.plusSeconds(1))
        };
        for (int i = 0; i < versions.length; i++) {
            assertThat(SourceVersion.fromKey(versions[i].key())).isEqualTo(versions[i]);
            if (i > 0) {
                assertThat(versions[i].key()).isGreaterThan(versions[i - 1].key());
            }
        }
    }

    @Test
    void rejectsKeysThatNoVersionProduces() {
        assertThatThrownBy(() -> SourceVersion.fromKey(T.getEpochSecond() * 10_000_000 + 5))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
