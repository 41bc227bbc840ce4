package dev.billing.admin;

import dev.billing.core.Billing;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.Page;
import dev.billing.core.model.event.InboxCounts;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The webhook inbox (Stripe's events and Clerk's): events by status, newest first, each with a replay button. */
final class EventPages {
    static final int PAGE_SIZE = 50;
    /**
     * An inbox event id: Stripe's ({@code evt_...}) or, for Clerk's membership events ({@code clerk.*} types), the
     * Svix message id Clerk sent it under ({@code msg_...}), as {@code ClerkWebhookVerifier} accepts it.
     */
    private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9_-]{1,255}");

    private static final Pattern CURSOR = Pattern.compile("[A-Za-z0-9_=:.+/-]{1,255}");

    private final Billing billing;

    EventPages(Billing billing) {
        this.billing = billing;
    }

    AdminDashboard.Answer list(Views views, String csrf, String statusParam, String cursor, String replayed) {
        InboxStatus status = status(statusParam);
        if (cursor != null && !cursor.isEmpty() && !CURSOR.matcher(cursor).matches()) {
            throw new InvalidRequestException("invalid_cursor", "cursor", "That page link is malformed.");
        }
        Page<InboxEntry> page = billing.useCases()
                .listInboxEvents()
                .list(status, cursor == null || cursor.isEmpty() ? null : cursor, PAGE_SIZE);
        Map<String, Object> m = Views.model(csrf, "Webhook events", "events");
        String statusName = status == null ? "" : status.wireName();
        m.put("status", statusName);
        List<Map<String, Object>> filters = new ArrayList<>();
        filters.add(filter("", "all", status == null));
        for (InboxStatus s : InboxStatus.values()) {
            filters.add(filter(s.wireName(), s.wireName(), s == status));
        }
        m.put("filters", filters);
        InboxCounts counts = billing.useCases().listInboxEvents().counts();
        m.put(
                "counts",
                counts.counts().keySet().stream()
                        .map(s -> Map.of("status", s.wireName(), "count", Format.count(counts, s)))
                        .toList());
        m.put("events", page.items().stream().map(EventPages::row).toList());
        m.put("empty", page.items().isEmpty());
        if (page.hasMore() && page.nextCursor() != null) {
            m.put("next", "/admin/events?status=" + enc(statusName) + "&cursor=" + enc(page.nextCursor()));
        }
        if (replayed != null && EVENT_ID.matcher(replayed).matches()) {
            billing.stores()
                    .inbox()
                    .find(replayed)
                    .ifPresent(e -> m.put(
                            "replayed",
                            Map.of(
                                    "id",
                                    e.event().id(),
                                    "status",
                                    e.status().wireName(),
                                    "error",
                                    Format.clip(e.lastError(), 300))));
        }
        return AdminDashboard.Html.ok(views.render("events", m));
    }

    AdminDashboard.Answer replay(String eventId, String statusParam) {
        if (!EVENT_ID.matcher(eventId).matches()) {
            throw new InvalidRequestException(
                    "invalid_event_id", "id", "That is not an inbox event id (Stripe's evt_..., or Clerk's msg_...).");
        }
        InboxStatus status = status(statusParam);
        billing.useCases().replayEvent().replay(eventId);
        return AdminDashboard.Redirect.to(
                "/admin/events?status=" + enc(status == null ? "" : status.wireName()) + "&replayed=" + enc(eventId));
    }

    private static InboxStatus status(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        return InboxStatus.parse(value)
                .orElseThrow(() -> new InvalidRequestException(
                        "invalid_status", "status", "status must be pending, processed, ignored or failed."));
    }

    private static Map<String, Object> filter(String value, String label, boolean current) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("value", value);
        f.put("label", label);
        f.put("current", current);
        return f;
    }

    private static Map<String, Object> row(InboxEntry e) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", e.event().id());
        r.put("type", e.event().type());
        r.put("status", e.status().wireName());
        r.put("failed", e.status() == InboxStatus.FAILED);
        r.put("attempts", e.attempts());
        r.put("error", Format.clip(e.lastError(), 160));
        r.put("received", Format.time(e.receivedAt()));
        return r;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
