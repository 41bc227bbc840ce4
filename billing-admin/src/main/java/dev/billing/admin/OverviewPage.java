package dev.billing.admin;

import dev.billing.core.Billing;
import dev.billing.core.model.InboxStatus;

import java.time.Clock;
import java.util.Map;

/** The overview: revenue, subscriptions by tier and status, and the inbox's failed events. */
final class OverviewPage {
    private final Billing billing;
    private final Clock clock;

    OverviewPage(Billing billing, Clock clock) {
        this.billing = billing;
        this.clock = clock;
    }

    AdminDashboard.Answer render(Views views, String csrf) {
        Map<String, Object> m = Views.model(csrf, "Overview", "overview");
        Map<InboxStatus, Long> counts = billing.useCases().listInboxEvents().counts();
        m.put("failedEvents", counts.getOrDefault(InboxStatus.FAILED, 0L));
        m.put("pendingEvents", counts.getOrDefault(InboxStatus.PENDING, 0L));
        m.put("asOf", Format.time(clock.instant()));
        return AdminDashboard.Html.ok(views.render("overview", m));
    }
}
