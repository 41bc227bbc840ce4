package dev.billing.server.invariants;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.model.Charge;
import com.stripe.model.Customer;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import dev.billing.emulator.FaultKind;
import dev.billing.emulator.RecordedRequest;
import dev.billing.testkit.Await;
import dev.billing.testkit.http.Http;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The whole-system invariants, checked after every step of every sequence. Each reads the server through its HTTP
 * API (or the store, for what no route shows) and holds it against Stripe's own objects or the test's model, never
 * against the server's own arithmetic.
 */
final class Invariants {

    private Invariants() {}

    static void check(Run r) {
        // First: a delivery lost explains whatever the checks after it would find.
        DeliveryInvariants.check(r);
        StripeTruth stripe = new StripeTruth(r.world);
        List<Subscription> seen = new ArrayList<>();
        for (Party p : r.parties) {
            if (!p.erased) {
                RetiredCustomers.stayRetired(r, p, stripe);
            }
            if (p.erased || r.customer(p) == null) {
                continue;
            }
            List<Subscription> atStripe = stripe.subscriptions(p.customerId);
            seen.addAll(atStripe);
            oneLiveSubscriptionOrFlagged(r, p, atStripe);
            projectionFollowsStripe(r, p, atStripe);
            entitlementsFollowStripe(r, p, atStripe);
            List<Charge> charges = stripe.charges(p.customerId);
            moneyMatchesStripe(r, p, stripe, charges);
            auditOncePerChange(r, p);
            claimedPurchasesAreTheClaimers(r, p);
            Cards.chargedTheListedCard(r, p, charges, atStripe);
        }
        refundsAuditedOnce(r);
        NoticeInvariants.deliveredOncePerEvent(r);
        oneCustomerEach(r, stripe);
        membersFollowClerk(r, stripe);
        seatsSentOnlyRose(r);
        if (r.world.seatLeasesHeld() != 0) {
            // A lease left behind holds the organization's next seat update up for a minute.
            throw new AssertionError("auto-seats leases outlived their work: " + r.world.seatLeasesHeld() + " held");
        }
        RevenueInvariants.analyticsMatchStripe(r, stripe);
        MeteredUsage.reachesStripe(r);
        PersonalDataInvariants.erasedAppearNowhere(r.world);
        serviceChangesNameTheKey(r);
        r.pastDue.observe(seen, r.world.emulator.now());
    }

    /**
     * One Stripe customer per account: Stripe holds at most one customer (not deleted) whose metadata names a party
     * not erased, and that one is the party's linked customer. Two would be two bills for one person.
     */
    static void oneCustomerEach(Run r, StripeTruth stripe) {
        Map<String, List<String>> byAccount = new HashMap<>();
        for (Customer c : stripe.customers()) {
            String account = c.getMetadata() == null ? null : c.getMetadata().get("user_id");
            if (account != null) {
                byAccount.computeIfAbsent(account, a -> new ArrayList<>()).add(c.getId());
            }
        }
        for (Party p : r.parties) {
            List<String> held = byAccount.getOrDefault(p.account, List.of());
            if (p.erased || held.isEmpty()) {
                continue;
            }
            if (held.size() > 1 || !held.get(0).equals(r.customer(p))) {
                throw new AssertionError(p + " has Stripe customers " + held + ", its link names " + r.customer(p));
            }
        }
    }

    /**
     * Every audit entry a service key's request caused names that key and a request ({@code service:<id>:<req>}),
     * also after an erasure of the party it acted for.
     */
    static void serviceChangesNameTheKey(Run r) {
        if (r.serviceKeyId == null) {
            return;
        }
        for (Party p : r.parties) {
            for (JsonNode e : AuditTrail.of(r, "userId=" + Run.encode(p.erased ? pseudonym(p) : p.account))) {
                String cause = e.path("cause").asText("");
                String named = "service:" + r.serviceKeyId + ":";
                if (cause.startsWith("service:") && (!cause.startsWith(named) || cause.length() == named.length())) {
                    throw new AssertionError(p + "'s audit entry " + e + " names another key or no request");
                }
            }
        }
    }

