package dev.billing.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DiskSyncTest {
    @Test
    void nothingRunYetIsMinusOne() {
        assertThat(new DiskSync().longestMillis()).isEqualTo(-1);
    }

    /** The test machines are Linux, where {@code sync} exists: it runs, and its time is kept. */
    @Test
    void syncRunsAndKeepsTheLongestWait() {
        DiskSync disk = new DiskSync();
        assertThat(disk.sync()).isTrue();
        assertThat(disk.sync()).isTrue();
        assertThat(disk.longestMillis()).isGreaterThanOrEqualTo(0);
    }
}
