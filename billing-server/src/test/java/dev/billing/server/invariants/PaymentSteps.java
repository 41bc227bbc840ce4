package dev.billing.server.invariants;

import static dev.billing.server.invariants.Step.gone;
import static dev.billing.server.invariants.Step.user;
import static dev.billing.server.invariants.Step.who;

import dev.billing.testkit.http.Http;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

/**
 * What buyers do: Checkout started, paid, declined or left open (twice, too), the mobile PaymentSheet,
 * one-time and guest purchases, and claims of guest purchases. See {@link Step}.
 */
final class PaymentSteps {
    private PaymentSteps() {}

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
            if (answer.status() == 404) {
                // Nothing a party starts Checkout for can be missing: a customer deleted at Stripe once answered so.
                throw new AssertionError(p + "'s Checkout answered 404: " + answer.body());
            }
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
            Http.Response answer = r.answered(
                    "POST /guest/checkout",
                    r.world
                            .http()
                            .post(
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

    /**
     * Starts Checkout for one plan, then for another before paying, and pays both, the newer first: the older session
     * must no longer be payable (or the second subscription must be dealt with as documented). Or, {@code together},
     * both starts are sent at once (a double click; with two instances, one to each) and both sessions answered are
     * paid: still one customer, and one live subscription or the second dealt with.
     */
    record CheckoutTwice(int party, int first, int second, boolean together) implements Step {
        @Override
        public void run(Run r) {
            Party p = r.party(party);
            if (gone(p)) {
                return;
            }
            List<String> paid = together ? startTogether(r, p) : startInTurn(r, p);
            for (String id : paid) {
                if (id != null) {
                    p.tried.add(id);
                    PayCheckout.pay(r, id, false);
                }
            }
        }

        /** The newer session first. */
        private List<String> startInTurn(Run r, Party p) {
            String older = start(r, p, first);
            String newer = start(r, p, second);
            return Arrays.asList(newer, older);
        }

        private List<String> startTogether(Run r, Party p) {
            CyclicBarrier ready = new CyclicBarrier(2);
            CompletableFuture<String> one = CompletableFuture.supplyAsync(() -> startWhenReady(r, p, first, ready));
            String other = startWhenReady(r, p, second, ready);
            return Arrays.asList(one.join(), other);
        }

        private static String startWhenReady(Run r, Party p, int plan, CyclicBarrier ready) {
            try {
                ready.await(1, TimeUnit.MINUTES);
            } catch (Exception e) {
                throw new AssertionError("the two Checkout starts never met", e);
            }
            return start(r, p, plan);
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
            synchronized (p) {
                p.sessions.add(id);
            }
            return id;
        }

        @Override
        public String toString() {
            return together
                    ? who(party) + " starts Checkout for plans " + first + " and " + second
                            + " at once (a double click), and pays both"
                    : who(party) + " starts Checkout for plan " + first + ", then for plan " + second
                            + ", and pays both, the newer first";
        }
    }
}
