package dev.billing.server;

import dev.billing.core.analytics.RevenueAnalytics;
import dev.billing.core.model.analytics.Analytics;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.port.BillingStores;
import dev.billing.http.JsonCodec;
import dev.billing.http.wire.AnalyticsResponses;
import java.io.PrintStream;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code billing-server report}: the revenue analytics of {@code /admin/analytics/*} from the store the
 * configuration names, as an aligned table, CSV or the routes' JSON documents. The figures come from the store only;
 * the one Stripe read is the lookup of the plan file's prices given by amount (by lookup key), which names their
 * tiers as {@code serve} does. Standard output holds the report alone: log lines go to stderr.
 */
@Command(
        name = "report",
        description = "Print revenue analytics (MRR, subscriptions, movements, quota use) "
                + "computed from the store (prices the plan file gives by amount are looked up in Stripe to name their "
                + "tiers). Only the report is printed on stdout; log lines go to stderr.")
final class ReportCommand implements Callable<Integer> {
    private static final String[] HEADER = {"section", "key", "currency_or_status", "figure", "value"};
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");

    enum Format {
        TABLE,
        CSV,
        JSON
    }

    @ParentCommand
    Main main;

    @Option(
            names = "--format",
            defaultValue = "table",
            converter = FormatConverter.class,
            description = "table (default), csv or json.")
    Format format;

    @Option(names = "--months", defaultValue = "12", description = "Months of movements, 1-36 (default 12).")
    int months;

    @Override
    public Integer call() {
        Logs.toStderr(); // stdout is the report: `report --format json > r.json`
        Main.logFormat(main.env, "TEXT");
        if (months < 1 || months > 36) {
            main.err.println("--months must be between 1 and 36");
            return Main.CONFIG;
        }
        ServerConfig config = ServerConfig.fromEnv(main.env);
        PlanCatalog plans = plans(config);
        Analytics.Report report;
        try (BillingStores stores = ServeMode.openStores(config)) {
            report = new RevenueAnalytics(stores.analytics(), plans, Clock.systemUTC()).report(months);
        }
        print(report, format, main.out);
        return Main.OK;
    }

    /**
     * The catalog with its lookup keys resolved as {@code serve} resolves them, so that subscriptions on prices the
     * plan file gives by amount count under their tier. Stripe out of reach leaves them under "unknown", with a
     * warning: the figures themselves need only the store.
     */
    private static PlanCatalog plans(ServerConfig config) {
        try {
            return ServeMode.plans(config);
        } catch (RuntimeException e) {
            // Not a static field: picocli builds this class before the log format is chosen (Main.logFormat).
            LoggerFactory.getLogger(ReportCommand.class)
                    .warn(
                            "The plan file's prices given by amount could not be looked up in Stripe ({}): their "
                                    + "subscriptions count under tier \"unknown\"",
                            e.getMessage());
            return config.plans();
        }
    }

    static void print(Analytics.Report report, Format format, PrintStream out) {
        if (format == Format.JSON) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("revenue", AnalyticsResponses.RevenueView.of(report.revenue()));
            doc.put("subscriptions", AnalyticsResponses.SubscriptionBreakdownView.of(report.subscriptions()));
            doc.put("movements", AnalyticsResponses.MovementsView.of(report.movements()));
            doc.put("usage", AnalyticsResponses.UsageView.of(report.usage()));
            out.println(new JsonCodec().writeString(doc));
            return;
        }
        List<String[]> rows = rows(report);
        if (format == Format.CSV) {
            rows.forEach(r -> out.println(String.join(",", csv(r))));
            return;
        }
        out.println("Revenue as of " + report.revenue().asOf().truncatedTo(ChronoUnit.SECONDS)
                + " (minor units per currency)");
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == 0 ? "" : "  ");
                // Numbers right-aligned in the value column, so that their digits line up.
                boolean right =
                        r > 0 && i == row.length - 1 && NUMBER.matcher(row[i]).matches();
                line.append(pad(row[i], widths[i], right));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** The header, then one row per figure: the same rows in both text formats. */
    private static List<String[]> rows(Analytics.Report report) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (Analytics.CurrencyRevenue c : report.revenue().currencies()) {
            rows.add(row("revenue", "mrr", c.currency(), "mrr", c.mrr()));
            rows.add(row("revenue", "arr", c.currency(), "arr", c.arr()));
            rows.add(row("revenue", "trialing_mrr", c.currency(), "trialing_mrr", c.trialingMrr()));
            rows.add(row("revenue", "canceling_mrr", c.currency(), "canceling_mrr", c.cancelingMrr()));
            rows.add(row("revenue", "past_due_mrr", c.currency(), "past_due_mrr", c.pastDueMrr()));
            rows.add(row("revenue", "revenue_at_risk", c.currency(), "revenue_at_risk", c.revenueAtRisk()));
        }
        Analytics.PaymentHealth p = report.revenue().payments();
        rows.add(row("payments", "failed_payment_rate", "", "rate", p.failedPaymentRate()));
        rows.add(row("payments", "past_due_rate", "", "rate", p.pastDueRate()));
        rows.add(row(
                "trials",
                "conversion",
                "",
                "converted/ended",
                report.revenue().trials().converted() + "/"
                        + report.revenue().trials().ended()));
        report.revenue()
                .purchases()
                .forEach(m -> rows.add(
                        row("purchases", m.month().toString(), m.currency(), "amount_total", m.amountTotal())));
        report.revenue()
                .refunds()
                .forEach(m -> rows.add(row("refunds", m.month().toString(), m.currency(), "amount", m.amount())));
        report.subscriptions()
                .groups()
                .forEach(g ->
                        rows.add(row("subscriptions", g.tier(), g.status().stripeName(), "count", g.subscriptions())));
        report.movements()
                .months()
                .forEach(m -> rows.add(row(
                        "movements",
                        m.month().toString(),
                        "",
                        "new/reactivated/churned",
                        m.newSubscriptions() + "/" + m.reactivated() + "/" + m.churned())));
        report.usage()
                .meters()
                .forEach(u -> rows.add(row(
                        "usage",
                        u.tier(),
                        u.meter(),
                        "used/accounts",
                        u.used() + "/" + u.accounts()
                                + (u.utilisation() == null
                                        ? ""
                                        : String.format(Locale.ROOT, " (%.1f%% of quota)", u.utilisation() * 100)))));
        return rows;
    }

    private static String[] row(String section, String key, String sub, String figure, Object value) {
        return new String[] {section, key, sub, figure, String.valueOf(value)};
    }

    private static String[] csv(String[] row) {
        String[] out = row.clone();
        for (int i = 0; i < out.length; i++) {
            String text = out[i];
            if (text.contains(",") || text.contains("\"") || text.contains(" ") || text.contains("\n")) {
                out[i] = "\"" + text.replace("\"", "\"\"") + "\"";
            }
        }
        return out;
    }

    private static String pad(String text, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - text.length()));
        return right ? fill + text : text + fill;
    }

    /** Lower-case names on the command line. */
    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            try {
                return Format.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("--format must be table, csv or json");
            }
        }
    }
}
