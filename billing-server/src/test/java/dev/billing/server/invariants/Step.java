package dev.billing.server.invariants;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.exception.StripeException;
import com.stripe.model.Charge;
import com.stripe.param.ChargeListParams;
import dev.billing.core.config.RetentionOptions;
import dev.billing.core.model.usage.MeterReport;
import dev.billing.core.model.usage.UsageCounter;
import dev.billing.core.port.UsageLedger;
import dev.billing.core.retention.PruneExpired;
import dev.billing.emulator.Fault;
import dev.billing.emulator.FaultKind;
import dev.billing.testkit.http.Http;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What users, admins, Stripe and Clerk do, one step of a sequence. A step names parties, sessions, payments and
 * events by small numbers taken modulo what exists when it runs, so that every sequence (and every shrunk one) is
 * valid: a step that finds nothing to act on does nothing, and a refusal the API answers with a 4xx is an outcome,
 * not a failure. Each {@code toString} is the line a failing run prints.
 */
sealed interface Step {
    /** The tiers and intervals Checkout is started for; the last (per seat) only by the organization. */
    List<String[]> PLANS = List.of(
            new String[] {"basic", "month"},
            new String[] {"pro", "year"},
            new String[] {"enterprise", "month"},
            new String[] {"team", "month"});

    List<String> ITEMS = List.of("price_credits_100", "price_template_pack");
    List<String> METERS = List.of("api_calls", "exports");

    void run(Run r);

    /** How a failing run names a party: {@code user0}..{@code user2}, or {@code org}. */
    static String who(int party) {
        int p = Math.floorMod(party, Run.USERS + 1);
        return p == Run.USERS ? "org" : "user" + p;
    }

    static String user(int party) {
        return "user" + Math.floorMod(party, Run.USERS);
    }

    /** Whether the step acts on an erased party (then it is skipped: the person is gone). */
    static boolean gone(Party p) {
        return p.erased;
    }

    /**
     * Starts Checkout for a plan (a party that holds a live subscription gets 409), and pays it at once, or leaves
     * it open to be paid later (or never: abandoned).
     */
    record StartCheckout(int party, int plan, boolean payNow) implements Step {
        @Override
        public void run(Run r) {
            Party p = r.party(party);
            if (gone(p)) {
                return;
            }
            String[] chosen = PLANS.get(Math.floorMod(plan, p.org ? PLANS.size() : PLANS.size() - 1));
            String seats = chosen[0].equals("team") ? ",\"seats\":" + Math.max(1, r.expectedMembers()) : "";
            Http.Response answer = r.post(
                    p,
                    "/stripe/checkout",
                    "{\"tier\":\"" + chosen[0] + "\",\"interval\":\"" + chosen[1] + "\"" + seats + "}");
            if (answer.status() == 200) {
                String id = answer.json().path("sessionId").asText();
                p.sessions.add(id);
                if (payNow) {
                    p.tried.add(id);
                    PayCheckout.pay(r, id, false);
                }
            }
        }

        @Override
        public String toString() {
            return who(party) + " starts Checkout for plan " + plan + (payNow ? " and pays" : "");
        }
    }

    /** The buyer pays (or is declined on) one of the party's Checkout sessions, the latest or an older one. */
    record PayCheckout(int party, int session, boolean declined) implements Step {
        @Override
        public void run(Run r) {
            Party p = r.party(party);
            List<String> open =
                    p.sessions.stream().filter(id -> !p.tried.contains(id)).toList();
            if (gone(p) || open.isEmpty()) {
                return;
            }
            String id = open.get(Math.floorMod(session, open.size()));
            if (!declined) {
                p.tried.add(id);
            }
            pay(r, id, declined);
        }

        static void pay(Run r, String id, boolean declined) {
            try {
                if (declined) {
                    r.world.emulator.failCheckoutSession(id);
                } else {
                    r.world.emulator.completeCheckoutSession(id);
                }
            } catch (RuntimeException notOpen) {
                // Completed or expired already: Stripe's page would not take the payment either.
                r.log.add("session " + id + " not payable: " + notOpen.getMessage());
            }
        }

