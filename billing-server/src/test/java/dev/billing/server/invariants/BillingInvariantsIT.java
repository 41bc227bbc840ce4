package dev.billing.server.invariants;

import static dev.billing.server.invariants.WorldSteps.StoreFails.Writes.DELIVERIES;
import static dev.billing.server.invariants.WorldSteps.StoreFails.Writes.INBOX_WORK;
import static org.quicktheories.QuickTheory.qt;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Configuration;
import org.quicktheories.core.Strategy;

/**
 * The billing invariants, held after every step of random sequences of what users, admins, Stripe and Clerk do,
 * over the real HTTP API, a real store and the Stripe emulator (docs/RELIABILITY.md, "Where features meet"). A
 * failing sequence is shrunk and printed, one step per line, with the step it failed after.
 *
 * <p>The build runs a fixed, seeded budget; a longer search runs locally, e.g.
 * {@code ./mvnw -B verify -pl billing-server -am -Dit.test=BillingInvariantsIT -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false -Dbilling.invariants.examples=200 -Dbilling.invariants.seed=random}
 * (docs/TEST_FIXTURES.md, "The invariant suite").
 */
class BillingInvariantsIT {
    static final long SEED = 4_512_045L;
    static final int EXAMPLES = Integer.getInteger("billing.invariants.examples", 7);
    static final int CANCELLING_EXAMPLES = Integer.getInteger("billing.invariants.cancelling.examples", 3);
    static final int SNAPSHOT_EXAMPLES = Integer.getInteger("billing.invariants.snapshot.examples", 2);
    static final int SUPABASE_EXAMPLES = Integer.getInteger("billing.invariants.supabase.examples", 4);
    static final int SUPABASE_SNAPSHOT_EXAMPLES =
            Integer.getInteger("billing.invariants.supabase.snapshot.examples", 1);
    static final int TWO_INSTANCE_EXAMPLES = Integer.getInteger("billing.invariants.instances.examples", 4);
    static final int SUPABASE_TWO_INSTANCE_EXAMPLES =
            Integer.getInteger("billing.invariants.supabase.instances.examples", 3);
    static final int MAX_STEPS = Integer.getInteger("billing.invariants.steps", 24);
    static final int SHRINKS = Integer.getInteger("billing.invariants.shrinks", 12);

    @Test
    void invariantsHoldOnPostgres() {
        property(EXAMPLES, 0, false, World::onPostgres);
    }

    /** Other sequences again (the seed moved by two), on Postgres with an erasure that ends the subscriptions. */
    @Test
    void invariantsHoldOnPostgresWhenErasureCancels() {
        property(CANCELLING_EXAMPLES, 2, false, () -> World.onPostgres(true));
    }

    /** Other sequences again (the seed moved by three), on Postgres with re-fetch off. */
    @Test
    void invariantsHoldOnPostgresWithoutRefetch() {
        property(SNAPSHOT_EXAMPLES, 3, false, World::onPostgresWithoutRefetch);
    }

    /** Other sequences than Postgres's (the default seed moved by one), on the Supabase store. */
    @Test
    void invariantsHoldOnSupabase() {
        property(SUPABASE_EXAMPLES, 1, true, World::onSupabase);
    }

    /** Other sequences again (the seed moved by four), on the Supabase store with re-fetch off. */
    @Test
    void invariantsHoldOnSupabaseWithoutRefetch() {
        property(SUPABASE_SNAPSHOT_EXAMPLES, 4, true, World::onSupabaseWithoutRefetch);
    }

    /**
     * Other sequences again (the seed moved by five), on Postgres behind two instances of {@code serve}: requests
     * alternate between them, every Stripe event reaches both at once, and each must answer entitlements as the
     * store has them, whichever instance changed them ({@link World#twoInstances}).
     */
    @Test
    void invariantsHoldOnTwoInstances() {
        property(TWO_INSTANCE_EXAMPLES, 5, false, World::twoInstances);
    }