    private static String pseudonym(Party p) {
        return dev.billing.core.model.UserId.of(p.account).pseudonym().value();
    }

    /**
     * At most one live subscription per party at Stripe, or the documented action taken and visible: with
     * {@code cancel} a newer one is cancelled (so at most one stays live), with {@code flag} each newer one is kept;
     * either way each newer one has exactly one {@code subscription.duplicate} audit entry and is listed by
     * {@code GET /admin/subscriptions/duplicates}, as live or not as Stripe has it.
     */
    static void oneLiveSubscriptionOrFlagged(Run r, Party p, List<Subscription> atStripe) {
        List<Subscription> live = atStripe.stream()
                .filter(StripeTruth::live)
                .sorted(java.util.Comparator.comparing(Subscription::getCreated).thenComparing(Subscription::getId))
                .toList();
        if (live.size() > 1 && r.world.duplicates.equals("cancel")) {
            throw new AssertionError(p + " has " + live.size() + " live subscriptions at Stripe: "
                    + live.stream().map(s -> s.getId() + ":" + s.getStatus()).toList());
        }
        Map<String, JsonNode> listed = new HashMap<>();
        for (JsonNode d : r.adminList("/admin/subscriptions/duplicates")) {
            if (listed.put(d.path("subscriptionId").asText(), d) != null) {
                throw new AssertionError(
                        "duplicate subscription " + d.path("subscriptionId").asText() + " is listed twice");
            }
        }
        Map<String, Integer> entries = AuditTrail.countByEntity(r, "subscription.duplicate");
        for (Subscription newer : live.subList(Math.min(1, live.size()), live.size())) {
            if (entries.getOrDefault(newer.getId(), 0) != 1
                    || !listed.containsKey(newer.getId())
                    || !listed.get(newer.getId()).path("live").asBoolean()) {
                throw new AssertionError(p + " holds a second live subscription " + newer.getId()
                        + " that is not flagged once and listed as live: entries "
                        + entries.getOrDefault(newer.getId(), 0) + ", listed " + listed.get(newer.getId()));
            }
        }
        for (Subscription s : atStripe) {
            int n = entries.getOrDefault(s.getId(), 0);
            JsonNode row = listed.get(s.getId());
            if (n > 1
                    || (n == 1) != (row != null)
                    || row != null && row.path("live").asBoolean() != StripeTruth.live(s)) {
                throw new AssertionError(p + "'s subscription " + s.getId() + " (" + s.getStatus() + ") has " + n
                        + " subscription.duplicate entries and is listed as " + row);
            }
        }
    }

    /** Every subscription Stripe holds for the party, the API shows as Stripe has it (I4: the projection converges). */
    static void projectionFollowsStripe(Run r, Party p, List<Subscription> atStripe) {
        Map<String, JsonNode> shown = new HashMap<>();
        for (JsonNode s : r.get(p, "/stripe/subscriptions").json().path("data")) {
            shown.put(s.path("id").asText(), s);
        }
        for (Subscription s : atStripe) {
            JsonNode api = shown.get(s.getId());
            SubscriptionItem item = StripeTruth.planItem(s);
            String expected =
                    s.getStatus() + " " + (item == null ? null : item.getPrice().getId()) + " x"
                            + (item == null ? null : item.getQuantity())
                            + (Boolean.TRUE.equals(s.getCancelAtPeriodEnd()) ? " canceling" : "");
            String actual = api == null
                    ? "absent"
                    : api.path("status").asText() + " "
                            + api.path("priceId").asText(null) + " x"
                            + api.path("quantity").asLong()
                            + (api.path("cancelAtPeriodEnd").asBoolean() ? " canceling" : "");
            if (!expected.equals(actual)) {
                throw new AssertionError(p + "'s subscription " + s.getId() + " is " + expected
                        + " at Stripe but the API shows " + actual);
            }
            r.pastDue.sinceDatesTheTurn(p, s, api, r.world, r.world.emulator.now());
        }
    }

