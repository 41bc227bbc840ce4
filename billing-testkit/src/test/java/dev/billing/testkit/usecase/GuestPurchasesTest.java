package dev.billing.testkit.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.error.BillingException;
import dev.billing.core.guest.GuestPurchases;
import dev.billing.core.model.Identity;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UserId;
import dev.billing.core.model.analytics.Analytics;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.payment.GuestPurchase;
import dev.billing.core.model.payment.PaymentRefund;
import dev.billing.core.model.payment.Purchase;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.payment.ListRefunds;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.Builders;
import dev.billing.testkit.SamplePlans;
import dev.billing.testkit.contract.Race;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A visitor buys without an account; the user who signs in with that email, verified, owns it, exactly once. */
class GuestPurchasesTest {
    final BillingHarness h = BillingHarness.withPlans(SamplePlans.withGuests());

    GuestPurchases guests() {
        return h.billing().useCases().guestPurchases();
    }

    /** A guest buys and pays as {@code email}; Stripe's checkout.session.completed arrives. */
    CheckoutSession guestBuys(String email) {
        CheckoutSession started = guests().checkout("price_credits_100", 2, null, null, null);
        h.gateway().completeCheckout(started.id(), email);
        CheckoutSession paid = h.gateway().getCheckoutSession(started.id()).orElseThrow();
        StripeEvent event = Builders.anEvent()
                .withType("checkout.session.completed")
                .forObject("checkout.session", paid.id())
                .build();
        h.deliver(event, new EventObject.OfCheckoutSession(paid));
        return paid;
    }

    Identity signedIn(String user, String email, boolean verified) {
        return new Identity(UserId.of(user), "sess_" + user, email, null, Map.of("email_verified", verified));
    }

    @Test
    void theUserWithTheVerifiedEmailClaimsTheGuestPurchaseOnce() {
        CheckoutSession paid = guestBuys("Visitor@Example.com");
        assertThat(h.stores().guests().ofEmail("visitor@example.com"))
                .singleElement()
                .satisfies(p -> assertThat(p.customerId()).isEqualTo(paid.customerId()));

        List<GuestPurchase> claimed = guests().claim(signedIn("user_ada", "visitor@example.com", true));

        assertThat(claimed).singleElement().satisfies(p -> {
            assertThat(p.sessionId()).isEqualTo(paid.id());
            assertThat(p.claimedBy()).isEqualTo(UserId.of("user_ada"));
        });
        assertThat(h.billing().entitlements(UserId.of("user_ada")).ownedItems()).containsExactly("credits_100");
        assertThat(guests().claim(signedIn("user_ada", "visitor@example.com", true)))
                .hasSize(1);
        assertThat(h.billing().useCases().listPurchases().of(UserId.of("user_ada")))
                .hasSize(1);
        assertThat(guests().claim(signedIn("user_bob", "visitor@example.com", true)))
                .isEmpty();
        assertThat(h.billing().entitlements(UserId.of("user_bob")).ownedItems()).isEmpty();
    }

    @Test
    void aClaimMovesThePurchaseSoItIsCountedOnceAndItsRefundsShowForTheUser() {
        CheckoutSession paid = guestBuys("visitor@example.com");
        UserId ada = UserId.of("user_ada");

        guests().claim(signedIn("user_ada", "visitor@example.com", true));
        guests().claim(signedIn("user_ada", "visitor@example.com", true)); // a retry changes nothing

        List<Purchase> mine = h.billing().useCases().listPurchases().of(ada);
        assertThat(mine).singleElement().satisfies(p -> {
            assertThat(p.id()).isEqualTo(paid.id());
            assertThat(p.paymentIntentId()).isEqualTo(paid.paymentIntentId());
            assertThat(p.amountTotal()).isEqualTo(paid.amountTotal());
        });
        assertThat(h.stores().subscriptions().countPurchases()).isEqualTo(1);
        assertThat(h.billing().useCases().revenueAnalytics().revenue().purchases())
                .extracting(Analytics.MonthlyPurchases::count, Analytics.MonthlyPurchases::amountTotal)
                .containsExactly(org.assertj.core.api.Assertions.tuple(1L, paid.amountTotal()));
        List<AuditEntry> trail = h.stores().audit().entries().stream()
                .filter(e -> e.entityId().startsWith(paid.id()))
                .toList();
        assertThat(trail)
                .extracting(AuditEntry::action)
                .containsExactly(AuditAction.PURCHASE_RECORDED, AuditAction.PURCHASE_CLAIMED);

        // Stripe names the customer it made for the guest on the payment's refund.
        PaymentRefund refund = new PaymentRefund(
                "re_guest_1",
                paid.customerId(),
                "ch_guest_1",
                paid.paymentIntentId(),
                300,
                "usd",
                "succeeded",
                null,
                h.clock().instant(),
                SourceVersion.snapshot(h.clock().instant()));
        h.deliver(
                Builders.anEvent()
                        .withType("refund.created")
                        .forObject("refund", refund.id())
                        .build(),
                new EventObject.OfRefund(refund.id(), refund));
        List<PaymentRefund> refunds = h.billing().useCases().listRefunds().of(ada);
        assertThat(refunds).extracting(PaymentRefund::id).containsExactly("re_guest_1");
        assertThat(ListRefunds.refundedOf(mine.get(0), refunds)).isEqualTo(300);
    }