        @Override
        public String toString() {
            return who(party) + (declined ? " is declined on" : " pays") + " open Checkout session #" + session;
        }
    }

    /**
     * Opens the mobile PaymentSheet for a plan (409 for a party with a live subscription) and then, as the app would:
     * pays (0), is declined (1), leaves it unpaid (2: it expires after 23 hours, or is handed back to the next
     * sheet), or passes 3-D Secure (3). A trial's sheet saves a card instead (paid or not, the trial has started).
     */
    record Sheet(int party, int plan, int outcome) implements Step {
        @Override
        public void run(Run r) {
            Party p = r.party(party);
            if (gone(p)) {
                return;
            }
            // Not the per-seat plan: its seats follow the members, which the Checkout steps exercise.
            String[] chosen = PLANS.get(Math.floorMod(plan, PLANS.size() - 1));
            Http.Response answer = r.post(
                    p,
                    "/stripe/sheet/subscription",
                    "{\"tier\":\"" + chosen[0] + "\",\"interval\":\"" + chosen[1] + "\"}");
            if (answer.status() != 200) {
                return;
            }
            String intent = answer.json().path("intentId").asText();
            int how = Math.floorMod(outcome, 4);
            try {
                if (answer.json().has("setupIntent")) {
                    if (how != 2
                            && !"succeeded".equals(answer.json().path("status").asText())) {
                        r.world.emulator.confirmSetupIntent(intent);
                    }
                } else if (how == 0) {
                    r.world.emulator.confirmPaymentIntent(intent, null);
                } else if (how == 1) {
                    r.world.emulator.confirmPaymentIntent(intent, "4000000000000002");
                } else if (how == 3) {
                    if ("requires_action".equals(r.world.emulator.confirmPaymentIntent(intent, "4000002500003155"))) {
                        r.world.emulator.authenticatePaymentIntent(intent, true);
                    }
                }
            } catch (RuntimeException notPayable) {
                // Paid, expired or ended already: the app's sheet would say so too.
                r.log.add("sheet " + intent + " not payable: " + notPayable.getMessage());
            }
        }

        @Override
        public String toString() {
            String[] outcomes = {"pays", "is declined", "leaves it unpaid", "passes 3-D Secure"};
            return who(party) + " opens the PaymentSheet for plan " + plan + " and "
                    + outcomes[Math.floorMod(outcome, 4)];
        }
    }

    /** Buys a one-time item in the mobile PaymentSheet, and pays or is declined. */
    record SheetBuy(int party, int item, boolean declined) implements Step {
        @Override
        public void run(Run r) {
            Party p = r.user(party);
            if (gone(p)) {
                return;
            }
            Http.Response answer = r.post(
                    p,
                    "/stripe/sheet/purchase",
                    "{\"priceId\":\"" + ITEMS.get(Math.floorMod(item, ITEMS.size())) + "\"}");
            if (answer.status() == 200) {
                String intent = answer.json().path("intentId").asText();
                try {
                    r.world.emulator.confirmPaymentIntent(intent, declined ? "4000000000000002" : null);
                } catch (RuntimeException notPayable) {
                    // The same purchase within a minute is the same intent (a double tap), maybe paid already.
                    r.log.add("sheet " + intent + " not payable: " + notPayable.getMessage());
                }
            }
        }

        @Override
        public String toString() {
            return user(party) + " buys item " + item + " in the PaymentSheet" + (declined ? ", declined" : "");
        }
    }

    /** Buys a one-time item through Checkout and pays it. */
    record BuyItem(int party, int item, int quantity) implements Step {
        @Override
        public void run(Run r) {
            Party p = r.user(party);
            if (gone(p)) {
                return;
            }
            Http.Response answer = r.post(
                    p,
                    "/stripe/checkout",
                    "{\"priceId\":\"" + ITEMS.get(Math.floorMod(item, ITEMS.size())) + "\",\"quantity\":"
                            + (1 + Math.floorMod(quantity, 3)) + "}");
            if (answer.status() == 200) {
                String id = answer.json().path("sessionId").asText();
                p.sessions.add(id);
                p.tried.add(id);
                // The same purchase within a minute is the same session (a double click), maybe paid already.
                PayCheckout.pay(r, id, false);
            }
        }