    /**
     * Entitlements follow Stripe on billing's clock (the emulator's, which the server runs on): the tier the API grants
     * the party is the highest that Stripe's subscriptions grant now. Active or trialing, their plan's; past due, until
     * the grace after it fell due (the unpaid period's start, or the later moment it turned past due: a failed charge
     * mid-period; {@link PastDueWindows}); any other status, none; with none at all, free. A grace that may end within
     * a minute of now is skipped: the API answered a moment after this was read, and either tier is right then.
     * Every instance of {@code serve} must show it.
     */
    static void entitlementsFollowStripe(Run r, Party p, List<Subscription> atStripe) {
        Instant now = r.world.emulator.now();
        String expected = "free";
        int expectedRank = 0;
        Map<String, Instant[]> graceEnds = new HashMap<>();
        for (Subscription s : atStripe) {
            SubscriptionItem item = StripeTruth.planItem(s);
            boolean grants = s.getStatus().equals("active") || s.getStatus().equals("trialing");
            if (item != null && s.getStatus().equals("past_due")) {
                Instant[] start = r.pastDue.graceStart(s, item.getCurrentPeriodStart(), now);
                if (start == null) {
                    return; // it may have turned past due while the test did not look
                }
                Instant earliest = start[0].plus(World.GRACE);
                Instant latest = start[1].plus(World.GRACE);
                graceEnds.put(s.getId(), new Instant[] {earliest, latest});
                if (!now.isBefore(earliest.minus(Duration.ofMinutes(1)))
                        && !now.isAfter(latest.plus(Duration.ofMinutes(1)))) {
                    return;
                }
                grants = now.isBefore(earliest);
            }
            if (!grants || item == null) {
                continue;
            }
            String priceId = item.getPrice().getId(); // price_<tier>_<interval>
            String tier = priceId.substring("price_".length(), priceId.lastIndexOf('_'));
            int rank = World.TIER_RANKS.get(tier);
            if (rank > expectedRank) {
                expected = tier;
                expectedRank = rank;
            }
        }
        String granted = expected;
        for (Http via : r.world.everyInstance()) {
            eventually(r, () -> entitlementsShown(r, via, p, granted, atStripe, graceEnds, now));
        }
    }

    /**
     * What one instance shows the party: the tier Stripe's subscriptions grant, a grace end within its bounds, and
     * for a per-seat plan the members Clerk's events say the organization has.
     */
    private static void entitlementsShown(
            Run r,
            Http via,
            Party p,
            String expected,
            List<Subscription> atStripe,
            Map<String, Instant[]> graceEnds,
            Instant now) {
        JsonNode shown =
                r.get(via, p, p.org ? "/entitlements" : "/me/entitlements").json();
        if (!expected.equals(shown.path("tier").asText())) {
            List<String> stripe = atStripe.stream()
                    .map(s -> s.getId() + " " + s.getStatus() + " "
                            + (StripeTruth.planItem(s) == null
                                    ? null
                                    : StripeTruth.planItem(s).getPrice().getId() + " from "
                                            + Instant.ofEpochSecond(
                                                    StripeTruth.planItem(s).getCurrentPeriodStart())))
                    .toList();
            throw new AssertionError(p + " is granted " + shown.path("tier").asText() + " (" + shown + ") but Stripe's "
                    + "subscriptions grant " + expected + " at " + now + ": " + stripe);
        }
        graceEndsWithinTheirBounds(p, shown, graceEnds);
        JsonNode used = shown.path("seats").path("seatsUsed");
        if (p.org && !r.members.isEmpty() && used.isNumber() && used.asLong() != r.expectedMembers()) {
            throw new AssertionError(p + " is shown " + used.asLong() + " seats used (" + shown + ") for "
                    + r.expectedMembers() + " members by Clerk's events");
        }
    }

