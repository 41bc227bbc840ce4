package dev.billing.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the growth scenario reads its steps and judges its figures; the figures themselves are BenchIT's and GrowthIT's. */
class GrowthReportTest {
    @Test
    void stepsReadAsCustomersAndEventsWithThousandsAndMillions() {
        assertThat(GrowthStep.parse("10k:10k, 100k:1m,1m:10m"))
                .containsExactly(
                        new GrowthStep(10_000, 10_000),
                        new GrowthStep(100_000, 1_000_000),
                        new GrowthStep(1_000_000, 10_000_000));
        assertThat(GrowthStep.parse("300:0")).containsExactly(new GrowthStep(300, 0));
        assertThat(new GrowthStep(1_000_000, 10_000_000).label()).isEqualTo("1M customers, 10M events");
        assertThat(new GrowthStep(250_000, 2_500).label()).isEqualTo("250k customers, 2.5k events");
    }

    @Test
    void stepsThatShrinkOrDoNotReadAreRefusedWithWhatWasWrong() {
        assertThatThrownBy(() -> GrowthStep.parse("100k:100k,10k:1m"))
                .hasMessage("steps only grow: 10k customers, 1M events after 100k customers, 100k events");
        assertThatThrownBy(() -> GrowthStep.parse("100k")).hasMessage("'100k' is not customers:events (e.g. 100k:1m)");
        assertThatThrownBy(() -> GrowthStep.parse("ten:1k")).hasMessage("'ten' is not a count (e.g. 10000, 100k, 1m)");
        assertThatThrownBy(() -> GrowthStep.parse("50:1k")).hasMessageContaining("at least 100 customers");
        assertThatThrownBy(() -> GrowthStep.parse("3000m:1k")).hasMessageContaining("at most");
    }

    @Test
    void onlyScansOfLargeTablesAreFlagged() {
        GrowthReport.Path p = path(
                "GET /me/entitlements",
                GrowthReport.Kind.THROUGHPUT,
                1000,
                true,
                Map.of("customers", 2L, "service_keys", 5L, "subscriptions", 0L));
        assertThat(p.flaggedScans()).containsExactly("customers (1M rows) x2");
    }

    @Test
    void eachPathIsJudgedAgainstItsFirstSizeAndAnalyticsAgainst200MsButAComputationIsOnlyReported() {
        GrowthReport.Step first = step(
                10_000,
                List.of(
                        path("GET /me/entitlements", GrowthReport.Kind.THROUGHPUT, 1000, true, Map.of()),
                        path("GET /admin/users/{id}/export", GrowthReport.Kind.LATENCY, 10, true, Map.of()),
                        path("GET /admin/analytics/revenue", GrowthReport.Kind.LATENCY, 50, false, Map.of()),
                        path(
                                GrowthReport.computed("GET /admin/analytics/revenue"),
                                GrowthReport.Kind.LATENCY,
                                50,
                                false,
                                Map.of())));
        GrowthReport.Step last = step(
                1_000_000,
                List.of(
                        path("GET /me/entitlements", GrowthReport.Kind.THROUGHPUT, 790, true, Map.of()),
                        path("GET /admin/users/{id}/export", GrowthReport.Kind.LATENCY, 12.5, true, Map.of()),
                        path(
                                "GET /admin/analytics/revenue",
                                GrowthReport.Kind.LATENCY,
                                210,
                                false,
                                Map.of("subscriptions", 1L)),
                        path(
                                GrowthReport.computed("GET /admin/analytics/revenue"),
                                GrowthReport.Kind.LATENCY,
                                3000,
                                false,
                                Map.of("subscriptions", 1L))));

        List<BenchReport.Target> targets = GrowthReport.targets(List.of(first, last));

        assertThat(targets)
                .extracting(BenchReport.Target::name, BenchReport.Target::met)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "growth: GET /me/entitlements at 1M customers, 1M events / at 10k customers, 1M events",
                                false),
                        org.assertj.core.groups.Tuple.tuple(
                                "growth: GET /admin/users/{id}/export at 1M customers, 1M events / at 10k customers, "
                                        + "1M events",
                                true),
                        org.assertj.core.groups.Tuple.tuple(
                                "growth: GET /admin/analytics/revenue at 1M customers, 1M events / at 10k customers, "
                                        + "1M events",
                                false),
                        org.assertj.core.groups.Tuple.tuple(
                                "growth: GET /admin/analytics/revenue median at 1M customers, 1M events", false),
                        org.assertj.core.groups.Tuple.tuple(
                                "growth: no sequential scan of a table of 50k+ rows on a hot path", true));
        assertThat(targets.get(0).measured()).isEqualTo("79% (1000/s → 790/s)");
    }

    @Test
    void aScanOnAHotPathMissesTheTarget() {
        GrowthReport.Step only = step(
                1_000_000,
                List.of(path(
                        "GET /admin/customers?q={email} (dashboard)",
                        GrowthReport.Kind.LATENCY,
                        300,
                        true,
                        Map.of("customers", 30L))));
        GrowthReport.Step next = step(1_000_000, only.paths());

        BenchReport.Target scans = GrowthReport.targets(List.of(only, next)).get(1);

        assertThat(scans.met()).isFalse();
        assertThat(scans.measured())
                .startsWith("GET /admin/customers?q={email} (dashboard) at 1M/1M: customers (1M rows) x30");
    }

    private static GrowthReport.Path path(
            String name, GrowthReport.Kind kind, double figure, boolean hot, Map<String, Long> scans) {
        return new GrowthReport.Path(
                name,
                kind,
                figure,
                figure,
                100,
                0,
                scans,
                Map.of("customers", 1_000_000L, "service_keys", 3L, "subscriptions", 700_000L),
                hot,
                List.of());
    }

    private static GrowthReport.Step step(int customers, List<GrowthReport.Path> paths) {
        return new GrowthReport.Step(customers, 1_000_000, 1, Map.of(), paths);
    }
}
