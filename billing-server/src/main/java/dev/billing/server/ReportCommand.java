package dev.billing.server;

import dev.billing.core.model.Analytics;
import dev.billing.core.port.BillingStores;
import dev.billing.core.usecase.RevenueAnalytics;
import dev.billing.http.JsonCodec;
import dev.billing.http.wire.Responses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code billing-server report}: the revenue analytics of {@code /admin/analytics/*} from the store the
 * configuration names (never Stripe), as a table, CSV or the routes' JSON documents.
 */
@Command(name = "report", description = "Print revenue analytics (MRR, subscriptions, movements, quota use) "
        + "computed from the store, never from Stripe.")
final class ReportCommand implements Callable<Integer> {
    enum Format { TABLE, CSV, JSON }

    @ParentCommand
    Main main;

    @Option(names = "--format", defaultValue = "table", converter = FormatConverter.class,
            description = "table (default), csv or json.")
    Format format;

    @Option(names = "--months", defaultValue = "12", description = "Months of movements, 1-36 (default 12).")
    int months;

    @Override
    public Integer call() {
        Main.logFormat(main.env, "TEXT");
        if (months < 1 || months > 36) {
            main.err.println("--months must be between 1 and 36");
            return Main.CONFIG;
        }
        ServerConfig config = ServerConfig.fromEnv(main.env);
        Analytics.Report report;
        try (BillingStores stores = ServeMode.openStores(config)) {
            report = new RevenueAnalytics(stores.analytics(), config.plans(), Clock.systemUTC()).report(months);
        }
        print(report, format, main.out);
        return Main.OK;
    }

    static void print(Analytics.Report report, Format format, PrintStream out) {
        if (format == Format.JSON) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("revenue", Responses.RevenueView.of(report.revenue()));
            doc.put("subscriptions", Responses.SubscriptionBreakdownView.of(report.subscriptions()));
            doc.put("movements", Responses.MovementsView.of(report.movements()));
            doc.put("usage", Responses.UsageView.of(report.usage()));
            out.println(new JsonCodec().writeString(doc));
            return;
        }
        boolean csv = format == Format.CSV;
        String sep = csv ? "," : "  ";
        if (!csv) {
            out.println("Revenue as of " + report.revenue().asOf() + " (minor units per currency)");
        }
        out.println(String.join(sep, "section", "key", "currency_or_status", "figure", "value"));
        for (Analytics.CurrencyRevenue c : report.revenue().currencies()) {
            row(out, sep, "revenue", "mrr", c.currency(), "mrr", c.mrr());
            row(out, sep, "revenue", "arr", c.currency(), "arr", c.arr());
            row(out, sep, "revenue", "trialing_mrr", c.currency(), "trialing_mrr", c.trialingMrr());
            row(out, sep, "revenue", "canceling_mrr", c.currency(), "canceling_mrr", c.cancelingMrr());
            row(out, sep, "revenue", "past_due_mrr", c.currency(), "past_due_mrr", c.pastDueMrr());
            row(out, sep, "revenue", "revenue_at_risk", c.currency(), "revenue_at_risk", c.revenueAtRisk());
        }
        Analytics.PaymentHealth p = report.revenue().payments();
        row(out, sep, "payments", "failed_payment_rate", "", "rate", p.failedPaymentRate());
        row(out, sep, "payments", "past_due_rate", "", "rate", p.pastDueRate());
        row(out, sep, "trials", "conversion", "", "converted/ended",
                report.revenue().trials().converted() + "/" + report.revenue().trials().ended());
        report.revenue().purchases().forEach(m -> row(out, sep, "purchases", m.month().toString(), m.currency(),
                "amount_total", m.amountTotal()));
        report.revenue().refunds().forEach(m -> row(out, sep, "refunds", m.month().toString(), m.currency(),
                "amount", m.amount()));
        report.subscriptions().groups().forEach(g -> row(out, sep, "subscriptions", g.tier(),
                g.status().stripeName(), "count", g.subscriptions()));
        report.movements().months().forEach(m -> row(out, sep, "movements", m.month().toString(), "",
                "new/reactivated/churned", m.newSubscriptions() + "/" + m.reactivated() + "/" + m.churned()));
        report.usage().meters().forEach(u -> row(out, sep, "usage", u.tier(), u.meter(), "used/accounts",
                u.used() + "/" + u.accounts() + (u.utilisation() == null ? ""
                        : String.format(Locale.ROOT, " (%.1f%% of quota)", u.utilisation() * 100))));
    }

    private static void row(PrintStream out, String sep, String section, String key, String sub, String figure,
                            Object value) {
        String text = String.valueOf(value);
        if (",".equals(sep) && (text.contains(",") || text.contains("\"") || text.contains(" "))) {
            text = "\"" + text.replace("\"", "\"\"") + "\"";
        }
        out.println(String.join(sep, section, key, sub, figure, text));
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
