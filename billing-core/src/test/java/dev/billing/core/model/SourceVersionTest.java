package dev.billing.core.model;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourceVersionTest {
    private static final Instant T = Instant.parse("2026-11-21T10:00:00Z");

    @Test
    void refetchOutranksSnapshotOfTheSameSecond() {
        assertThat(SourceVersion.refetch(T).isNewerThan(SourceVersion.snapshot(T))).isTrue();
        assertThat(SourceVersion.refetch(T.plusMillis(999)).isNewerThan(SourceVersion.snapshot(T.plusMillis(999))))
                .isTrue();
    }

    @Test
    void snapshotOfALaterSecondOutranksAnyRefetchOfAnEarlierOne() {
        assertThat(SourceVersion.snapshot(T.plusSeconds(1)).isNewerThan(SourceVersion.refetch(T.plusMillis(999))))
                .isTrue();
    }

    @Test
    void snapshotsOfOneSecondTie() {
        assertThat(SourceVersion.snapshot(T.plusMillis(100))).isEqualTo(SourceVersion.snapshot(T.plusMillis(900)));
        assertThat(SourceVersion.snapshot(T).compareTo(SourceVersion.snapshot(T.plusMillis(500)))).isZero();
    }

    @Test
    void refetchesOrderByMillisecond() {
        assertThat(SourceVersion.refetch(T.plusMillis(2)).isNewerThan(SourceVersion.refetch(T.plusMillis(1)))).isTrue();
    }

    @Test
    void keyRoundTripsAndOrdersLikeCompareTo() {
        SourceVersion[] versions = {SourceVersion.snapshot(T), SourceVersion.refetch(T),
                SourceVersion.refetch(T.plusMillis(999)), SourceVersion.snapshot(T.plusSeconds(1))};
        for (int i = 0; i < versions.length; i++) {
            assertThat(SourceVersion.fromKey(versions[i].key())).isEqualTo(versions[i]);
            if (i > 0) {
                assertThat(versions[i].key()).isGreaterThan(versions[i - 1].key());
            }
        }
    }

    @Test
    void rejectsKeysThatNoVersionProduces() {
        assertThatThrownBy(() -> SourceVersion.fromKey(T.getEpochSecond() * 10_000 + 5))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
