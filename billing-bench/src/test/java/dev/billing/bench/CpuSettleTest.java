package dev.billing.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class CpuSettleTest {

    @Test
    void settlesOnlyWhenTheLastThreeRoundsOfEveryCountAgreeWithinTenPercent() {
        CpuSettle settle = new CpuSettle();
        for (double[] round : new double[][] {{480, 420}, {330, 300}, {327, 299}}) {
            settle.add(16, round[0], -1);
            settle.add(64, round[1], -1);
        }
        assertThat(settle.settled(List.of(16, 64)))
                .as("16: 330, 327 agree, but 480 was two rounds ago")
                .isFalse();

        settle.add(16, 299, -1);
        settle.add(64, 340, -1);
        assertThat(settle.settled(List.of(16, 64)))
                .as("64: 300, 299, 340 spread 14%")
                .isFalse();

        settle.add(16, 310, -1);
        settle.add(64, 325, -1);
        assertThat(settle.settled(List.of(16, 64)))
                .as("16: 327, 299, 310; 64: 299, 340, 325")
                .isFalse();

        settle.add(64, 331, -1);
        assertThat(settle.settled(List.of(16, 64))).as("64: 340, 325, 331").isTrue();
        assertThat(settle.describe())
                .isEqualTo(
                        "16 connections: 480, 330, 327, 299, 310 µs; 64 connections: 420, 300, 299, 340, 325, 331 µs");
    }

    @Test
    void aCountWithFewerThanThreeRoundsOrUnknownFiguresIsNotSettled() {
        CpuSettle settle = new CpuSettle();
        settle.add(16, 300, -1);
        settle.add(16, -1, -1);
        settle.add(16, 301, -1);
        assertThat(settle.settled(List.of(16)))
                .as("the unknown figure is no round")
                .isFalse();
        settle.add(16, 302, -1);
        assertThat(settle.settled(List.of(16))).isTrue();
        assertThat(settle.settled(List.of(16, 64)))
                .as("no 64-connection round yet")
                .isFalse();
        assertThat(settle.settled(List.of())).isFalse();
    }

    @Test
    void roundsTheJitCompiledThroughDoNotSettleHoweverStillTheirCpuHolds() {
        CpuSettle settle = new CpuSettle();
        settle.add(16, 455, 0.95);
        settle.add(16, 459, 0.91);
        settle.add(16, 446, 0.90);
        assertThat(settle.settled(List.of(16)))
                .as("446-459 µs agree, but the JIT compiled through them")
                .isFalse();
        settle.add(16, 170, 0.08);
        settle.add(16, 161, 0.12);
        settle.add(16, 158, 0.02);
        assertThat(settle.settled(List.of(16)))
                .as("the JIT still took 12% of one of the last three")
                .isFalse();
        settle.add(16, 160, 0.01);
        assertThat(settle.settled(List.of(16)))
                .as("161 µs, at 12%, is still one of the last three")
                .isFalse();
        settle.add(16, 159, 0.03);
        assertThat(settle.settled(List.of(16))).isTrue();
        assertThat(settle.describeJit()).isEqualTo("16 connections: 95, 91, 90, 8, 12, 2, 1, 3%");
    }

    @Test
    void anUnknownJitShareLeavesTheCpuToDecide() {
        CpuSettle settle = new CpuSettle();
        settle.add(16, 300, -1);
        settle.add(16, 301, -1);
        settle.add(16, 302, -1);
        assertThat(settle.settled(List.of(16))).isTrue();
        assertThat(settle.describeJit()).isEmpty();
        settle.add(64, 200, 0.5);
        assertThat(settle.describeJit()).isEqualTo("16 connections: ?, ?, ?%; 64 connections: 50%");
    }

    @Test
    void theSpreadIsTheLastThreeRoundsLargestOverSmallest() {
        assertThat(CpuSettle.spread(List.of(500.0, 100.0, 110.0, 105.0))).isEqualTo(0.1, Offset.offset(1e-9));
        assertThat(CpuSettle.spread(List.of(110.0, 100.0, 100.0))).isEqualTo(0.1, Offset.offset(1e-9));
        assertThat(CpuSettle.spread(List.of(100.0, 100.0))).isEqualTo(1.0);
    }
}
