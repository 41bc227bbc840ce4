package dev.billing.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CpuSettleTest {

    @Test
    void settlesOnlyWhenTheLastTwoRoundsOfEveryCountAgreeWithinTenPercent() {
        CpuSettle settle = new CpuSettle();
        settle.add(16, 480);
        settle.add(64, 420);
        settle.add(16, 330);
        settle.add(64, 300);
        assertThat(settle.settled(List.of(16, 64))).as("480 -> 330 is still falling").isFalse();

        settle.add(16, 310);
        settle.add(64, 340);
        assertThat(settle.settled(List.of(16, 64))).as("64: 300 -> 340 is 13%").isFalse();

        settle.add(64, 325);
        assertThat(settle.settled(List.of(16, 64))).isTrue();
        assertThat(settle.describe()).isEqualTo("16 connections: 480, 330, 310 µs; 64 connections: 420, 300, 340, 325 µs");
    }

    @Test
    void aCountWithFewerThanTwoRoundsOrUnknownFiguresIsNotSettled() {
        CpuSettle settle = new CpuSettle();
        settle.add(16, 300);
        settle.add(16, -1);
        assertThat(settle.settled(List.of(16))).isFalse();
        settle.add(16, 301);
        assertThat(settle.settled(List.of(16))).isTrue();
        assertThat(settle.settled(List.of(16, 64))).as("no 64-connection round yet").isFalse();
        assertThat(settle.settled(List.of())).isFalse();
    }

    @Test
    void theSpreadIsRelativeToTheSmallerFigure() {
        assertThat(CpuSettle.spread(List.of(100.0, 110.0))).isEqualTo(0.1, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(CpuSettle.spread(List.of(110.0, 100.0))).isEqualTo(0.1, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(CpuSettle.spread(List.of(100.0))).isEqualTo(1.0);
    }
}