    /**
     * A check of what one instance answers. With several instances, one may answer before it has heard, through the
     * store's record of changes, what another changed (about a second): the check is then waited for, and fails
     * with its own message when it never holds. The cached answers of that world outlive any wait (a day), so only
     * that record can make it hold.
     */
    private static void eventually(Run r, Runnable check) {
        if (r.world.everyInstance().size() == 1) {
            check.run();
            return;
        }
        AssertionError[] last = {null};
        try {
            Await.until("an answer of every instance agrees with the store", () -> {
                try {
                    check.run();
                    return true;
                } catch (AssertionError e) {
                    last[0] = e;
                    return false;
                }
            });
        } catch (AssertionError timeout) {
            throw last[0] == null ? timeout : new AssertionError(timeout.getMessage() + ": " + last[0].getMessage());
        }
    }

    /** The grace end the API shows for a past-due grant lies within what the checks around its turn allow. */
    private static void graceEndsWithinTheirBounds(Party p, JsonNode shown, Map<String, Instant[]> graceEnds) {
        Instant[] bounds = graceEnds.get(shown.path("subscriptionId").asText());
        if (bounds == null || !shown.hasNonNull("graceEndsAt")) {
            return;
        }
        Instant shownEnd = Instant.parse(shown.path("graceEndsAt").asText());
        // billing dates the turn to the second
        if (shownEnd.isBefore(bounds[0].minusSeconds(1)) || shownEnd.isAfter(bounds[1].plusSeconds(1))) {
            throw new AssertionError(p + "'s grace ends at " + shownEnd + " (" + shown + "), outside " + bounds[0]
                    + " .. " + bounds[1] + " that the checks around its turn to past due allow");
        }
    }

    /**
     * Money: what the API says the party paid (paid invoices plus one-time purchases, less refunds) is what Stripe
     * charged it, less what Stripe refunded. A claimed guest purchase was charged to the guest's customer: its charge
     * counts for the party that claimed it.
     */
    static void moneyMatchesStripe(Run r, Party p, StripeTruth stripe, List<Charge> customersCharges) {
        long invoices = 0;
        String cursor = null;
        do {
            JsonNode page = r.get(
                            p,
                            "/stripe/invoices?limit=100"
                                    + (cursor == null ? "" : "&startingAfter=" + Run.encode(cursor)))
                    .json();
            for (JsonNode i : page.path("data")) {
                invoices += i.path("amountPaid").asLong();
            }
            cursor = page.path("hasMore").asBoolean() ? page.path("nextCursor").asText() : null;
        } while (cursor != null);
        long purchases = 0;
        Set<String> elsewhere = new HashSet<>();
        Set<String> ownIntents = new HashSet<>();
        customersCharges.forEach(c -> ownIntents.add(c.getPaymentIntent()));
        for (JsonNode purchase : r.get(p, "/stripe/purchases").json().path("data")) {
            purchases += purchase.path("amountTotal").asLong();
            // A claimed guest purchase, or one made through a customer since deleted: charged to another customer.
            String intent = purchase.path("paymentIntentId").asText();
            if (!ownIntents.contains(intent)) {
                elsewhere.add(intent);
            }
        }
        // The invoices the API lists are the linked customer's: refunds of a deleted customer's invoice payments are
        // listed, but their charges are not counted.
        Set<String> uncounted = new HashSet<>();
        for (String retired : p.retiredCustomers) {
            stripe.charges(retired).stream()
                    .filter(c -> !elsewhere.contains(c.getPaymentIntent()))
                    .forEach(c -> uncounted.add(c.getPaymentIntent()));
        }
        long refunds = 0;
        for (JsonNode refund : r.get(p, "/stripe/refunds").json().path("data")) {
            String status = refund.path("status").asText();
            if (!status.equals("failed")
                    && !status.equals("canceled")
                    && !uncounted.contains(refund.path("paymentIntentId").asText())) {
                refunds += refund.path("amount").asLong();
            }
        }
        List<Charge> charges = new ArrayList<>(customersCharges);
        elsewhere.stream().map(stripe::charge).filter(Objects::nonNull).forEach(charges::add);
        long charged = 0;
        long refunded = 0;
        for (Charge c : charges) {
            if ("succeeded".equals(c.getStatus())) {
                charged += c.getAmount();
                refunded += c.getAmountRefunded();
            }
        }
        if (invoices + purchases - refunds != charged - refunded) {
            throw new AssertionError(p + ": the API shows paid invoices " + invoices + " + purchases " + purchases
                    + " - refunds " + refunds + " = " + (invoices + purchases - refunds) + ", but Stripe charged "
                    + charged + " and refunded " + refunded + " = " + (charged - refunded));
        }
    }

