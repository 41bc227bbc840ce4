package dev.billing.server.invariants;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What users, admins, Stripe and Clerk do, one step of a sequence. A step names parties, sessions, payments and
 * events by small numbers taken modulo what exists when it runs, so that every sequence (and every shrunk one) is
 * valid: a step that finds nothing to act on does nothing, and a refusal the API answers with a 4xx is an outcome,
 * not a failure. Each {@code toString} is the line a failing run prints.
 */
sealed interface Step
        permits PaymentSteps.StartCheckout,
                PaymentSteps.PayCheckout,
                PaymentSteps.Sheet,
                PaymentSteps.SheetBuy,
                PaymentSteps.BuyItem,
                PaymentSteps.GuestBuy,
                PaymentSteps.Claim,
                PaymentSteps.CheckoutTwice,
                AccountSteps.ChangePlan,
                AccountSteps.Cancel,
                AccountSteps.Discount,
                AccountSteps.Resume,
                AccountSteps.Usage,
                AccountSteps.ServiceCall,
                AccountSteps.Refund,
                AccountSteps.PayInvoice,
                AccountSteps.FailNextPayment,
                AccountSteps.RenewalDeclined,
                AccountSteps.NewCard,
                AccountSteps.SavedCard,
                AccountSteps.AtStripe,
                WorldSteps.AdvanceClock,
                WorldSteps.Retention,
                WorldSteps.MeterOutage,
                WorldSteps.StripeFails,
                WorldSteps.StoreFails,
                WorldSteps.WebhookChaos,
                WorldSteps.JoinTogether,
                WorldSteps.Membership,
                WorldSteps.Redeliver,
                WorldSteps.Replay,
                WorldSteps.MovePass,
                WorldSteps.Restart,
                WorldSteps.Export,
                WorldSteps.Reconcile,
                WorldSteps.Erase {
    /** The tiers and intervals Checkout is started for; the last (per seat) only by the organization. */
    List<String[]> PLANS = List.of(
            new String[] {"basic", "month"},
            new String[] {"pro", "year"},
            new String[] {"enterprise", "month"},
            new String[] {"team", "month"});

    List<String> ITEMS = List.of("price_credits_100", "price_template_pack");
    List<String> METERS = List.of("api_calls", "exports");

    void run(Run r);

    /**
     * What the step does itself: a step run while Stripe or the store fails on purpose, or right before a deploy, is
     * the step inside.
     */
    default Step acting() {
        return this;
    }

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

    /** The party's live (not ended) subscription as the API lists it, or null. */
    static String live(Run r, Party p) {
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