    /** Other sequences again (the seed moved by six), on Supabase behind two instances, each ending with the move. */
    @Test
    void invariantsHoldOnSupabaseTwoInstances() {
        property(SUPABASE_TWO_INSTANCE_EXAMPLES, 6, true, World::twoInstancesOnSupabase);
    }

    /**
     * A sequence the seeded search rarely takes: usage billed through the meter, its key pruned by retention, then
     * the same key and usage again, which counts anew and must reach Stripe's meter anew (a report sent under the old
     * identifier would be taken by Stripe for the old event).
     */
    @Test
    void usageCountedAgainAfterItsKeysRetentionReachesStripeAgain() {
        onPostgres(
                new PaymentSteps.StartCheckout(0, 0, true),
                new AccountSteps.Usage(0, 0, 6, 0),
                new WorldSteps.Retention(2),
                new AccountSteps.Usage(0, 0, 6, 0));
    }

    /**
     * Another the seeded search rarely takes: Stripe's meter fails the reports, so that retention runs while usage
     * is still to be sent, and more usage follows. The unsent reports stay until Stripe has them.
     */
    @Test
    void usageStripeHasNotYetOutlivesRetention() {
        onPostgres(
                new PaymentSteps.StartCheckout(0, 1, true),
                new WorldSteps.MeterOutage(3),
                new AccountSteps.Usage(0, 0, 11, 1),
                new AccountSteps.ServiceCall(0, true, 4, 2),
                new WorldSteps.Retention(1),
                new AccountSteps.Usage(0, 0, 2, 3),
                new WorldSteps.Retention(2));
    }

    /**
     * Found by a random search (seed 75806795259570): its trial over and more than a week into its period, the
     * organization moves to the per-seat plan and that invoice is declined. The subscription is past due from the
     * change, not from its period's start, so its grace runs from then; and its seats follow the members whether it
     * grants or not.
     */
    @Test
    void aDeclinedMidPeriodMoveToThePerSeatPlanKeepsGraceAndFollowsSeats() {
        int org = Run.USERS;
        onPostgres(
                new PaymentSteps.StartCheckout(org, 0, true),
                new WorldSteps.JoinTogether(4),
                new WorldSteps.AdvanceClock(3),
                new AccountSteps.FailNextPayment(org),
                new AccountSteps.ChangePlan(org, 3, 1),
                new WorldSteps.Membership(Run.USERS + 1, true, false),
                new WorldSteps.AdvanceClock(2),
                new WorldSteps.Membership(Run.USERS + 2, true, false));
    }

    /**
     * The card that pays, where features meet it: a new card made the default, a renewal, a declined renewal paid
     * with another new card, a plan change invoiced at once, an older card chosen again, and the organization's seats
     * invoiced at once; every charge made off-session is on the card the API listed as the one that pays.
     */
    @Test
    void offSessionChargesAreOnTheCardListedAsTheOneThatPays() {
        int org = Run.USERS;
        onPostgres(
                new PaymentSteps.StartCheckout(0, 2, true),
                new AccountSteps.NewCard(0, true),
                new WorldSteps.AdvanceClock(3),
                new AccountSteps.FailNextPayment(0),
                new WorldSteps.AdvanceClock(3),
                new AccountSteps.NewCard(0, true),
                new AccountSteps.PayInvoice(0, 0),
                new AccountSteps.ChangePlan(0, 0, 1),
                new AccountSteps.SavedCard(0, 1, false),
                new WorldSteps.AdvanceClock(3),
                new PaymentSteps.StartCheckout(org, 3, true),
                new AccountSteps.NewCard(org, true),
                new WorldSteps.JoinTogether(3),
                new WorldSteps.AdvanceClock(3));
    }