        @Override
        public String toString() {
            return user(party) + " buys item " + item + " x" + (1 + Math.floorMod(quantity, 3));
        }
    }

    /** Somebody not signed in buys an item with a user's email, and pays. */
    record GuestBuy(int buyer, int item) implements Step {
        @Override
        public void run(Run r) {
            Party p = r.user(buyer);
            if (gone(p)) {
                return;
            }
            Http.Response answer = Run.checked(
                    "POST /guest/checkout",
                    r.world.http.post(
                            "/guest/checkout",
                            null,
                            "{\"priceId\":\"" + ITEMS.get(Math.floorMod(item, ITEMS.size())) + "\",\"email\":\""
                                    + p.email + "\"}"));
            if (answer.status() == 200) {
                String id = answer.json().path("sessionId").asText();
                p.guestSessions.add(id);
                r.world.emulator.completeCheckoutSession(id);
            }
        }

        @Override
        public String toString() {
            return "a guest buys item " + item + " with user" + Math.floorMod(buyer, Run.USERS) + "'s email";
        }
    }

    /** The user claims the guest purchases paid with their verified email. */
    record Claim(int party) implements Step {
        @Override
        public void run(Run r) {
            Party p = r.user(party);
            if (gone(p)) {
                return;
            }
            Http.Response answer = r.post(p, "/me/guest-purchases/claim", null);
            if (answer.status() == 200) {
                answer.json()
                        .path("data")
                        .forEach(g -> p.claimed.add(g.path("sessionId").asText()));
            }
        }

        @Override
        public String toString() {
            return user(party) + " claims guest purchases";
        }
    }

    /** Changes the live subscription's plan. */
    record ChangePlan(int party, int plan, int proration) implements Step {
        static final List<String> PRORATIONS = List.of("create_prorations", "always_invoice", "none");

        @Override
        public void run(Run r) {
            Party p = r.party(party);
            String subscription = live(r, p);
            if (subscription == null) {
                return;
            }
            String[] chosen = PLANS.get(Math.floorMod(plan, p.org ? PLANS.size() : PLANS.size() - 1));
            r.post(
                    p,
                    "/stripe/subscriptions/" + subscription + "/update",
                    "{\"tier\":\"" + chosen[0]
                            + "\",\"interval\":\"" + chosen[1] + "\",\"prorationBehavior\":\""
                            + PRORATIONS.get(Math.floorMod(proration, PRORATIONS.size())) + "\"}");
        }

        @Override
        public String toString() {
            return who(party) + " changes to plan " + plan + " with "
                    + PRORATIONS.get(Math.floorMod(proration, PRORATIONS.size()));
        }
    }

    /** Cancels the live subscription, at the period end or at once. */
    record Cancel(int party, boolean atPeriodEnd) implements Step {
        @Override
        public void run(Run r) {
            Party p = r.party(party);
            String subscription = live(r, p);
            if (subscription != null) {
                r.post(p, "/stripe/subscriptions/" + subscription + "/cancel", "{\"atPeriodEnd\":" + atPeriodEnd + "}");
            }
        }

        @Override
        public String toString() {
            return who(party) + " cancels " + (atPeriodEnd ? "at the period end" : "at once");
        }
    }

    /** Withdraws a scheduled cancellation. */
    record Resume(int party) implements Step {
        @Override
        public void run(Run r) {
            Party p = r.party(party);
            String subscription = live(r, p);
            if (subscription != null) {
                r.post(p, "/stripe/subscriptions/" + subscription + "/resume", null);
            }
        }

        @Override
        public String toString() {
            return who(party) + " resumes";
        }
    }

    /** Records usage of a meter under one of a few idempotency keys (a reused key replays or is refused). */
    record Usage(int party, int meter, int amount, int key) implements Step {
        @Override
        public void run(Run r) {
            Party p = r.user(party);
            if (gone(p)) {
                return;
            }
            String name = METERS.get(Math.floorMod(meter, METERS.size()));
            int used = 1 + Math.floorMod(amount, 40);
            Http.Response answer = r.post(
                    p,
                    "/usage",
                    "{\"meter\":\"" + name + "\",\"amount\":" + used + "}",
                    Map.of("Idempotency-Key", "use-" + r.id + "-" + Math.floorMod(key, 4)));
            MeteredUsage.counted(r, p, name, used, answer);
        }

