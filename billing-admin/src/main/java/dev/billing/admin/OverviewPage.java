package dev.billing.admin;

import dev.billing.core.Billing;
import dev.billing.core.model.analytics.Analytics;
import dev.billing.core.model.event.InboxCounts;
import dev.billing.core.model.event.InboxStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The overview: revenue, subscriptions by tier and status, quota use, and the inbox's failed events. */
final class OverviewPage {
    static final int CHART_MONTHS = 12;
    private final Billing billing;

    OverviewPage(Billing billing) {
        this.billing = billing;
    }

    AdminDashboard.Answer render(Views views, String csrf) {
        Map<String, Object> m = Views.model(csrf, "Overview", "overview");
        Analytics.Revenue revenue = billing.analytics().revenue();
        m.put("asOf", Format.time(revenue.asOf()));
        m.put(
                "currencies",
                revenue.currencies().stream().map(OverviewPage::currency).toList());
        m.put("noRevenue", revenue.currencies().isEmpty());
        m.put("unpriced", revenue.unpriced());
        m.put("hasUnpriced", revenue.unpriced() > 0);
        m.put("failedPaymentRate", percent(revenue.payments().failedPaymentRate()));
        m.put("paymentWindow", revenue.payments().windowDays());
        m.put("trialConversion", percent(revenue.trials().rate()));
        m.put("trialsEnded", revenue.trials().ended());
        List<Map<String, Object>> charts = charts(billing.analytics().mrrHistory(CHART_MONTHS));
        m.put("charts", charts);
        m.put("noChart", charts.isEmpty());
        Analytics.SubscriptionBreakdown breakdown = billing.analytics().subscriptions();
        m.put("subscriptionTotal", breakdown.total());
        m.put("tiers", breakdown.groups().stream().map(OverviewPage::tierStatus).toList());
        m.put("noSubscriptions", breakdown.groups().isEmpty());
        InboxCounts counts = billing.useCases().listInboxEvents().counts();
        m.put("failedEvents", Format.count(counts, InboxStatus.FAILED));
        m.put("pendingEvents", Format.count(counts, InboxStatus.PENDING));
        return AdminDashboard.Html.ok(views.render("overview", m));
    }

    /**
     * One chart per currency with any MRR in the months, months in order; none when no month had any (no priced
     * subscription yet, or only trials): an empty chart would be bars of no height and a table of zeros.
     */
    private static List<Map<String, Object>> charts(Analytics.MrrHistory history) {
        Map<String, List<MrrChart.Point>> byCurrency = new TreeMap<>();
        for (Analytics.MrrPoint p : history.points()) {
            byCurrency
                    .computeIfAbsent(p.currency(), c -> new ArrayList<>())
                    .add(new MrrChart.Point(p.month(), p.mrr()));
        }
        List<Map<String, Object>> charts = new ArrayList<>();
        byCurrency.forEach((currency, points) -> {
            if (points.stream().anyMatch(p -> p.minor() != 0)) {
                charts.add(MrrChart.of(currency, points));
            }
        });
        return charts;
    }

    private static Map<String, Object> currency(Analytics.CurrencyRevenue c) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("code", c.currency().toUpperCase(Locale.ROOT));
        r.put("id", c.currency().toLowerCase(Locale.ROOT));
        r.put("mrr", Format.money(c.mrr(), c.currency()));
        r.put("arr", Format.money(c.arr(), c.currency()));
        r.put("trialing", Format.money(c.trialingMrr(), c.currency()));
        r.put("canceling", Format.money(c.cancelingMrr(), c.currency()));
        r.put("atRisk", Format.money(c.revenueAtRisk(), c.currency()));
        return r;
    }

    private static Map<String, Object> tierStatus(Analytics.TierStatus t) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("tier", t.tier());
        r.put("status", t.status().stripeName());
        r.put("subscriptions", t.subscriptions());
        r.put("quantity", t.quantity());
        r.put("canceling", t.canceling());
        return r;
    }

    private static String percent(double rate) {
        return String.format(Locale.ROOT, "%.1f%%", rate * 100);
    }
}