    /**
     * Every billing state change has exactly one audit entry: each subscription's entries, replayed from its
     * creation, pass through each change once (an entry's "from" is the state the previous ones left) and end where
     * the API shows it; one link, one {@code invoice.paid} per paid invoice, one {@code purchase.recorded} per
     * purchase (the refunds' entries: {@link #refundsAuditedOnce}).
     */
    static void auditOncePerChange(Run r, Party p) {
        List<JsonNode> entries = AuditTrail.of(r, "userId=" + Run.encode(p.account));
        Map<String, Integer> counts = new HashMap<>();
        Map<String, List<JsonNode>> bySubscription = new LinkedHashMap<>();
        for (JsonNode e : entries) {
            counts.merge(e.path("type").asText() + " " + e.path("entityId").asText(), 1, Integer::sum);
            if (e.path("type").asText().startsWith("subscription.")) {
                bySubscription
                        .computeIfAbsent(e.path("entityId").asText(), k -> new ArrayList<>())
                        .add(e);
            }
        }
        expectOnce(p, counts, "customer.linked " + p.customerId);
        for (String retired : p.retiredCustomers) {
            expectOnce(p, counts, "customer.linked " + retired);
            expectOnce(p, counts, "customer.deleted " + retired);
        }
        for (JsonNode s : r.get(p, "/stripe/subscriptions").json().path("data")) {
            String id = s.path("id").asText();
            AuditTrail.replay(p, id, bySubscription.getOrDefault(id, List.of()), s);
        }
        for (JsonNode i : r.get(p, "/stripe/invoices?limit=100").json().path("data")) {
            if (i.path("status").asText().equals("paid")) {
                expectOnce(p, counts, "invoice.paid " + i.path("id").asText());
            }
        }
        Map<String, Integer> recorded = AuditTrail.countByEntity(r, "purchase.recorded");
        for (JsonNode purchase : r.get(p, "/stripe/purchases").json().path("data")) {
            String id = purchase.path("id").asText();
            if (recorded.getOrDefault(id, 0) != 1) {
                throw new AssertionError(p + "'s purchase " + id + " has " + recorded.getOrDefault(id, 0)
                        + " purchase.recorded entries, not one");
            }
        }
    }

    /**
     * One {@code refund.created} per refund an admin made and per refund listed for a party, caused by the admin's
     * request for the admin's, by a Stripe event for any other (the Dashboard's, billing's own of a duplicate). Read
     * once per step, not once per party.
     */
    static void refundsAuditedOnce(Run r) {
        Map<String, List<String>> refunds = new HashMap<>();
        for (JsonNode e : AuditTrail.of(r, "type=refund.created")) {
            refunds.computeIfAbsent(e.path("entityId").asText(), k -> new ArrayList<>())
                    .add(e.path("cause").asText());
        }
        Set<String> made = new LinkedHashSet<>(r.adminRefunds.keySet());
        for (Party p : r.parties) {
            if (!p.erased && r.customer(p) != null) {
                r.get(p, "/stripe/refunds")
                        .json()
                        .path("data")
                        .forEach(f -> made.add(f.path("id").asText()));
            }
        }
        for (String refund : made) {
            String by = r.adminRefunds.containsKey(refund) ? "admin:" : "event:";
            List<String> causes = refunds.getOrDefault(refund, List.of());
            if (causes.size() != 1 || !causes.get(0).startsWith(by)) {
                throw new AssertionError("refund " + refund + " has refund.created entries caused by " + causes
                        + ", not one caused by " + by);
            }
        }
    }

    private static void expectOnce(Party p, Map<String, Integer> counts, String key) {
        int n = counts.getOrDefault(key, 0);
        if (n != 1) {
            throw new AssertionError(p + " has " + n + " audit entries " + key + ", not one");
        }
    }

