package dev.billing.server.invariants;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.model.Charge;
import com.stripe.model.Subscription;
import dev.billing.testkit.http.Http;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A party's saved cards: the steps that save one, choose the one that pays and remove one, and the invariant that
 * the card Stripe charges when nobody is at the keyboard (a renewal, a plan change or seat count invoiced at once, a
 * retry) is the card the API listed as the one that pays just before. A charge made while the party pays in Checkout or a PaymentSheet is
 * on the card entered there, which then pays that subscription: it is not held to the listing before it.
 */
final class Cards {
    /** The steps in which the party enters a card to pay there and then. */
    private static final Set<Class<? extends Step>> ON_SESSION = Set.of(
            PaymentSteps.StartCheckout.class,
            PaymentSteps.PayCheckout.class,
            PaymentSteps.Sheet.class,
            PaymentSteps.SheetBuy.class,
            PaymentSteps.BuyItem.class,
            PaymentSteps.GuestBuy.class,
            PaymentSteps.CheckoutTwice.class);

    private static final Set<String> ENDED = Set.of("canceled", "incomplete_expired");

    private Cards() {}

    /** Saves a card through a setup intent, confirmed at Stripe as Stripe.js would; returns its id, or null. */
    static String saveNew(Run r, Party p) {
        Http.Response intent = r.post(p, "/stripe/payment-methods/setup-intent", null);
        if (intent.status() != 200) {
            r.log.add(p + " got no setup intent: " + intent.status() + " " + intent.body());
            return null;
        }
        return r.world.emulator.confirmSetupIntent(
                intent.json().path("setupIntentId").asText());
    }

    /** One of the party's saved cards as the API lists them ({@code pick} modulo their number), or null. */
    static String saved(Run r, Party p, int pick) {
        JsonNode cards = r.get(p, "/stripe/payment-methods").json().path("data");
        return cards.isEmpty()
                ? null
                : cards.get(Math.floorMod(pick, cards.size())).path("id").asText();
    }

    /** Makes the card the one that pays: the API must say so at once, and list it, alone, as the default. */
    static void makeDefault(Run r, Party p, String card) {
        Http.Response made = r.post(p, "/stripe/payment-methods/" + card + "/default", null);
        if (made.status() != 200) {
            throw new AssertionError("making " + p + "'s saved card " + card + " the default answered " + made.status()
                    + ": " + made.body());
        }
        assertThat(paying(r, p))
                .as("the card %s made the default pays from now on", p)
                .isEqualTo(card);
    }

    /** Removes a saved card: the API must take it off the party's list at once. */
    static void remove(Run r, Party p, String card) {
        String path = p.route("/stripe/payment-methods/" + card);
        Http.Response removed = r.answered("DELETE " + path, r.world.http().delete(path, r.token(p)));
        if (removed.status() != 200) {
            throw new AssertionError("removing " + p + "'s saved card " + card + " answered " + removed.status() + ": "
                    + removed.body());
        }
        assertThat(r.get(p, "/stripe/payment-methods").json().path("data").findValuesAsText("id"))
                .as("%s's cards after removing %s", p, card)
                .doesNotContain(card);
    }

    /**
     * Every charge of the party's customer ({@code charges}, Stripe's) made in the step just run, off-session, was on
     * the card the API listed as the one that pays before it; then notes what the API lists now. A party with two live subscriptions (the flagged
     * case of a second Checkout paid) is not held to it: each pays with its own card.
     */
    static void chargedTheListedCard(Run r, Party p, List<Charge> charges, List<Subscription> atStripe) {
        Step acting = r.step == null ? null : r.step.acting();
        boolean offSession = acting != null && !ON_SESSION.contains(acting.getClass());
        for (Charge charge : charges) {
            if (p.chargesSeen.add(charge.getId()) && p.cardsKnown && offSession && p.liveSubscriptions <= 1) {
                assertThat(charge.getPaymentMethod())
                        .as(
                                "%s's charge %s (%s, %s) in step \"%s\" was made on the card the API listed as the"
                                        + " one that pays",
                                p, charge.getId(), charge.getAmount(), charge.getStatus(), r.step)
                        .isEqualTo(p.payingCard);
            }
        }
        p.payingCard = paying(r, p);
        p.liveSubscriptions = (int)
                atStripe.stream().filter(s -> !ENDED.contains(s.getStatus())).count();
        p.cardsKnown = true;
    }

    /** The card the API marks as the one that pays (at most one is), or null. */
    static String paying(Run r, Party p) {
        List<String> marked = new ArrayList<>();
        for (JsonNode card : r.get(p, "/stripe/payment-methods").json().path("data")) {
            if (card.path("isDefault").asBoolean()) {
                marked.add(card.path("id").asText());
            }
        }
        assertThat(marked).as("%s's cards marked as the one that pays", p).hasSizeLessThanOrEqualTo(1);
        return marked.isEmpty() ? null : marked.get(0);
    }
}