        @Override
        public String toString() {
            return user(party) + " uses " + (1 + Math.floorMod(amount, 40)) + " of meter " + meter + " with key "
                    + Math.floorMod(key, 4);
        }
    }

    /**
     * Another backend of the product acts for a party with its service key: creates the party's customer, or records
     * usage under one of the keys the party's own usage steps use (a shared key replays or is refused alike).
     */
    record ServiceCall(int party, boolean usage, int amount, int key) implements Step {
        @Override
        public void run(Run r) {
            Party p = r.party(party);
            if (gone(p)) {
                return;
            }
            if (usage) {
                int used = 1 + Math.floorMod(amount, 40);
                Http.Response answer = r.asService(
                        p,
                        "/usage",
                        "{\"meter\":\"api_calls\",\"amount\":" + used + "}",
                        Map.of("Idempotency-Key", "use-" + r.id + "-" + Math.floorMod(key, 4)));
                MeteredUsage.counted(r, p, "api_calls", used, answer);
            } else {
                r.asService(p, "/stripe/customer", "{}", Map.of());
            }
        }

        @Override
        public String toString() {
            return "a service "
                    + (usage
                            ? "records " + (1 + Math.floorMod(amount, 40)) + " api_calls with key "
                                    + Math.floorMod(key, 4)
                            : "creates the customer")
                    + " for " + who(party);
        }
    }

    /** An admin refunds one of the party's payments, in full or in half, and maybe sends the request twice. */
    record Refund(int party, int payment, boolean half, boolean retried) implements Step {
        @Override
        public void run(Run r) {
            Party p = r.party(party);
            if (gone(p) || r.customer(p) == null) {
                return;
            }
            List<Charge> charges = refundable(r, p);
            if (charges.isEmpty()) {
                return;
            }
            Charge charge = charges.get(Math.floorMod(payment, charges.size()));
            long left = charge.getAmount() - charge.getAmountRefunded();
            String body = "{\"paymentIntentId\":\"" + charge.getPaymentIntent() + "\""
                    + (half && left > 1 ? ",\"amount\":" + left / 2 : "") + "}";
            String key = r.unique("refund-");
            Http.Response first = r.admin("POST", "/admin/refunds", body, Map.of("Idempotency-Key", key));
            if (first.status() == 200) {
                r.adminRefunds.put(first.json().path("id").asText(), key);
            }
            if (retried) {
                Http.Response again = r.admin("POST", "/admin/refunds", body, Map.of("Idempotency-Key", key));
                if (first.status() == 200
                        && !again.json()
                                .path("id")
                                .asText()
                                .equals(first.json().path("id").asText())) {
                    throw new AssertionError("a retried refund with the same Idempotency-Key made another refund: "
                            + first.body() + " then " + again.body());
                }
            }
        }

        static List<Charge> refundable(Run r, Party p) {
            List<Charge> found = new ArrayList<>();
            try {
                for (Charge c : r.world
                        .stripe
                        .charges()
                        .list(ChargeListParams.builder()
                                .setCustomer(p.customerId)
                                .setLimit(100L)
                                .build())
                        .autoPagingIterable()) {
                    if ("succeeded".equals(c.getStatus())
                            && c.getAmountRefunded() < c.getAmount()
                            && c.getPaymentIntent() != null) {
                        found.add(c);
                    }
                }
            } catch (StripeException e) {
                throw new AssertionError("the emulator's charges could not be listed", e);
            }
            found.sort(Comparator.comparing(Charge::getCreated).thenComparing(Charge::getId));
            return found;
        }

        @Override
        public String toString() {
            return "an admin refunds " + (half ? "half of " : "") + who(party) + "'s payment #" + payment
                    + (retried ? ", sending the request twice" : "");
        }
    }

