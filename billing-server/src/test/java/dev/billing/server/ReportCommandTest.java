package dev.billing.server;

import dev.billing.core.model.Analytics;
import dev.billing.core.model.SubscriptionStatus;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReportCommandTest {
    private static final Instant NOW = Instant.parse("2026-11-15T12:00:00Z");
    private static final Analytics.Report REPORT = new Analytics.Report(
            new Analytics.Revenue(NOW, List.of(new Analytics.CurrencyRevenue("usd", 6333, 76000, 1000, 0, 0, 0, 0)),
                    0, new Analytics.PaymentHealth(90, 3, 1, 1.0 / 3, 6, 1, 1.0 / 6),
                    new Analytics.TrialConversion(3, 2, 2.0 / 3),
                    List.of(new Analytics.MonthlyPurchases(YearMonth.of(2026, 11), "usd", 2, 3500)),
                    List.of(new Analytics.MonthlyRefunds(YearMonth.of(2026, 11), "usd", 1, 400))),
            new Analytics.SubscriptionBreakdown(NOW, 1,
                    List.of(new Analytics.TierStatus("pro", SubscriptionStatus.ACTIVE, 1, 1, 0))),
            new Analytics.Movements(NOW, List.of(new Analytics.Movement(YearMonth.of(2026, 11), 3, 2, 1, 1))),
            new Analytics.Usage(NOW, List.of(new Analytics.MeterUse("pro", "api_calls", 2, 400, 1000L, 0.2))));

    @Test
    void csvHasOneRowPerFigure() {
        String csv = print(ReportCommand.Format.CSV);
        assertThat(csv).startsWith("section,key,currency_or_status,figure,value\n")
                .contains("revenue,mrr,usd,mrr,6333\n", "revenue,arr,usd,arr,76000\n",
                        "movements,2026-11,,new/reactivated/churned,2/1/1\n", "purchases,2026-11,usd,amount_total,3500\n")
                .contains("refunds,2026-11,usd,amount,400");
    }

    @Test
    void jsonIsTheRoutesDocuments() {
        String json = print(ReportCommand.Format.JSON);
        assertThat(json).contains("\"revenue\":{", "\"mrr\":6333", "\"subscriptions\":{", "\"movements\":{",
                "\"usage\":{", "\"utilisation\":0.2");
    }

    @Test
    void tableNamesTheMoment() {
        assertThat(print(ReportCommand.Format.TABLE)).startsWith("Revenue as of 2026-11-15T12:00:00Z");
    }

    private static String print(ReportCommand.Format format) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ReportCommand.print(REPORT, format, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
    }
}
