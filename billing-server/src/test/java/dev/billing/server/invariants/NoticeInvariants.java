package dev.billing.server.invariants;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The notice log as {@code GET /admin/notices} lists it: what users were told, and how often. */
final class NoticeInvariants {
    private NoticeInvariants() {}

    /**
     * Each event's notice went out at most once (sent, or skipped for want of an address), however often the event
     * was delivered, replayed, retried after a fault or taken over by another instance's worker; a failed attempt is
     * retried, so it may come before the one that went out. Notices are what a user sees twice.
     */
    static void deliveredOncePerEvent(Run r) {
        Map<String, List<String>> delivered = new LinkedHashMap<>();
        for (JsonNode n : r.adminList("/admin/notices")) {
            if (!n.path("status").asText().equals("failed")) {
                delivered
                        .computeIfAbsent(
                                n.path("kind").asText() + " of "
                                        + n.path("eventId").asText(),
                                k -> new ArrayList<>())
                        .add(n.path("status").asText() + " at " + n.path("at").asText());
            }
        }
        delivered.forEach((notice, attempts) -> {
            if (attempts.size() > 1) {
                throw new AssertionError("the " + notice + " went out " + attempts.size() + " times: " + attempts);
            }
        });
    }
}