    /**
     * The card a subscription pays with removed while the customer's default is another: Stripe charges the customer's
     * default, so the API must list that one as the card that pays.
     */
    @Test
    void removingTheCardASubscriptionPaysWithListsTheCustomersDefault() {
        onPostgres(
                new PaymentSteps.StartCheckout(0, 0, true),
                new AccountSteps.NewCard(0, true),
                new AccountSteps.Cancel(0, false),
                new PaymentSteps.StartCheckout(0, 2, true),
                new AccountSteps.SavedCard(0, 0, true),
                new WorldSteps.AdvanceClock(3));
    }

    /**
     * Found by a random search: a removed card's {@code payment_method.detached} names its customer only in its
     * previous attributes, and was stored as about the card, so the account's export missed it and its erasure left
     * it (billing details and all).
     */
    @Test
    void aRemovedCardsEventIsExportedAndErasedWithItsAccount() {
        onPostgres(
                new PaymentSteps.StartCheckout(0, 0, true),
                new AccountSteps.NewCard(0, false),
                new AccountSteps.SavedCard(0, 0, true),
                new WorldSteps.Export(0),
                new WorldSteps.Erase(0, false));
    }

    /**
     * What the customer changes in Stripe's portal and an operator in Stripe's Dashboard, which billing learns of only
     * through webhooks: a cancellation scheduled and withdrawn, a move to another price invoiced at once, a refund, a
     * card made the default, a renewal, a cancellation at once; then a subscription billed by invoice (active while
     * its invoice is open), a month on (its invoice overdue, the next one sent), one of its invoices paid through
     * billing, and a cancellation at once (its end announced: it started); the organization moved off its per-seat
     * price and back with one seat, which auto-seats corrects to its members.
     */
    @Test
    void changesMadeAtStripeAreFollowed() {
        int org = Run.USERS;
        onPostgres(
                new PaymentSteps.StartCheckout(0, 2, true),
                new AccountSteps.AtStripe(0, 0, 0),
                new AccountSteps.AtStripe(0, 0, 0),
                new AccountSteps.AtStripe(0, 3, 0),
                new AccountSteps.AtStripe(0, 4, 0),
                new AccountSteps.NewCard(0, false),
                new AccountSteps.AtStripe(0, 5, 1),
                new WorldSteps.AdvanceClock(3),
                new AccountSteps.AtStripe(0, 1, 0),
                new AccountSteps.AtStripe(0, 8, 1),
                new WorldSteps.AdvanceClock(3),
                new AccountSteps.PayInvoice(0, 0),
                new AccountSteps.AtStripe(0, 1, 0),
                new PaymentSteps.StartCheckout(org, 3, true),
                new WorldSteps.JoinTogether(3),
                new AccountSteps.AtStripe(org, 3, 2),
                new AccountSteps.AtStripe(org, 2, 4),
                new WorldSteps.AdvanceClock(3));
    }

    /**
     * Found by a random search: the first invoice of a PaymentSheet subscription whose card was declined, paid through
     * the API while no card pays for the account. Stripe refuses, and the API answered 502 {@code stripe_error}, a
     * status its OpenAPI document did not list for the route, instead of saying what to do.
     */
    @Test
    void anInvoiceNoCardPaysIsAConflictThatSaysWhatToDo() {
        onPostgres(
                new PaymentSteps.Sheet(0, 2, 1),
                new AccountSteps.PayInvoice(0, 0),
                new AccountSteps.NewCard(0, true),
                new AccountSteps.PayInvoice(0, 0));
    }

    /**
     * Found by a random search: the organization leaves a PaymentSheet subscription unpaid, pays Checkout for another
     * plan, then pays the first one's open invoice. Left to choose, Stripe looks for that subscription's own card
     * (none) and the customer's (none) and refuses, while the API lists Checkout's card as the one that pays: the
     * payment must be made with that card.
     */
    @Test
    void anOpenInvoiceIsPaidWithTheCardTheApiListsAsPaying() {
        int org = Run.USERS;
        onPostgres(
                new PaymentSteps.Sheet(org, 2, 2),
                new PaymentSteps.StartCheckout(org, 0, true),
                new AccountSteps.PayInvoice(org, 0));
    }