    @Test
    void anUnverifiedOrMissingEmailClaimsNothing() {
        guestBuys("visitor@example.com");

        for (Identity caller :
                List.of(signedIn("user_eve", "visitor@example.com", false), Identity.of("user_eve", "sess_eve"))) {
            assertThatThrownBy(() -> guests().claim(caller))
                    .isInstanceOfSatisfying(
                            BillingException.class, e -> assertThat(e.code()).isEqualTo("email_not_verified"));
        }
        assertThat(h.stores().guests().ofEmail("visitor@example.com"))
                .singleElement()
                .satisfies(p -> assertThat(p.claimedBy()).isNull());
    }

    @Test
    void racingClaimsOfOneEmailGiveThePurchaseToOneUser() {
        guestBuys("visitor@example.com");

        List<List<GuestPurchase>> results =
                Race.run(8, i -> guests().claim(signedIn("user_" + i, "visitor@example.com", true)));

        assertThat(results.stream().filter(r -> !r.isEmpty())).hasSize(1);
    }

    @Test
    void onlyItemsOpenToGuestsAndSaneRequestsStartACheckout() {
        BillingHarness closed = BillingHarness.create();
        assertThatThrownBy(() ->
                        closed.billing().useCases().guestPurchases().checkout("price_credits_100", 1, null, null, null))
                .isInstanceOfSatisfying(
                        BillingException.class, e -> assertThat(e.code()).isEqualTo("not_open_to_guests"));
        assertThatThrownBy(() -> guests().checkout("price_credits_100", 0, null, null, null))
                .isInstanceOfSatisfying(
                        BillingException.class, e -> assertThat(e.code()).isEqualTo("invalid_quantity"));
        assertThatThrownBy(() -> guests().checkout("price_credits_100", 1, "not an email", null, null))
                .isInstanceOfSatisfying(
                        BillingException.class, e -> assertThat(e.code()).isEqualTo("invalid_email"));
        assertThatThrownBy(() -> guests().checkout("price_pro_monthly", 1, null, null, null))
                .isInstanceOfSatisfying(
                        BillingException.class, e -> assertThat(e.code()).isEqualTo("unknown_item"));
        assertThat(guests().checkout("price_credits_100", 1, "v@example.com", null, null)
                        .url())
                .isNotBlank();
    }

    @Test
    void claimedGuestPurchasesAreExportedAndTheirEmailIsErased() {
        CheckoutSession paid = guestBuys("visitor@example.com");
        guests().claim(signedIn("user_ada", "visitor@example.com", true));
        CheckoutSession later = guestBuys("visitor@example.com"); // bought again later, not claimed yet
        // Both are the account's: the unclaimed one was paid with its email (and the erasure erases it too).
        assertThat(h.billing()
                        .useCases()
                        .exportPersonalData()
                        .export(UserId.of("user_ada"))
                        .guestPurchases())
                .extracting(GuestPurchase::sessionId)
                .containsExactly(paid.id(), later.id());

        var erased = h.billing()
                .useCases()
                .erasePersonalData()
                .erase(UserId.of("user_ada"), dev.billing.core.privacy.ErasePersonalData.Options.localOnly());

        assertThat(erased.guestPurchases()).isEqualTo(2);
        assertThat(h.stores().guests().ofEmail("visitor@example.com")).isEmpty();
        assertThat(h.billing()
                        .useCases()
                        .exportPersonalData()
                        .export(erased.pseudonym())
                        .guestPurchases())
                .singleElement()
                .satisfies(p -> assertThat(p.email()).doesNotContain("visitor"));
    }

    @Test
    void anAccountWithoutACustomerExportsAndErasesTheGuestPurchasesOfItsVerifiedEmail() {
        CheckoutSession paid = guestBuys("Visitor@Example.com");
        UserId ada = UserId.of("user_ada"); // signed in, never a customer: only the email ties her to the purchase

        assertThat(h.billing().useCases().exportPersonalData().export(ada).guestPurchases())
                .isEmpty();
        assertThat(h.billing()
                        .useCases()
                        .exportPersonalData()
                        .export(ada, "visitor@example.com")
                        .guestPurchases())
                .extracting(GuestPurchase::sessionId)
                .containsExactly(paid.id());
        assertThat(h.billing()
                        .useCases()
                        .exportPersonalData()
                        .export(ada, "visitor@example.com")
                        .events())
                .extracting(e -> e.event().type())
                .contains("checkout.session.completed");

        var erased = h.billing()
                .useCases()
                .erasePersonalData()
                .erase(ada, dev.billing.core.privacy.ErasePersonalData.Options.localOnly(), "VISITOR@example.com");

        assertThat(erased.guestPurchases()).isEqualTo(1);
        assertThat(h.stores().guests().ofEmail("visitor@example.com")).isEmpty();
        assertThat(h.stores().inbox().about(java.util.Set.of(paid.id()), 10))
                .as("the guest's checkout event, " + "redacted: about nobody")
                .isEmpty();
    }
}
