package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.analytics.Analytics;
import dev.billing.core.model.subscription.SubscriptionStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportCommandTest {
    private static final Instant NOW = Instant.parse("2026-11-15T12:00:00Z");
    private static final Analytics.Report REPORT = new Analytics.Report(
            new Analytics.Revenue(
                    NOW,
                    List.of(new Analytics.CurrencyRevenue("usd", 6333, 76000, 1000, 0, 0, 0, 0)),
                    0,
                    new Analytics.PaymentHealth(90, 3, 1, 1.0 / 3, 6, 1, 1.0 / 6),
                    new Analytics.TrialConversion(3, 2, 2.0 / 3),
                    List.of(new Analytics.MonthlyPurchases(YearMonth.of(2026, 11), "usd", 2, 3500)),
                    List.of(new Analytics.MonthlyRefunds(YearMonth.of(2026, 11), "usd", 1, 400))),
            new Analytics.SubscriptionBreakdown(
                    NOW, 1, List.of(new Analytics.TierStatus("pro", SubscriptionStatus.ACTIVE, 1, 1, 0))),
            new Analytics.Movements(NOW, List.of(new Analytics.Movement(YearMonth.of(2026, 11), 3, 2, 1, 1))),
            new Analytics.Usage(NOW, List.of(new Analytics.MeterUse("pro", "api_calls", 2, 400, 1000L, 0.2))));

    @Test
    void csvHasOneRowPerFigure() {
        String csv = print(ReportCommand.Format.CSV);
        assertThat(csv)
                .startsWith("section,key,currency_or_status,figure,value\n")
                .contains(
                        "revenue,mrr,usd,mrr,6333\n",
                        "revenue,arr,usd,arr,76000\n",
                        "movements,2026-11,,new/reactivated/churned,2/1/1\n",
                        "purchases,2026-11,usd,amount_total,3500\n")
                .contains("refunds,2026-11,usd,amount,400");
    }

    @Test
    void jsonIsTheRoutesDocuments() {
        String json = print(ReportCommand.Format.JSON);
        assertThat(json)
                .contains(
                        "\"revenue\":{",
                        "\"mrr\":6333",
                        "\"subscriptions\":{",
                        "\"movements\":{",
                        "\"usage\":{",
                        "\"utilisation\":0.2");
    }

    @Test
    void tableNamesTheMoment() {
        assertThat(print(ReportCommand.Format.TABLE)).startsWith("Revenue as of 2026-11-15T12:00:00Z");
    }

    @Test
    void tableColumnsAreAligned() {
        List<String> lines = print(ReportCommand.Format.TABLE).lines().skip(1).toList();
        String header = lines.get(0);
        int[] starts = {
            0,
            header.indexOf("key"),
            header.indexOf("currency_or_status"),
            header.indexOf("figure"),
            header.indexOf("value")
        };
        assertThat(starts).doesNotContain(-1);
        for (String line : lines.subList(1, lines.size())) {
            // every column starts where its heading does, padded with spaces (an empty column is all spaces)
            for (int c = 1; c < starts.length - 1; c++) {
                assertThat(line.charAt(starts[c] - 1))
                        .as("before column %d of: %s", c, line)
                        .isEqualTo(' ');
                assertThat(line.charAt(starts[c] - 2))
                        .as("before column %d of: %s", c, line)
                        .isEqualTo(' ');
            }
            assertThat(line.length()).as(line).isGreaterThan(starts[4]);
        }
        assertThat(lines)
                .anySatisfy(l -> assertThat(l).matches("revenue +mrr +usd +mrr +6333"))
                .anySatisfy(l -> assertThat(l).matches("movements +2026-11 +new/reactivated/churned +2/1/1"));
        String mrr = lines.stream()
                .filter(l -> l.startsWith("revenue ") && l.contains(" arr "))
                .findFirst()
                .orElseThrow();
        String purchases = lines.stream()
                .filter(l -> l.startsWith("purchases"))
                .findFirst()
                .orElseThrow();
        // the numbers' last digits line up
        assertThat(mrr.length()).isEqualTo(purchases.length());
    }

    @Test
    void tableTrimsTheMomentToSeconds() {
        Analytics.Report report = new Analytics.Report(
                new Analytics.Revenue(
                        NOW.plusNanos(123_456_789),
                        List.of(),
                        0,
                        REPORT.revenue().payments(),
                        REPORT.revenue().trials(),
                        List.of(),
                        List.of()),
                REPORT.subscriptions(),
                REPORT.movements(),
                REPORT.usage());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ReportCommand.print(report, ReportCommand.Format.TABLE, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith("Revenue as of 2026-11-15T12:00:00Z (");
    }

    private static String print(ReportCommand.Format format) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ReportCommand.print(REPORT, format, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
    }
}