    /**
     * Discounts where they meet money and revenue: the public promotion code applied through the API before a
     * renewal, a coupon given in Stripe's Dashboard before the next, the organization's per-seat plan given the
     * one-time coupon; revenue analytics must count each subscription less its discount, and every charge must match.
     */
    @Test
    void discountsCountInRevenueAndCharges() {
        int org = Run.USERS;
        onPostgres(
                new PaymentSteps.StartCheckout(0, 2, true),
                new AccountSteps.Discount(0),
                new WorldSteps.AdvanceClock(3),
                new AccountSteps.AtStripe(0, 6, 0),
                new WorldSteps.AdvanceClock(3),
                new PaymentSteps.StartCheckout(org, 3, true),
                new WorldSteps.JoinTogether(3),
                new AccountSteps.AtStripe(org, 6, 1),
                new WorldSteps.AdvanceClock(3));
    }

    /**
     * A customer deleted in Stripe's Dashboard, which billing kept its account linked to (every checkout after it
     * answered 404): the next checkout gets a new customer, what the deleted one bought stays owned and listed, a
     * second deletion retires the second customer, and the export then the erasure hold and remove all three. The
     * organization's per-seat customer goes the same way and its next subscription is seated again.
     */
    @Test
    void aCustomerDeletedAtStripeIsReplacedAtTheNextCheckout() {
        int org = Run.USERS;
        onPostgres(
                new PaymentSteps.StartCheckout(0, 2, true),
                new PaymentSteps.BuyItem(0, 0, 1),
                new AccountSteps.Usage(0, 0, 3, 0),
                new AccountSteps.AtStripe(0, 7, 0),
                new PaymentSteps.StartCheckout(0, 1, true),
                new WorldSteps.AdvanceClock(3),
                new AccountSteps.Refund(0, 0, false, false),
                new AccountSteps.AtStripe(0, 7, 0),
                new PaymentSteps.StartCheckout(0, 0, true),
                new PaymentSteps.StartCheckout(org, 3, true),
                new WorldSteps.JoinTogether(3),
                new AccountSteps.AtStripe(org, 7, 0),
                new PaymentSteps.StartCheckout(org, 3, true),
                new WorldSteps.Export(0),
                new WorldSteps.Erase(0, false));
    }

    /** The same on Supabase's store: the retirement through PostgREST, its audit trigger (033), export and erasure. */
    @Test
    void aCustomerDeletedAtStripeIsReplacedOnSupabaseToo() {
        onSupabase(
                new PaymentSteps.StartCheckout(0, 2, true),
                new PaymentSteps.BuyItem(0, 0, 1),
                new AccountSteps.AtStripe(0, 7, 0),
                new PaymentSteps.StartCheckout(0, 1, true),
                new WorldSteps.Export(0),
                new WorldSteps.Erase(0, true));
    }

    /**
     * Found by the re-fetch-off world's first search: a webhook names a subscription's discounts by id only, so with
     * re-fetch off an operator's coupon never reached MRR (the snapshot's pricing had no discount). Such a snapshot
     * is now read from Stripe; the reconcile before it also stores a read the coupon's event must not lose to.
     */
    @Test
    void anOperatorsCouponReachesMrrWithRefetchOff() {
        try (World world = World.onPostgresWithoutRefetch()) {
            run(
                    world,
                    List.of(
                            new PaymentSteps.Sheet(0, 3, 2),
                            new WorldSteps.Reconcile(0, null),
                            new AccountSteps.AtStripe(0, 6, 0)));
        }
    }

