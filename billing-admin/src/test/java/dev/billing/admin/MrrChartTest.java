package dev.billing.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MrrChartTest {

    @Test
    @SuppressWarnings("unchecked")
    void barsAreProportionalToTheHighestMonthAndLabelledWithTheAmount() {
        Map<String, Object> chart = MrrChart.of(
                "usd",
                List.of(
                        new MrrChart.Point(YearMonth.of(2026, 10), 0),
                        new MrrChart.Point(YearMonth.of(2026, 11), 1000),
                        new MrrChart.Point(YearMonth.of(2026, 12), 2000)));
        List<Map<String, Object>> bars = (List<Map<String, Object>>) chart.get("bars");
        assertThat(bars).extracting(b -> b.get("height")).containsExactly(0, 90, 180);
        assertThat(bars).extracting(b -> b.get("amount")).containsExactly("0.00 USD", "10.00 USD", "20.00 USD");
        assertThat(bars).extracting(b -> b.get("short")).containsExactly("Oct", "Nov", "Dec");
        // every bar stands on the same baseline
        assertThat(bars)
                .allSatisfy(b ->
                        assertThat((int) b.get("y") + (int) b.get("height")).isEqualTo(192));
        assertThat(chart.get("label")).isEqualTo("MRR in USD at the end of each of the last 3 months");
    }

    @Test
    @SuppressWarnings("unchecked")
    void nothingEarnedDrawsNoBars() {
        Map<String, Object> chart = MrrChart.of("jpy", List.of(new MrrChart.Point(YearMonth.of(2026, 11), 0)));
        assertThat((List<Map<String, Object>>) chart.get("bars"))
                .singleElement()
                .satisfies(b -> assertThat(b.get("height")).isEqualTo(0))
                .satisfies(b -> assertThat(b.get("amount")).isEqualTo("0 JPY"));
    }
}
