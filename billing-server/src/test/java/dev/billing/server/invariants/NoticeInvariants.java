package dev.billing.server.invariants;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.emulator.EmittedEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The notice log as {@code GET /admin/notices} lists it, against the inbox: what users were told, and how often. */
final class NoticeInvariants {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> INCOMPLETE = Set.of("incomplete");
    private static final Set<String> ACTIVE = Set.of("active", "trialing");
    private static final Set<String> ENDED = Set.of("canceled", "incomplete_expired");
    /** The statuses of a subscription that has started (paid for, or trialing), whatever it is now. */
    private static final Set<String> STARTED = Set.of("active", "trialing", "past_due", "unpaid", "paused");

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
                r.noticesSeen.put(n.path("eventId").asText(), n.path("kind").asText());
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
        owedWentOut(r);
    }

    /**
     * Every event Stripe sent about a party's customer that plainly means a notice (NOTIFICATIONS.md, "The notices")
     * has that notice in the log, once the step settled: a notice lost on the way (a fault, a retry, a replay, an
     * event taken over by another instance) is a user never told. The rules are written again here from Stripe's
     * payloads, not taken from the server. And the other way round, for every party: a notice in the log is the one
     * its event owes, so that no user is told of what did not happen (an end of what never started, a start twice).
     */
    private static void owedWentOut(Run r) {
        Set<String> customers = new HashSet<>();
        for (Party p : r.parties) {
            // An erased account's events may be redacted before they are applied, and then notify nobody; what it
            // was owed before the erasure was checked at the steps before.
            if (p.erased) {
                continue;
            }
            if (p.customerId != null) {
                customers.add(p.customerId);
            }
            customers.addAll(p.retiredCustomers);
        }
        record Sent(EmittedEvent event, JsonNode data) {}
        List<Sent> events = new ArrayList<>();
        Set<String> started = new HashSet<>();
        for (EmittedEvent e : r.stripeEmitted()) {
            JsonNode data = payload(e).path("data");
            events.add(new Sent(e, data));
            if (e.type().startsWith("customer.subscription.")
                    && STARTED.contains(data.path("object").path("status").asText(""))) {
                started.add(data.path("object").path("id").asText());
            }
        }
        List<String> missing = new ArrayList<>();
        List<String> unowed = new ArrayList<>();
        for (Sent sent : events) {
            EmittedEvent e = sent.event();
            JsonNode object = sent.data().path("object");
            String owed = owed(e.type(), object, sent.data().path("previous_attributes"));
            if (e.type().equals("customer.subscription.deleted")
                    && !started.contains(object.path("id").asText())) {
                owed = null; // ended before its first payment: never the customer's, nothing to announce
            }
            String seen = r.noticesSeen.get(e.id());
            if (owed != null
                    && !owed.equals(seen)
                    && customers.contains(object.path("customer").asText(""))) {
                missing.add(e.id() + " (" + e.type() + ") owes a " + owed + " notice, the log has "
                        + (seen == null ? "none" : "a " + seen + " one"));
            }
            if (seen != null && !seen.equals(owed)) {
                unowed.add(e.id() + " (" + e.type() + ") owes " + (owed == null ? "none" : "a " + owed + " notice")
                        + ", the log has a " + seen + " one");
            }
        }
        if (!missing.isEmpty()) {
            throw new AssertionError("notices never went out: " + missing);
        }
        if (!unowed.isEmpty()) {
            throw new AssertionError("notices nothing owed: " + unowed);
        }
    }

    /** The kind of notice a Stripe event plainly means, or null when it means none or is left to other tests. */
    private static String owed(String type, JsonNode object, JsonNode before) {
        String status = object.path("status").asText("");
        return switch (type) {
            case "invoice.paid" -> object.path("amount_paid").asLong() > 0 ? "receipt" : null;
            case "invoice.payment_failed" -> "payment-failed";
            case "invoice.upcoming" -> object.path("amount_due").asLong() > 0 ? "renewal-reminder" : null;
            case "charge.refunded" -> object.path("amount_refunded").asLong() > 0 ? "refund-issued" : null;
            case "customer.subscription.trial_will_end" -> "trial-ending";
            case "customer.subscription.created" -> ACTIVE.contains(status) ? "subscription-started" : null;
            case "customer.subscription.deleted" -> "subscription-canceled";
            case "customer.subscription.updated" -> updated(object, before);
            case "checkout.session.completed", "checkout.session.async_payment_succeeded" ->
                object.path("mode").asText("").equals("payment")
                                && object.path("payment_status").asText("").equals("paid")
                                && object.path("amount_total").asLong() > 0
                                && bought(object)
                        ? "receipt"
                        : null;
            case "payment_intent.succeeded" ->
                object.path("metadata").path("purchase_source").asText("").equals("sheet")
                                && object.path("amount_received").asLong() > 0
                                && bought(object)
                        ? "receipt"
                        : null;
            default -> null;
        };
    }

    /** A catalog item bought by the party itself: a guest's purchase has no user to tell until it is claimed. */
    private static boolean bought(JsonNode object) {
        JsonNode metadata = object.path("metadata");
        return metadata.hasNonNull("price_id")
                && !metadata.path("guest").asText("").equals("true");
    }

    /** An update means its first change of these, in order: started, ended, cancellation scheduled, plan changed. */
    private static String updated(JsonNode object, JsonNode before) {
        String status = object.path("status").asText("");
        String was = before.path("status").asText(null);
        if (was != null && INCOMPLETE.contains(was) && ACTIVE.contains(status)) {
            return "subscription-started";
        }
        if (was != null && !was.equals("canceled") && status.equals("canceled")) {
            return "subscription-canceled";
        }
        if (before.path("cancel_at_period_end").isBoolean()
                && !before.path("cancel_at_period_end").asBoolean()
                && object.path("cancel_at_period_end").asBoolean()
                && !ENDED.contains(status)) {
            return "subscription-canceled";
        }
        String from = planPrice(before);
        String to = planPrice(object);
        return from != null && to != null && !from.equals(to) ? "plan-changed" : null;
    }

    /** The price of the plan's item: the first one not metered (metered items bill usage), or null. */
    private static String planPrice(JsonNode subscription) {
        JsonNode items = subscription.path("items").path("data");
        JsonNode plan = null;
        for (JsonNode item : items) {
            if (!item.path("price")
                    .path("recurring")
                    .path("usage_type")
                    .asText("")
                    .equals("metered")) {
                plan = item;
                break;
            }
        }
        if (plan == null && items.size() > 0) {
            plan = items.get(0);
        }
        if (plan == null) {
            return null;
        }
        JsonNode price = plan.path("price");
        return price.isTextual() ? price.asText() : price.path("id").asText(null);
    }

    private static JsonNode payload(EmittedEvent e) {
        try {
            return JSON.readTree(e.json());
        } catch (JsonProcessingException x) {
            throw new AssertionError("the emulator emitted an event that is not JSON: " + e.id(), x);
        }
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