    /**
     * The party pays one of its open invoices (a renewal or a change that was declined) with the card that pays: paid,
     * declined again (402 {@code card_declined}), or 409 {@code no_payment_method} while no card is listed as paying.
     */
    record PayInvoice(int party, int invoice) implements Step {
        @Override
        public void run(Run r) {
            Party p = r.party(party);
            if (gone(p) || r.customer(p) == null) {
                return;
            }
            List<String> open = new ArrayList<>();
            for (JsonNode i : r.get(p, "/stripe/invoices").json().path("data")) {
                if (i.path("status").asText().equals("open")) {
                    open.add(i.path("id").asText());
                }
            }
            if (open.isEmpty()) {
                return;
            }
            String id = open.get(Math.floorMod(invoice, open.size()));
            Http.Response paid = r.post(p, "/stripe/invoices/" + id + "/pay", null);
            boolean noCard = paid.status() == 409 && "no_payment_method".equals(paid.errorCode());
            if (noCard && Cards.paying(r, p) != null) {
                throw new AssertionError("paying " + p + "'s open invoice " + id + " answered that no card pays, but "
                        + "the API lists " + Cards.paying(r, p) + " as the one that pays");
            }
            if (paid.status() != 200
                    && !noCard
                    && !(paid.status() == 402 && "card_declined".equals(paid.errorCode()))) {
                throw new AssertionError(
                        "paying " + p + "'s open invoice " + id + " answered " + paid.status() + ": " + paid.body());
            }
        }

        @Override
        public String toString() {
            return who(party) + " pays open invoice #" + invoice;
        }
    }

    /** The party's next payment is declined (its next renewal, or a plan change invoiced at once). */
    record FailNextPayment(int party) implements Step {
        @Override
        public void run(Run r) {
            Party p = r.party(party);
            if (!gone(p) && r.customer(p) != null) {
                r.world.emulator.failNextPayment(p.customerId);
            }
        }

        @Override
        public String toString() {
            return who(party) + "'s next payment will be declined";
        }
    }

    /**
     * Stripe's time moves on, and billing's with it (the server runs on the emulator's clock): trials end, periods
     * renew, open Checkout sessions expire after a day, grace periods and quota periods run out.
     */
    record AdvanceClock(int days) implements Step {
        static final List<Integer> CHOICES = List.of(1, 2, 8, 31);

        @Override
        public void run(Run r) {
            r.world.emulator.advanceClock(Duration.ofDays(CHOICES.get(Math.floorMod(days, CHOICES.size()))));
        }

        @Override
        public String toString() {
            return "Stripe's clock and billing's advance " + CHOICES.get(Math.floorMod(days, CHOICES.size()))
                    + " day(s)";
        }
    }

    /**
     * A retention pass runs as if days had passed: handled webhook events, usage keys, notices, sent meter reports and
     * usage counters older than the defaults keep them are deleted (a later redelivery of a deleted event is then
     * recorded and processed anew). No meter report leaves before Stripe got it, no counter before its time.
     */
    record Retention(int days) implements Step {
        static final List<Integer> CHOICES = List.of(8, 31, 400);

        @Override
        public void run(Run r) {
            Duration ahead = Duration.ofDays(CHOICES.get(Math.floorMod(days, CHOICES.size())));
            UsageLedger usage = r.world.server.billing().stores().usage();
            List<UsageCounter> counters = MeteredUsage.counters(usage);
            List<String> unsent = MeteredUsage.reports(usage).stream()
                    .filter(m -> m.reportedAt() == null)
                    .map(MeterReport::identifier)
                    .toList();
            new PruneExpired(
                            r.world.server.billing().stores(),
                            RetentionOptions.defaults(),
                            Clock.offset(r.world.emulator.clock(), ahead))
                    .prune();
            // A report not yet sent is usage still to be billed: it may leave only by being sent (the background may
            // send one meanwhile, and the pass may then delete it).
            Set<String> left = MeteredUsage.reports(usage).stream()
                    .map(MeterReport::identifier)
                    .collect(Collectors.toSet());
            Set<String> sent = r.world.emulator.requestLog().stream()
                    .filter(q -> q.method().equals("POST")
                            && q.path().equals(MeteredUsage.METER_EVENTS)
                            && (q.status() == 200 || q.status() == 400)) // 400: already there, taken as sent
                    .map(q -> String.valueOf(q.params().get("identifier")))
                    .collect(Collectors.toSet());
            for (String id : unsent) {
                if (!left.contains(id) && !sent.contains(id)) {
                    throw new AssertionError("retention deleted meter report " + id + ", which Stripe never got");
                }
            }
            // A counter may leave only once its period is over by the default's 400 days (as of the pass's clock,
            // which ran no later than this).
            Instant cutOff = r.world
                    .emulator
                    .now()
                    .plus(ahead)
                    .minus(RetentionOptions.defaults().usageCounters().orElseThrow());
            Set<String> kept =
                    MeteredUsage.counters(usage).stream().map(Retention::id).collect(Collectors.toSet());
            for (UsageCounter c : counters) {
                if (!kept.contains(id(c)) && !c.period().end().isBefore(cutOff)) {
                    throw new AssertionError("retention deleted usage counter " + id(c) + ", whose period ended "
                            + c.period().end() + ", after the cut-off " + cutOff);
                }
            }
        }