    /**
     * The move off Supabase begun while the server runs, where other features meet it: accounts copied, then one
     * erased, one refunded and a retention pass deleting rows the copy holds, a second pass stopped in its links (two
     * records a page), then more work and another erasure. The last pass, the server stopped, resumes the stopped
     * one, is cut at the call after its first page and resumed again; then the copy's exports must be Supabase's and
     * its tables hold no trace of either erased person.
     */
    @Test
    void aMoveBegunWhileServingCatchesUpOnErasuresRetentionAndNewWork() {
        onSupabase(
                new StoreMove.CutPoint(1, 1),
                new PaymentSteps.StartCheckout(0, 0, true),
                new PaymentSteps.StartCheckout(1, 1, true),
                new PaymentSteps.GuestBuy(2, 0),
                new WorldSteps.MovePass(1, 0),
                new WorldSteps.Erase(0, false),
                new AccountSteps.Refund(1, 0, true, false),
                new WorldSteps.Retention(2),
                new WorldSteps.MovePass(0, 2),
                new PaymentSteps.StartCheckout(Run.USERS, 0, true),
                new PaymentSteps.Claim(2),
                new WorldSteps.Erase(1, true));
    }

    /**
     * Deploys where features meet them: usage counted while Stripe's meter fails, then the same request again after
     * a restart (a replay, not counted twice) while the unsent reports wait in the store; a Checkout started before
     * a restart and paid after it; an organization's seats, a first member (its one seat stays: only the change's
     * own cache drop shows the member), more joining, an operator's price change in Stripe's Dashboard whose webhooks
     * meet a deploy, a member leaving; a cancellation in Stripe's portal whose webhooks Stripe sends while no process
     * listens, so that only its retries reach the next one.
     */
    @Test
    void deploysKeepUsageCheckoutAndSeatsWhole() {
        int org = Run.USERS;
        onPostgres(
                new PaymentSteps.StartCheckout(0, 0, true),
                new PaymentSteps.StartCheckout(1, 1, false),
                new WorldSteps.MeterOutage(3),
                new AccountSteps.Usage(0, 0, 11, 1),
                new WorldSteps.Restart(),
                new AccountSteps.Usage(0, 0, 11, 1),
                new PaymentSteps.PayCheckout(1, 0, false),
                new PaymentSteps.StartCheckout(org, 3, true),
                new WorldSteps.Membership(Run.USERS + 2, true, false),
                new WorldSteps.JoinTogether(3),
                new WorldSteps.Restart(new AccountSteps.AtStripe(1, 3, 2), false),
                new WorldSteps.Membership(Run.USERS + 1, false, false),
                new WorldSteps.Restart(new AccountSteps.AtStripe(1, 1, 0), true));
    }

    /**
     * Stripe failing in the middle of what users ask: a new customer's answer lost after Stripe made it (twice: the
     * retry's replay lost too), a plan change whose connection drops, another whose reads fail, a refund whose answer
     * is lost, a double click answered slowly, a cancellation at period end whose reads' connections drop, a
     * cancellation rate limited, another backend creating a customer while Stripe does nothing, a PaymentSheet's
     * subscription whose answer is lost, an operator's price change in Stripe's Dashboard while billing's re-fetches
     * fail, the organization's per-seat Checkout while billing's reads fail too, its members joining together while
     * the seat updates' answers are lost, and an erasure (which cancels at Stripe here) whose cancellation's answer is
     * lost (the person asks again). Each request succeeds after billing's retries or answers 503 (never 502: without
     * the cancellation fix the erasure's first request did), and no customer, subscription, refund or erasure is lost
     * or made twice.
     */
    @Test
    void stripeFailingMidRequestLosesAndDoublesNothing() {
        int kept = 0;
        int slow = 1;
        int notDone = 2;
        int dropped = 3;
        int limited = 4;
        try (World world = World.onPostgres(true)) {
            run(
                    world,
                    List.of(
                            new WorldSteps.StripeFails(kept, 2, false, new PaymentSteps.StartCheckout(0, 2, true)),
                            new WorldSteps.StripeFails(dropped, 2, false, new AccountSteps.ChangePlan(0, 1, 0)),
                            new WorldSteps.StripeFails(notDone, 2, true, new AccountSteps.ChangePlan(0, 2, 1)),
                            new WorldSteps.StripeFails(kept, 2, false, new AccountSteps.Refund(0, 0, true, false)),
                            new WorldSteps.StripeFails(slow, 2, false, new PaymentSteps.CheckoutTwice(1, 0, 1, true)),
                            new WorldSteps.StripeFails(dropped, 2, true, new AccountSteps.Cancel(0, true)),
                            new WorldSteps.StripeFails(limited, 2, false, new AccountSteps.Cancel(0, false)),
                            new WorldSteps.StripeFails(notDone, 2, false, new AccountSteps.ServiceCall(2, false, 0, 0)),
                            new WorldSteps.StripeFails(kept, 2, false, new PaymentSteps.Sheet(2, 2, 0)),
                            new WorldSteps.StripeFails(notDone, 4, true, new AccountSteps.AtStripe(2, 3, 1)),
                            new WorldSteps.StripeFails(notDone, 2, true, new PaymentSteps.StartCheckout(3, 3, true)),
                            new WorldSteps.StripeFails(kept, 2, false, new WorldSteps.JoinTogether(3)),
                            new WorldSteps.StripeFails(kept, 2, false, new WorldSteps.Erase(1, false))));
        }
    }

