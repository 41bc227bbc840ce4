package dev.billing.server.invariants;

import static dev.billing.server.invariants.Step.gone;
import static dev.billing.server.invariants.Step.live;
import static dev.billing.server.invariants.Step.user;
import static dev.billing.server.invariants.Step.who;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.exception.StripeException;
import com.stripe.model.Charge;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import dev.billing.testkit.http.Http;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a party does with its subscription, usage, cards and invoices, and what an admin, Stripe or an operator
 * in Stripe's portal or Dashboard does to its billing. See {@link Step}.
 */
final class AccountSteps {
    private AccountSteps() {}

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

    /**
     * Applies the catalog's public promotion code (20% off the next invoice) to the live subscription through the API:
     * applied, or refused (400) as Stripe refuses it.
     */
    record Discount(int party) implements Step {
        @Override
        public void run(Run r) {
            Party p = r.party(party);
            String subscription = live(r, p);
            if (subscription != null) {
                r.post(p, "/stripe/subscriptions/" + subscription + "/discount", "{\"promotionCode\":\"LAUNCH20\"}");
            }
        }

        @Override
        public String toString() {
            return who(party) + " applies promotion code LAUNCH20";
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

    /**
     * An admin refunds one of the party's payments, in full or in half. An admin tool that {@code retried} sends the
     * request again with the same key: at once, and once Stripe and the store are back when it was answered 503; one
     * that did not gives up on a 503, leaving a refund Stripe made to its webhook.
     */
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
            long asked = half && left > 1 ? left / 2 : left;
            String body = "{\"paymentIntentId\":\"" + charge.getPaymentIntent() + "\""
                    + (asked < left ? ",\"amount\":" + asked : "") + "}";
            String key = r.unique("refund-");
            // Stripe or the store failing part of it (perhaps after Stripe refunded), asking again once they are back
            // must finish it, the entry then the admin's; giving up must leave the refund audited by its webhook.
            Supplier<Http.Response> ask = () -> r.admin("POST", "/admin/refunds", body, Map.of("Idempotency-Key", key));
            Http.Response first = retried ? r.askedAgainWhenBack(ask) : ask.get();
            if (first.status() == 200) {
                r.adminRefunds.put(first.json().path("id").asText(), key);
            }
            if (retried) {
                Http.Response again = r.askedAgainWhenBack(ask);
                if (first.status() == 200
                        && again.status() == 200
                        && !again.json()
                                .path("id")
                                .asText()
                                .equals(first.json().path("id").asText())) {
                    throw new AssertionError("a retried refund with the same Idempotency-Key made another refund: "
                            + first.body() + " then " + again.body());
                }
            }
            // However often billing had to ask Stripe (an answer lost, a retry), one request refunds what it asked
            // once.
            long refunded =
                    new StripeTruth(r.world).charge(charge.getPaymentIntent()).getAmountRefunded()
                            - charge.getAmountRefunded();
            if (refunded > asked) {
                throw new AssertionError("an admin asked to refund " + asked + " of " + charge.getPaymentIntent()
                        + (retried ? " (twice, with one Idempotency-Key)" : "") + ", and Stripe refunded " + refunded);
            }
        }

        static List<Charge> refundable(Run r, Party p) {
            List<Charge> found = new ArrayList<>();
            for (Charge c : new StripeTruth(r.world).charges(p.customerId)) {
                if ("succeeded".equals(c.getStatus())
                        && c.getAmountRefunded() < c.getAmount()
                        && c.getPaymentIntent() != null) {
                    found.add(c);
                }
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
                    && !r.failedOnPurpose(paid)
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
     * The party's next renewal is declined: its next payment will fail and the clock moves just past its live
     * subscription's period end (a trial's end too), so that subscriptions turn past due far more often than a decline
     * and a clock advance meet by chance.
     */
    record RenewalDeclined(int party) implements Step {
        @Override
        public void run(Run r) {
            Party p = r.party(party);
            String subscription = live(r, p);
            if (subscription == null) {
                return;
            }
            Subscription s;
            try {
                s = r.world.stripe.subscriptions().retrieve(subscription);
            } catch (StripeException e) {
                throw new AssertionError("the emulator's subscription could not be read", e);
            }
            SubscriptionItem item = StripeTruth.planItem(s);
            if (item == null || !StripeTruth.live(s)) {
                return;
            }
            r.world.emulator.failNextPayment(p.customerId);
            r.world.emulator.advanceClockTo(
                    Instant.ofEpochSecond(item.getCurrentPeriodEnd()).plusSeconds(60));
        }

        @Override
        public String toString() {
            return who(party) + "'s next renewal is declined (the clock moves past its period's end)";
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
     * another price with prorations (2) or invoiced at once (3), refunds a payment in full (4), makes a saved card
     * the customer's default (5), gives the live subscription a coupon (6), deletes the customer (7), or subscribes
     * a customer without a live subscription to a price billed by invoice (8).
     */
    record AtStripe(int party, int action, int choice) implements Step {
        static final int ACTIONS = 9;

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
                case 5 -> StripeSide.defaultCard(r, p, choice);
                case 6 -> StripeSide.coupon(r, p, choice);
                case 7 -> StripeSide.deleteCustomer(r, p);
                default -> StripeSide.subscribeByInvoice(r, p, choice);
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
                case 5 -> "an operator makes " + whose + " card #" + choice + " the default in Stripe's Dashboard";
                case 7 -> "an operator deletes " + whose + " customer in Stripe's Dashboard";
                case 8 ->
                    "an operator subscribes " + who(party) + " to price #" + choice
                            + ", billed by invoice, in Stripe's Dashboard";
                default ->
                    "an operator gives " + whose + " subscription coupon "
                            + StripeSide.COUPONS.get(Math.floorMod(choice, StripeSide.COUPONS.size()))
                            + " in Stripe's Dashboard";
            };
        }
    }
}