        private static String id(UsageCounter c) {
            return c.userId().value() + "/" + c.meter() + "/" + c.period().start();
        }

        @Override
        public String toString() {
            return "retention runs as if " + CHOICES.get(Math.floorMod(days, CHOICES.size())) + " days had passed";
        }
    }

    /**
     * Stripe Billing Meters fail the next few reports (500): they stay in the outbox, due again later, so that a
     * retention pass meets reports not yet sent.
     */
    record MeterOutage(int times) implements Step {
        @Override
        public void run(Run r) {
            r.world.emulator.addFault(Fault.of(FaultKind.ERROR_500, "POST", "/v1/billing/meter_events")
                    .times(times));
        }

        @Override
        public String toString() {
            return "Stripe fails the next " + times + " meter report(s)";
        }
    }

    /** Stripe's deliveries from here on come twice, or each transaction's events in reverse order, or neither. */
    record WebhookChaos(boolean duplicate, boolean reorder) implements Step {
        @Override
        public void run(Run r) {
            r.world.emulator.webhooks().duplicate(duplicate ? 2 : 1).reorder(reorder);
        }

        @Override
        public String toString() {
            return "Stripe's webhooks from now: " + (duplicate ? "duplicated" : "once") + ", "
                    + (reorder ? "reordered" : "in order");
        }
    }

    /** Clerk says a member joined the organization or left it, maybe late (an older change arriving now). */
    /**
     * Starts Checkout for one plan, then for another before paying, and pays both, the newer first: the older session
     * must no longer be payable (or the second subscription must be dealt with as documented).
     */
    record CheckoutTwice(int party, int first, int second) implements Step {
        @Override
        public void run(Run r) {
            Party p = r.party(party);
            if (gone(p)) {
                return;
            }
            String older = start(r, p, first);
            String newer = start(r, p, second);
            for (String id : new String[] {newer, older}) {
                if (id != null) {
                    p.tried.add(id);
                    PayCheckout.pay(r, id, false);
                }
            }
        }

        private static String start(Run r, Party p, int plan) {
            String[] chosen = PLANS.get(Math.floorMod(plan, p.org ? PLANS.size() : PLANS.size() - 1));
            String seats = chosen[0].equals("team") ? ",\"seats\":" + Math.max(1, r.expectedMembers()) : "";
            Http.Response answer = r.post(
                    p,
                    "/stripe/checkout",
                    "{\"tier\":\"" + chosen[0] + "\",\"interval\":\"" + chosen[1] + "\"" + seats + "}");
            if (answer.status() != 200) {
                return null;
            }
            String id = answer.json().path("sessionId").asText();
            p.sessions.add(id);
            return id;
        }

        @Override
        public String toString() {
            return who(party) + " starts Checkout for plan " + first + ", then for plan " + second
                    + ", and pays both, the newer first";
        }
    }

