package dev.billing.server.invariants;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The notice log as {@code GET /admin/notices} lists it, against the inbox: what users were told, and how often. */
final class NoticeInvariants {
    private NoticeInvariants() {}

    /**
     * Each event's notice went out at most once (sent, or skipped for want of an address), however often the event
     * was delivered, replayed, retried after a fault or taken over by another instance's worker; a failed attempt is
     * retried, so it may come before the one that went out. Notices are what a user sees twice.
     */
    static void deliveredOncePerEvent(Run r) {
        Map<String, List<String>> delivered = new LinkedHashMap<>();
        Set<String> logged = new TreeSet<>();
        for (JsonNode n : r.adminList("/admin/notices")) {
            if (!n.path("status").asText().equals("failed")) {
                logged.add(n.path("eventId").asText());
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
        markedAsLogged(r, logged);
    }

    /**
     * The inbox marks an event notified exactly when its notice went out: a mark without a notice in the log is a
     * notice lost (never sent, or sent unlogged), a notice without the mark one that the event's next attempt (a
     * replay, a retry) sends again. Events retention deleted from the inbox keep their notices in the log.
     */
    private static void markedAsLogged(Run r, Set<String> logged) {
        Map<String, Boolean> held = r.world.inboxNotified();
        Set<String> unlogged = new TreeSet<>();
        held.forEach((event, notified) -> {
            if (notified && !logged.contains(event)) {
                unlogged.add(event);
            }
        });
        Set<String> unmarked = new TreeSet<>();
        for (String event : logged) {
            if (held.get(event) == Boolean.FALSE) {
                unmarked.add(event);
            }
        }
        if (!unlogged.isEmpty() || !unmarked.isEmpty()) {
            throw new AssertionError("the inbox marks events notified that the notice log has no notice of: " + unlogged
                    + "; the log has notices of events the inbox holds unmarked: " + unmarked);
        }
    }
}