    /**
     * The store failing in the middle of what users ask, as a Postgres failover or restart would: billing's
     * connections ended mid-statement while a new customer starts Checkout, while another double-clicks it, while a
     * plan changes, while an admin refunds half a payment (its tool giving up on a 503) and then the rest (its tool
     * asking again), while the PaymentSheet subscribes, while a subscription is cancelled at once, and while an
     * account is erased. Each request answers or says 503 {@code store_unavailable}
     * (never a 500), a refused webhook is delivered again, and nothing Stripe did is lost or made twice.
     */
    @Test
    void storeFailingMidRequestLosesAndDoublesNothing() {
        try (World world = World.onPostgres()) {
            run(
                    world,
                    List.of(
                            new WorldSteps.StoreFails(1, new PaymentSteps.StartCheckout(0, 2, true)),
                            new WorldSteps.StoreFails(2, new PaymentSteps.CheckoutTwice(1, 0, 1, true)),
                            new WorldSteps.StoreFails(1, new AccountSteps.ChangePlan(0, 1, 0)),
                            new WorldSteps.StoreFails(2, new AccountSteps.Refund(0, 0, true, false)),
                            new WorldSteps.StoreFails(2, new AccountSteps.Refund(0, 0, false, true)),
                            new WorldSteps.StoreFails(1, new PaymentSteps.Sheet(2, 2, 0)),
                            new WorldSteps.StoreFails(1, new AccountSteps.Cancel(0, false)),
                            new WorldSteps.StoreFails(2, new WorldSteps.Erase(1, false))));
        }
    }

    /**
     * The same on Supabase: PostgREST's connections ended in the middle of billing's writes, a delivery's record among
     * them.
     */
    @Test
    void storeFailingMidRequestLosesAndDoublesNothingOnSupabase() {
        try (World world = World.onSupabase()) {
            run(
                    world,
                    List.of(
                            new WorldSteps.StoreFails(1, new PaymentSteps.StartCheckout(0, 2, true)),
                            new WorldSteps.StoreFails(1, new AccountSteps.ChangePlan(0, 1, 0)),
                            new WorldSteps.StoreFails(2, DELIVERIES, new PaymentSteps.StartCheckout(1, 1, true)),
                            new WorldSteps.StoreFails(2, new WorldSteps.Erase(0, false))));
        }
    }