    /**
     * The organization's member count is what Clerk's events say (the latest change of each member wins), and with
     * auto-seats its live per-seat subscription bills that many seats (at least one).
     */
    static void membersFollowClerk(Run r, StripeTruth stripe) {
        if (r.members.isEmpty()) {
            return;
        }
        long expected = r.expectedMembers();
        long stored = r.world.stores().memberships().countActive(r.org.account);
        if (stored != expected) {
            throw new AssertionError(
                    "the organization has " + expected + " members by Clerk's events, the store " + "counts " + stored);
        }
        if (r.org.erased || r.customer(r.org) == null) {
            return;
        }
        for (Subscription s : stripe.subscriptions(r.org.customerId)) {
            SubscriptionItem item = StripeTruth.planItem(s);
            if (StripeTruth.live(s)
                    && item != null
                    && item.getPrice().getId().equals("price_team_monthly")
                    && item.getQuantity() != Math.max(1, expected)) {
                throw new AssertionError("the organization's per-seat subscription " + s.getId() + " bills "
                        + item.getQuantity() + " seats for " + expected + " members");
            }
        }
    }

    /** The export of a party holds every row of the store that refers to it. */
    static void exportIsComplete(Run r, Party p, JsonNode export) {
        PersonalDataInvariants.exportHoldsEveryRow(r, p, export);
    }

    /** Every guest purchase a user claimed is listed among the user's purchases under its own id: moved, not copied. */
    static void claimedPurchasesAreTheClaimers(Run r, Party p) {
        if (p.claimed.isEmpty()) {
            return;
        }
        Set<String> listed = new HashSet<>();
        for (JsonNode purchase : r.get(p, "/stripe/purchases").json().path("data")) {
            listed.add(purchase.path("id").asText());
        }
        List<String> missing =
                p.claimed.stream().filter(id -> !listed.contains(id)).toList();
        if (!missing.isEmpty()) {
            throw new AssertionError(
                    p + " claimed guest purchases " + missing + " that its purchases do not list: " + listed);
        }
    }

    /**
     * After members joined together, the seat quantities sent to Stripe since only rose: each update carried the
     * member count when it was sent, never an older one after a newer.
     */
    static void seatsSentOnlyRose(Run r) {
        Integer from = r.joinsFrom;
        if (from == null) {
            return;
        }
        r.joinsFrom = null;
        List<RecordedRequest> log = r.world.emulator.requestLog();
        Map<String, List<Long>> sent = new LinkedHashMap<>();
        for (RecordedRequest request : log.subList(Math.min(from, log.size()), log.size())) {
            // What Stripe did: a change answered, or done with its answer lost (the suite's Stripe faults); not a
            // replay of one, which changes nothing.
            boolean done = !request.replayed()
                    && (request.status() == 200
                            || FaultKind.ERROR_500_AFTER_APPLY.wireName().equals(request.fault())
                            || FaultKind.HANG_AFTER_APPLY.wireName().equals(request.fault()));
            Long quantity = request.method().equals("POST") && request.path().startsWith("/v1/subscriptions/") && done
                    ? firstItemQuantity(request)
                    : null;
            if (quantity != null) {
                sent.computeIfAbsent(request.path(), k -> new ArrayList<>()).add(quantity);
            }
        }
        sent.forEach((path, quantities) -> {
            for (int i = 1; i < quantities.size(); i++) {
                if (quantities.get(i) < quantities.get(i - 1)) {
                    throw new AssertionError(
                            "members joined together, yet the seats sent to " + path + " went down: " + quantities);
                }
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static Long firstItemQuantity(RecordedRequest request) {
        Object items = request.params().get("items");
        Object first = items instanceof List<?> list && !list.isEmpty()
                ? list.get(0)
                : items instanceof Map<?, ?> map ? map.get("0") : null;
        Object quantity = first instanceof Map<?, ?> item ? ((Map<String, Object>) item).get("quantity") : null;
        return quantity == null ? null : Long.valueOf(quantity.toString());
    }
}