    /**
     * Up to {@code count} members who are not in the organization join at once (Clerk's deliveries arrive
     * concurrently): the seat updates they cause must only rise (checked once they have landed).
     */
    record JoinTogether(int count) implements Step {
        @Override
        public void run(Run r) {
            List<Run.ClerkDelivery> joins = new ArrayList<>();
            for (String id : r.memberIds) {
                boolean active = r.members.containsKey(id) && r.members.get(id).active();
                boolean erased = r.parties.stream().anyMatch(p -> p.account.equals(id) && p.erased);
                if (!active && !erased && joins.size() < count) {
                    joins.add(r.membershipEvent(id, true, 0));
                }
            }
            if (joins.size() < 2) {
                joins.forEach(r::deliverClerk);
                return;
            }
            r.joinsFrom = r.world.emulator.requestLog().size();
            java.util.concurrent.ExecutorService senders =
                    java.util.concurrent.Executors.newFixedThreadPool(joins.size());
            try {
                java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
                List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
                for (Run.ClerkDelivery join : joins) {
                    sent.add(senders.submit(() -> {
                        start.await();
                        r.deliverClerk(join);
                        return null;
                    }));
                }
                start.countDown();
                for (java.util.concurrent.Future<?> f : sent) {
                    f.get(2, java.util.concurrent.TimeUnit.MINUTES);
                }
            } catch (Exception e) {
                throw new AssertionError("members joining together: " + e, e);
            } finally {
                senders.shutdownNow();
            }
        }

        @Override
        public String toString() {
            return "Clerk: up to " + count + " members join at once";
        }
    }

    record Membership(int member, boolean joined, boolean late) implements Step {
        @Override
        public void run(Run r) {
            String id = r.memberIds.get(Math.floorMod(member, r.memberIds.size()));
            boolean erased = r.parties.stream().anyMatch(p -> p.account.equals(id) && p.erased);
            if (erased && joined) {
                return; // an erased person does not come back; Clerk may still report their leaving
            }
            r.membership(id, joined, late ? 4 : 0);
        }

        @Override
        public String toString() {
            return "Clerk: member " + member + (joined ? " joined" : " left") + (late ? " (delivered late)" : "");
        }
    }

    /** Stripe or Clerk delivers one of the sequence's earlier events again. */
    record Redeliver(int event, boolean clerk) implements Step {
        @Override
        public void run(Run r) {
            if (clerk) {
                if (!r.clerkDeliveries.isEmpty()) {
                    r.deliverClerk(r.clerkDeliveries.get(Math.floorMod(event, r.clerkDeliveries.size())));
                }
                return;
            }
            List<String> events = r.stripeEvents();
            if (!events.isEmpty()) {
                r.redeliverStripe(events.get(Math.floorMod(event, events.size())));
            }
        }

        @Override
        public String toString() {
            return (clerk ? "Clerk" : "Stripe") + " redelivers event #" + event;
        }
    }

    /** An admin replays one of the sequence's stored events. */
    record Replay(int event, boolean clerk) implements Step {
        @Override
        public void run(Run r) {
            String id;
            if (clerk) {
                id = r.clerkDeliveries.isEmpty()
                        ? null
                        : r.clerkDeliveries
                                .get(Math.floorMod(event, r.clerkDeliveries.size()))
                                .svixId();
            } else {
                List<String> events = r.stripeEvents();
                id = events.isEmpty() ? null : events.get(Math.floorMod(event, events.size()));
            }
            if (id != null) {
                r.admin("POST", "/admin/webhook-events/" + id + "/replay", null, Map.of());
            }
        }

        @Override
        public String toString() {
            return "an admin replays " + (clerk ? "Clerk" : "Stripe") + " event #" + event;
        }
    }

    /** The party saves a new card, and makes it the card that pays, or not ({@link Cards}). */
    record NewCard(int party, boolean makeDefault) implements Step {
        @Override
        public void run(Run r) {
            Party p = r.party(party);
            if (gone(p)) {
                return;
            }
            String card = Cards.saveNew(r, p);
            if (card != null && makeDefault) {
                Cards.makeDefault(r, p, card);
            }
        }

        @Override
        public String toString() {
            return who(party) + " saves a new card" + (makeDefault ? " and makes it the one that pays" : "");
        }
    }