    /**
     * The webhook inbox failing while Stripe's events come: deliveries' records ended (answered 503, Stripe delivers
     * them again) while a customer pays Checkout at once and an admin refunds; the inbox's other writes ended (a claim
     * lost, a batch processed but not marked done and processed again once its 10 s lease runs out, a redaction) while
     * the plan changes, a renewal comes, the subscription is cancelled and the account erased. Nothing Stripe did is
     * lost or made twice, and no notice goes out twice.
     */
    @Test
    void inboxFailingLosesAndDoublesNothing() {
        try (World world = World.onPostgres()) {
            run(
                    world,
                    List.of(
                            new WorldSteps.StoreFails(2, DELIVERIES, new PaymentSteps.StartCheckout(0, 2, true)),
                            new WorldSteps.StoreFails(2, INBOX_WORK, new AccountSteps.ChangePlan(0, 1, 0)),
                            new WorldSteps.StoreFails(2, DELIVERIES, new AccountSteps.Refund(0, 0, true, false)),
                            new WorldSteps.StoreFails(2, INBOX_WORK, new WorldSteps.AdvanceClock(3)),
                            new WorldSteps.StoreFails(2, INBOX_WORK, new AccountSteps.Cancel(0, false)),
                            new WorldSteps.StoreFails(2, INBOX_WORK, new WorldSteps.Erase(0, false))));
        }
    }

