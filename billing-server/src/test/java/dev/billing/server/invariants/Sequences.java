package dev.billing.server.invariants;

import static org.quicktheories.api.Pair.of;
import static org.quicktheories.generators.Generate.booleans;
import static org.quicktheories.generators.Generate.range;

import java.util.ArrayList;
import java.util.List;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/** The random sequences {@link BillingInvariantsIT}'s properties run: which steps, how often, with what. */
final class Sequences {
    private Sequences() {}

    /** Sequences of 3 to {@code maxSteps} steps. */
    static Gen<List<Step>> random(boolean supabase, int maxSteps) {
        return SourceDSL.lists().of(step(supabase)).ofSizeBetween(3, maxSteps);
    }

    /**
     * Every kind of step, weighted towards what users do most; on the Supabase store, passes of the move off it
     * while the server runs too.
     */
    @SuppressWarnings("unchecked")
    static Gen<Step> step(boolean supabase) {
        // user0 and the organization take most steps, so that steps meet on one account more often.
        Gen<Integer> party = range(0, Run.USERS).mix(Generate.pick(List.of(0, Run.USERS)), 40);
        Gen<Integer> small = range(0, 7);
        Gen<Step> startCheckout = party.zip(
                range(0, 3),
                booleans().mix(Generate.constant(true), 60),
                (p, plan, pay) -> new PaymentSteps.StartCheckout(p, plan, pay));
        Gen<Step> buyItem = party.zip(range(0, 1), range(0, 2), (p, i, q) -> new PaymentSteps.BuyItem(p, i, q));
        Gen<Step> sheet = party.zip(range(0, 3), range(0, 3), (p, plan, o) -> new PaymentSteps.Sheet(p, plan, o));
        Gen<Step> guestBuy = party.zip(range(0, 1), (p, i) -> new PaymentSteps.GuestBuy(p, i));
        Gen<Step> changePlan =
                party.zip(range(0, 3), range(0, 2), (p, plan, pr) -> new AccountSteps.ChangePlan(p, plan, pr));
        Gen<Step> cancel = party.zip(booleans(), (p, end) -> new AccountSteps.Cancel(p, end));
        Gen<Step> resume = party.map(p -> new AccountSteps.Resume(p));
        Gen<Step> discount = party.map(p -> new AccountSteps.Discount(p));
        Gen<Step> serviceCall = party.zip(
                booleans(), range(0, 39), range(0, 3), (p, u, a, k) -> new AccountSteps.ServiceCall(p, u, a, k));
        Gen<Step> refund =
                party.zip(small, booleans(), booleans(), (p, n, h, t) -> new AccountSteps.Refund(p, n, h, t));
        Gen<Step> payInvoice = party.zip(small, (p, i) -> new AccountSteps.PayInvoice(p, i));
        Gen<Step> checkoutTwice = party.zip(
                range(0, 3), range(0, 3), booleans(), (p, a, b, t) -> new PaymentSteps.CheckoutTwice(p, a, b, t));
        Gen<Step> erase = party.zip(booleans(), (p, a) -> new WorldSteps.Erase(p, a));
        // What a party asks of billing that billing asks of Stripe at once, to run while Stripe fails.
        Gen<Step> callsStripe = Generate.frequency(List.of(
                of(4, startCheckout),
                of(1, buyItem),
                of(2, sheet),
                of(1, guestBuy),
                of(2, changePlan),
                of(2, cancel),
                of(1, resume),
                of(1, discount),
                of(1, serviceCall),
                of(2, refund),
                of(2, payInvoice),
                of(2, checkoutTwice),
                of(1, erase)));
        // What makes billing call Stripe later, in the background: changes at Stripe, Checkout paid, members, time.
        Gen<Step> background = Generate.frequency(List.of(
                of(3, party.zip(range(0, AccountSteps.AtStripe.ACTIONS - 1), small, (p, a, c) ->
                        (Step) new AccountSteps.AtStripe(p, a, c))),
                of(2, party.zip(small, booleans(), (p, s, d) -> (Step) new PaymentSteps.PayCheckout(p, s, d))),
                of(2, range(2, 5).map(n -> (Step) new WorldSteps.JoinTogether(n))),
                of(2, range(0, Run.USERS + Run.EXTRA_MEMBERS - 1).zip(booleans(), (m, j) ->
                        (Step) new WorldSteps.Membership(m, j, false))),
                of(1, range(0, 3).map(d -> (Step) new WorldSteps.AdvanceClock(d))),
                of(1, party.map(p -> (Step) new WorldSteps.Reconcile(p, null)))));
        List<Pair<Integer, Gen<Step>>> steps = new ArrayList<>(List.of(
                of(14, startCheckout),
                of(6, party.zip(small, booleans().mix(Generate.constant(false), 60), (p, s, d) ->
                        (Step) new PaymentSteps.PayCheckout(p, s, d))),
                of(4, buyItem),
                of(6, sheet),
                of(2, party.zip(range(0, 1), booleans(), (p, i, d) -> (Step) new PaymentSteps.SheetBuy(p, i, d))),
                of(3, guestBuy),
                of(3, party.map(p -> (Step) new PaymentSteps.Claim(p))),
                of(5, changePlan),
                of(4, cancel),
                of(2, resume),
                of(2, discount),
                of(5, party.zip(range(0, 1), range(0, 39), range(0, 3), (p, m, a, k) ->
                        (Step) new AccountSteps.Usage(p, m, a, k))),
                of(3, serviceCall),
                of(4, refund),
                // Declines often enough that a renewal is declined and its open invoice paid in one sequence.
                of(4, party.map(p -> (Step) new AccountSteps.FailNextPayment(p))),
                of(2, party.map(p -> (Step) new AccountSteps.RenewalDeclined(p))),
                of(3, payInvoice),
                of(3, range(0, 3).map(d -> (Step) new WorldSteps.AdvanceClock(d))),
                of(2, booleans().zip(booleans(), (d, o) -> (Step) new WorldSteps.WebhookChaos(d, o))),
                of(2, range(0, 2).map(d -> (Step) new WorldSteps.Retention(d))),
                of(2, range(1, 4).map(n -> (Step) new WorldSteps.MeterOutage(n))),
                of(
                        4,
                        range(0, WorldSteps.StripeFails.KINDS.size() - 1)
                                .zip(range(1, 3), booleans(), callsStripe, (k, n, reads, then) ->
                                        (Step) new WorldSteps.StripeFails(k, n, reads, then))),
                // What billing then does in the background (webhooks' re-fetches, seat updates, renewals) while its
                // requests fail.
                of(
                        2,
                        range(0, WorldSteps.StripeFails.KINDS.size() - 1)
                                .zip(range(1, 3), booleans(), background, (k, n, reads, then) ->
                                        (Step) new WorldSteps.StripeFails(k, n, reads, then))),
                of(2, range(1, 3).zip(callsStripe, (n, then) -> (Step) new WorldSteps.StoreFails(n, then))),
                // The inbox's writes: deliveries refused while billing's requests make events, or claims lost and
                // batches not marked done while Stripe's own changes and time make them.
                of(1, range(1, 3).zip(callsStripe, (n, then) ->
                        (Step) new WorldSteps.StoreFails(n, WorldSteps.StoreFails.Writes.DELIVERIES, then))),
                of(1, range(1, 3).zip(background, (n, then) ->
                        (Step) new WorldSteps.StoreFails(n, WorldSteps.StoreFails.Writes.INBOX_WORK, then))),
                of(3, checkoutTwice),
                of(2, range(2, 5).map(n -> (Step) new WorldSteps.JoinTogether(n))),
                of(
                        8,
                        range(0, Run.USERS + Run.EXTRA_MEMBERS - 1)
                                .zip(
                                        booleans().mix(Generate.constant(true), 30),
                                        booleans().mix(Generate.constant(false), 60),
                                        (m, j, l) -> (Step) new WorldSteps.Membership(m, j, l))),
                of(3, small.zip(booleans(), (e, c) -> (Step) new WorldSteps.Redeliver(e, c))),
                of(3, small.zip(booleans(), (e, c) -> (Step) new WorldSteps.Replay(e, c))),
                of(3, party.zip(booleans().mix(Generate.constant(true), 60), (p, d) ->
                        (Step) new AccountSteps.NewCard(p, d))),
                of(3, party.zip(small, booleans().mix(Generate.constant(false), 33), (p, c, x) ->
                        (Step) new AccountSteps.SavedCard(p, c, x))),
                of(4, party.zip(range(0, AccountSteps.AtStripe.ACTIONS - 1), small, (p, a, c) ->
                        (Step) new AccountSteps.AtStripe(p, a, c))),
                of(2, party.map(p -> (Step) new WorldSteps.Export(p))),
                of(1, Generate.constant((Step) new WorldSteps.Restart())),
                // A deploy while the webhooks of a change at Stripe, a payment, members or time are on their way.
                of(2, background.zip(booleans(), (during, held) -> (Step) new WorldSteps.Restart(during, held))),
                of(3, party.zip(range(0, AccountSteps.AtStripe.ACTIONS - 1), small, booleans(), (p, a, c, then) ->
                        (Step) new WorldSteps.Reconcile(p, then ? new AccountSteps.AtStripe(p, a, c) : null))),
                of(2, erase)));
        if (supabase) {
            steps.add(of(3, range(0, 2).zip(range(0, 3).mix(Generate.constant(0), 40), (b, c) ->
                    (Step) new WorldSteps.MovePass(b, c))));
        }
        return Generate.frequency(steps);
    }
}
