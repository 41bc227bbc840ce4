package dev.billing.admin;

import dev.billing.core.Billing;
import dev.billing.core.checkout.ListDuplicateSubscriptions;
import dev.billing.core.model.Page;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Duplicate subscriptions: every party found holding a second live subscription, newest first, as
 * {@code GET /admin/subscriptions/duplicates} lists them, with the ones still live (flagged, or a cancel Stripe
 * refused) marked as needing an operator.
 */
final class DuplicatePages {
    static final int PAGE_SIZE = 50;
    private final Billing billing;

    DuplicatePages(Billing billing) {
        this.billing = billing;
    }

    AdminDashboard.Answer list(Views views, String csrf, String cursor) {
        Page<ListDuplicateSubscriptions.Duplicate> page = billing.useCases()
                .listDuplicateSubscriptions()
                .list(cursor == null || cursor.isEmpty() ? null : cursor, PAGE_SIZE);
        Map<String, Object> m = Views.model(csrf, "Duplicate subscriptions", "duplicates");
        List<Map<String, Object>> rows =
                page.items().stream().map(DuplicatePages::row).toList();
        m.put("duplicates", rows);
        m.put("empty", rows.isEmpty());
        long live = page.items().stream()
                .filter(ListDuplicateSubscriptions.Duplicate::live)
                .count();
        m.put("liveCount", live);
        m.put("hasLive", live > 0);
        if (page.hasMore() && page.nextCursor() != null) {
            m.put("next", "/admin/duplicates?cursor=" + URLEncoder.encode(page.nextCursor(), StandardCharsets.UTF_8));
        }
        return AdminDashboard.Html.ok(views.render("duplicates", m));
    }

    private static Map<String, Object> row(ListDuplicateSubscriptions.Duplicate d) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", d.subscriptionId());
        r.put("found", Format.time(d.foundAt()));
        // The customer page is found by the party's user id; a customer no longer linked (erased) has none.
        r.put("userId", d.userId() == null ? null : d.userId().value());
        r.put("href", d.userId() == null ? null : CustomerPages.href(d.userId()));
        r.put("customerId", d.customerId() == null ? "" : d.customerId().value());
        r.put("kept", d.keptSubscriptionId() == null ? "" : d.keptSubscriptionId());
        r.put("handling", handling(d.handling()));
        r.put(
                "status",
                d.status() == null ? "not in the projection" : d.status().stripeName());
        r.put("statusClass", d.status() == null ? "unknown" : d.status().stripeName());
        r.put("live", d.live());
        r.put("todo", todo(d));
        return r;
    }

    /** What the setting asked for when it was found (whether Stripe did it is the status now). */
    private static String handling(String setting) {
        if ("cancel".equals(setting)) {
            return "cancel: cancel the newer and refund it";
        }
        if ("flag".equals(setting)) {
            return "flag: keep both for an operator";
        }
        return setting == null ? "" : setting;
    }

    /** What is left to do, in the words of docs/OPERATIONS.md's "Duplicate subscriptions". */
    private static String todo(ListDuplicateSubscriptions.Duplicate d) {
        if (!d.live()) {
            return "Settled: no longer live.";
        }
        if ("flag".equals(d.handling())) {
            return "Both are charged: decide with the customer which to keep, cancel the other and refund its payment.";
        }
        // Stripe refused a refund (then the cancel was not tried) or the cancel (the refund went through): the WARN
        // line says which.
        return "Stripe refused its refund or its cancel (the log says which): refund its payment if it was not, and "
                + "cancel it.";
    }
}