    /**
     * Notices where they meet replays: a subscription paid, then an admin replaying each of its first Stripe events and
     * Stripe delivering each again, its renewal paid, then the same for the newest events; then retention deletes
     * every handled event and, after a deploy, Stripe sends the first ones again (a resend from its Dashboard),
     * recorded anew. Each
     * event's notice (started, receipt) must have gone out once.
     */
    @Test
    void replayedAndRedeliveredEventsNotifyOnce() {
        List<Step> steps = new ArrayList<>(List.of(new PaymentSteps.StartCheckout(0, 1, true)));
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 8; i++) {
                int event = round == 0 ? i : -1 - i; // the first events, then the newest (the renewal's)
                steps.add(new WorldSteps.Replay(event, false));
                steps.add(new WorldSteps.Redeliver(event, false));
            }
            steps.add(new WorldSteps.AdvanceClock(31));
        }
        steps.add(new WorldSteps.Retention(1)); // as if 31 days had passed: more than the inbox keeps events
        steps.add(new WorldSteps.Restart()); // a month on: no process remembers the ids it answered lately
        for (int i = 0; i < 8; i++) {
            steps.add(new WorldSteps.Redeliver(i, false));
        }
        try (World world = World.onPostgres()) {
            run(world, steps);
        }
    }

    /**
     * A subscription never paid for ends unannounced, also when an admin replays its deletion: a first subscription
     * paid and ended, the PaymentSheet's next one left unpaid, the customer deleted in Stripe's Dashboard (its
     * subscription ends first), then the newest events replayed and delivered again. The replayed deletion finds the
     * row its first processing ended.
     */
    @Test
    void aSubscriptionNeverPaidForEndsUnannouncedAlsoWhenReplayed() {
        List<Step> steps = new ArrayList<>(List.of(
                new PaymentSteps.StartCheckout(0, 1, true), // its trial used, the sheet's subscription is charged
                new AccountSteps.Cancel(0, false),
                new PaymentSteps.Sheet(0, 1, 2),
                new AccountSteps.AtStripe(0, 7, 0),
                new WorldSteps.AdvanceClock(1)));
        for (int i = 0; i < 4; i++) {
            steps.add(new WorldSteps.Replay(-1 - i, false));
            steps.add(new WorldSteps.Redeliver(-1 - i, false));
        }
        try (World world = World.onPostgres()) {
            run(world, steps);
        }
    }

    /**
     * Scaled out, where features meet: each instance caches the entitlements it answered (for a day here), and then
     * a new user's double click on Checkout (one request to each instance: one Stripe customer), a plan paid, changed
     * and cancelled at once, an organization's per-seat plan and its members joining and leaving
     * (Clerk's events sent to either instance; the first member leaves its one seat as it was, so only the record of
     * changes tells the other instance), a rolling restart, a guest purchase claimed, an erasure and usage
     * while Stripe's meter fails are each applied by one instance, and a price change in Stripe's Dashboard whose
     * webhooks Stripe sends while one instance is down (the other takes its own copy at once); after each step both
     * instances must answer as the store has it.
     */
    @Test
    void twoInstancesAnswerAlikeWhicheverChangedIt() {
        int org = Run.USERS;
        try (World world = World.twoInstances()) {
            run(
                    world,
                    List.of(
                            new PaymentSteps.CheckoutTwice(1, 0, 1, true),
                            new PaymentSteps.StartCheckout(0, 1, true),
                            new AccountSteps.ChangePlan(0, 2, 0),
                            new AccountSteps.Cancel(0, false),
                            new PaymentSteps.StartCheckout(org, 3, true),
                            new WorldSteps.Membership(Run.USERS + 1, true, false),
                            new WorldSteps.JoinTogether(3),
                            new WorldSteps.Membership(Run.USERS + 1, false, false),
                            new WorldSteps.Restart(),
                            new WorldSteps.Membership(Run.USERS + 2, true, false),
                            new PaymentSteps.GuestBuy(1, 0),
                            new PaymentSteps.Claim(1),
                            new WorldSteps.MeterOutage(2),
                            new PaymentSteps.StartCheckout(2, 0, true),
                            new AccountSteps.Usage(2, 0, 7, 0),
                            new WorldSteps.Restart(new AccountSteps.AtStripe(1, 3, 2), true),
                            new WorldSteps.Erase(2, false)));
        }
    }

    /** Runs one fixed sequence in a Postgres world of its own. */
    private static void onPostgres(Step... steps) {
        try (World world = World.onPostgres()) {
            run(world, List.of(steps));
        }
    }

    /** Runs one fixed sequence in a Supabase world of its own, its move's last pass cut where the sequence says. */
    private static void onSupabase(Step... steps) {
        onSupabase(cutPoint(List.of(steps)), steps);
    }

    /** The same, the move's last pass cut at {@code cutAt}. */
    private static void onSupabase(StoreMove.CutPoint cutAt, Step... steps) {
        try (World world = World.onSupabase()) {
            run(world, List.of(steps), cutAt);
        }
    }

    private static void property(
            int examples, long seedOffset, boolean supabase, java.util.function.Supplier<World> worlds) {
        qt(() -> strategy(examples, seedOffset))
                .forAll(Sequences.random(supabase, MAX_STEPS))
                .describedAs(BillingInvariantsIT::describe)
                .checkAssert(steps -> {
                    try (World world = worlds.get()) {
                        run(world, steps);
                    }
                });
    }

    static Strategy strategy(int examples, long seedOffset) {
        String seed = System.getProperty("billing.invariants.seed");
        Strategy base = Configuration.systemStrategy().withExamples(examples).withShrinkCycles(SHRINKS);
        return "random".equals(seed)
                ? base
                : base.withFixedSeed(seed == null ? SEED + seedOffset : Long.parseLong(seed));
    }

    /** Runs one sequence, checking every invariant after each step; a failure names the step. */
    static void run(World world, List<Step> steps) {
        run(world, steps, cutPoint(steps));
    }

    /** Where the move's last pass is cut: the same for the same sequence, shrunk or run again. */
    private static StoreMove.CutPoint cutPoint(List<Step> steps) {
        return StoreMove.CutPoint.of(describe(steps).hashCode());
    }

    /** The same, the move's last pass cut at {@code cutAt} (Supabase only). */
    static void run(World world, List<Step> steps, StoreMove.CutPoint cutAt) {
        Run r = new Run(world);
        System.out.println("invariant sequence " + r.id + " on " + world + ":" + describe(steps));
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            r.step = step;
            try {
                step.run(r);
                r.settle();
                Invariants.check(r);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(
                        "after step " + (i + 1) + " (" + step + ") on " + world + ": " + e.getMessage(), e);
            }
        }
        if (world.store.equals("supabase")) {
            try {
                StoreMove.check(r, cutAt);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(
                        "after the last step, moving " + world.store + " to Postgres: " + e.getMessage(), e);
            }
        }
    }

    static String describe(List<Step> steps) {
        return steps.stream().map(Step::toString).collect(Collectors.joining("\n  ", "\n  ", "\n"));
    }
}
