package dev.billing.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OptimizationFlagTest {
    /** zonky's embedded binaries, as their pg_config view shows them. */
    @Test
    void readsTheSizeBuild() {
        assertThat(BenchEnvironment.optimizationFlag(
                        "-Wall -Wmissing-prototypes -fwrapv -Wno-format-truncation -Os " + "-DMAP_HUGETLB=0x40000"))
                .isEqualTo("-Os");
    }

    /** The compiler takes the last -O it is given; Debian's flags carry one, after -g. */
    @Test
    void theLastFlagWins() {
        assertThat(BenchEnvironment.optimizationFlag("-O0 -fno-strict-aliasing -g -g -O2 -fstack-protector-strong"))
                .isEqualTo("-O2");
    }

    @Test
    void noFlagIsNone() {
        assertThat(BenchEnvironment.optimizationFlag("-Wall -g")).isEqualTo("none");
        assertThat(BenchEnvironment.optimizationFlag("")).isEqualTo("none");
    }
}