    /** The party makes one of its saved cards the one that pays, or removes it (perhaps the one that pays). */
    record SavedCard(int party, int card, boolean remove) implements Step {
        @Override
        public void run(Run r) {
            Party p = r.party(party);
            String chosen = gone(p) || r.customer(p) == null ? null : Cards.saved(r, p, card);
            if (chosen != null && remove) {
                Cards.remove(r, p, chosen);
            } else if (chosen != null) {
                Cards.makeDefault(r, p, chosen);
            }
        }

        @Override
        public String toString() {
            return who(party)
                    + (remove ? " removes saved card #" + card : " makes saved card #" + card + " the one that pays");
        }
    }

    /**
     * Someone changes the party's billing at Stripe, not through billing: in Stripe's portal the customer cancels at
     * the period end (or renews) (0) or at once (1); in the Dashboard an operator moves the live subscription to
     * another price with prorations (2) or invoiced at once (3), refunds a payment in full (4), or makes a saved card
     * the customer's default (5).
     */
    record AtStripe(int party, int action, int choice) implements Step {
        static final int ACTIONS = 6;

        @Override
        public void run(Run r) {
            Party p = r.party(party);
            if (gone(p) || r.customer(p) == null) {
                return;
            }
            switch (Math.floorMod(action, ACTIONS)) {
                case 0, 1 -> r.log.add("portal: " + StripeSide.portal(r, p, Math.floorMod(action, ACTIONS) == 1));
                case 2, 3 -> StripeSide.switchPrice(r, p, choice, Math.floorMod(action, ACTIONS) == 3);
                case 4 -> StripeSide.refund(r, p, choice);
                default -> StripeSide.defaultCard(r, p, choice);
            }
        }

        @Override
        public String toString() {
            String whose = who(party) + "'s";
            return switch (Math.floorMod(action, ACTIONS)) {
                case 0 -> who(party) + " cancels at the period end (or renews) in Stripe's portal";
                case 1 -> who(party) + " cancels at once in Stripe's portal";
                case 2, 3 ->
                    "an operator moves " + whose + " subscription to price #" + choice
                            + (Math.floorMod(action, ACTIONS) == 3 ? ", invoiced at once," : "")
                            + " in Stripe's Dashboard";
                case 4 -> "an operator refunds " + whose + " payment #" + choice + " in Stripe's Dashboard";
                default -> "an operator makes " + whose + " card #" + choice + " the default in Stripe's Dashboard";
            };
        }
    }

    /** The party (or an admin for it) exports its personal data; the export must hold every row about it. */
    record Export(int party) implements Step {
        @Override
        public void run(Run r) {
            Party p = r.party(party);
            if (!gone(p)) {
                // The user's own request (their verified email finds what they bought as a guest); the
                // organization's, an admin's.
                JsonNode export = p.org
                        ? r.adminGet("/admin/users/" + p.account + "/export").json()
                        : r.get(p, "/me/export").json();
                Invariants.exportIsComplete(r, p, export);
            }
        }

        @Override
        public String toString() {
            return who(party) + "'s data is exported";
        }
    }

    /** The user erases themselves ("forget me"), or an admin erases them. */
    record Erase(int party, boolean byAdmin) implements Step {
        @Override
        public void run(Run r) {
            Party p = r.user(party);
            if (gone(p)) {
                return;
            }
            Http.Response answer = byAdmin
                    ? r.admin(
                            "DELETE",
                            "/admin/users/" + p.account + "?confirm=true&email=" + Run.encode(p.email),
                            null,
                            Map.of())
                    : Run.checked("DELETE /me", r.world.http.delete("/me?confirm=true", r.token(p)));
            if (answer.status() != 200) {
                throw new AssertionError("erasing " + p + " answered " + answer.status() + ": " + answer.body());
            }
            p.erased = true;
            r.world.erased(p);
        }

        @Override
        public String toString() {
            return user(party) + " is erased" + (byAdmin ? " by an admin" : "");
        }
    }

    /** The party's live (not ended) subscription as the API lists it, or null. */
    private static String live(Run r, Party p) {
        if (gone(p)) {
            return null;
        }
        for (JsonNode s : r.get(p, "/stripe/subscriptions").json().path("data")) {
            String status = s.path("status").asText();
            if (!status.equals("canceled") && !status.equals("incomplete_expired")) {
                return s.path("id").asText();
            }
        }
        return null;
    }
}
