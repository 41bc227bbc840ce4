package dev.billing.testkit.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.checkout.CheckoutCommand;
import dev.billing.core.checkout.CheckoutOutcome;
import dev.billing.core.checkout.StartPaymentSheet;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.Money;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.audit.AuditQuery;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.notice.Notification;
import dev.billing.core.model.payment.PaymentIntentRequest;
import dev.billing.core.model.payment.Refund;
import dev.billing.core.model.payment.RefundRequest;
import dev.billing.core.model.payment.SheetIntent;
import dev.billing.core.model.privacy.PersonalData;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.port.EventInbox;
import dev.billing.core.privacy.ErasePersonalData;
import dev.billing.core.privacy.ErasePersonalData.Erased;
import dev.billing.core.privacy.ErasePersonalData.Options;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.Builders;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Export, erase, export: the personal data goes, the financial records stay under a pseudonym, and neither a replay
 * nor a later webhook brings the email back.
 */
class ErasureTest {
    static final UserId ADA = UserId.of("user_ada");
    static final String EMAIL = "ada@example.com";

    // Snapshots are projected as delivered, so the subscription carries the user in its metadata as Checkout's do.
    final BillingHarness h = BillingHarness.create(o -> o.refetchOnWebhook(false));
    CustomerId customer;
    Subscription subscription;
    StripeEvent customerCreated;

    void adaPaysAndUses() {
        customer = h.billing().ensureCustomer(h.identity("user_ada")).customerId();
        Subscription atStripe = h.gateway().subscribe(customer, "price_pro_monthly", SubscriptionStatus.ACTIVE);
        subscription = Builders.aSubscription()
                .withId(atStripe.id())
                .withCustomer(customer.value())
                .withPrice("price_pro_monthly")
                .withStatus(SubscriptionStatus.ACTIVE)
                .withMetadata("user_id", "user_ada")
                .snapshotAt(h.clock().instant())
                .build();
        customerCreated = Builders.anEvent()
                .withType("customer.created")
                .forObject("customer", customer.value())
                .withPayload("{\"id\":\"evt_c\",\"data\":{\"object\":{\"email\":\"" + EMAIL + "\"}}}")
                .build();
        h.deliver(customerCreated, new EventObject.OfCustomer(customer, ADA, EMAIL, false));
        h.deliver(
                Builders.anEvent()
                        .withType("customer.subscription.created")
                        .forObject("subscription", subscription.id())
                        .withPayload("{\"id\":\"evt_s\",\"metadata\":" + "{\"user_id\":\"user_ada\"}}")
                        .build(),
                new EventObject.OfSubscription(subscription));
        h.billing().recordUsage(ADA, "api_calls", 3, "u1");
    }

    static String everything(PersonalData data) {
        StringBuilder all = new StringBuilder(data.toString());
        data.events().forEach(e -> all.append(e.event().payload()));
        return all.toString();
    }

    @Test
    void exportEraseExportLeavesNoPersonalDataAndKeepsTheRecordsUnderThePseudonym() {
        adaPaysAndUses();
        PersonalData before = h.billing().useCases().exportPersonalData().export(ADA);
        assertThat(everything(before)).contains(EMAIL);
        assertThat(before.events()).hasSize(2);

        Erased erased = h.billing().useCases().erasePersonalData().erase(ADA, Options.localOnly());

        assertThat(erased.pseudonym().value()).startsWith("erased_").doesNotContain("ada");
        assertThat(erased.linkErased()).isTrue();
        assertThat(erased.events()).isEqualTo(2);
        assertThat(erased.subscriptions()).isEqualTo(1);
        PersonalData after = h.billing().useCases().exportPersonalData().export(ADA);
        assertThat(after.customer()).isNull();
        assertThat(after.subscriptions()).isEmpty();
        assertThat(after.usage()).isEmpty();
        PersonalData kept = h.billing().useCases().exportPersonalData().export(erased.pseudonym());
        assertThat(kept.customer().customerId()).isEqualTo(customer);
        assertThat(kept.customer().email()).isNull();
        assertThat(kept.subscriptions())
                .singleElement()
                .satisfies(s -> assertThat(s.metadata())
                        .containsEntry("user_id", erased.pseudonym().value()));
        assertThat(kept.usage())
                .singleElement()
                .satisfies(u -> assertThat(u.used()).isEqualTo(3));
        assertThat(everything(kept)).doesNotContain(EMAIL).doesNotContain("user_ada");
        assertThat(h.billing().entitlements(ADA).tier()).isEqualTo("free");
    }

    @Test
    void replaysRedeliveriesAndLaterEventsDoNotBringTheEmailBack() {
        adaPaysAndUses();
        Erased erased = h.billing().useCases().erasePersonalData().erase(ADA, Options.localOnly());

        InboxEntry replayed = h.billing().useCases().replayEvent().replay(customerCreated.id());
        assertThat(replayed.status()).isEqualTo(InboxStatus.IGNORED);
        assertThat(h.deliver(customerCreated, new EventObject.OfCustomer(customer, ADA, EMAIL, false))
                        .duplicate())
                .isTrue();
        StripeEvent updated = Builders.anEvent()
                .withType("customer.updated")
                .forObject("customer", customer.value())
                .withPayload("{\"id\":\"evt_u\",\"data\":{\"object\":{\"email\":\"" + EMAIL + "\"}}}")
                .build();
        h.deliver(updated, new EventObject.OfCustomer(customer, ADA, EMAIL, false));

        assertThat(h.stores().customers().findByUserId(ADA)).isEmpty();
        assertThat(h.stores().customers().findByCustomerId(customer)).hasValueSatisfying(l -> {
            assertThat(l.userId()).isEqualTo(erased.pseudonym());
            assertThat(l.email()).isNull();
        });
        assertThat(h.stores().inbox().find(updated.id()).orElseThrow().event().payload())
                .doesNotContain(EMAIL)
                .satisfies(p -> assertThat(EventInbox.isRedacted(p)).isTrue());
    }

    @Test
    void aSecondErasureChangesNothingAndStripeIsAskedOnlyWhenConfigured() {
        adaPaysAndUses();
        Erased first = h.billing().useCases().erasePersonalData().erase(ADA, new Options(true, false));
        assertThat(first.canceledSubscriptions()).isEqualTo(1);
        assertThat(h.gateway().getSubscription(subscription.id()).orElseThrow().status())
                .isEqualTo(SubscriptionStatus.CANCELED);

        Erased again = h.billing().useCases().erasePersonalData().erase(ADA, new Options(true, true));

        assertThat(again.pseudonym()).isEqualTo(first.pseudonym());
        assertThat(again.linkErased()).isFalse();
        assertThat(again.events()
                        + again.subscriptions()
                        + again.usageRows()
                        + again.memberships()
                        + again.canceledSubscriptions())
                .isZero();
        // Asked now, the Stripe customer is deleted on the second run: it finds the link under the pseudonym.
        assertThat(again.stripeCustomerDeleted()).isTrue();
        assertThat(h.gateway().getCustomer(customer)).isEmpty();
        assertThat(ErasePersonalData.pseudonymOf(ADA)).isEqualTo(first.pseudonym());
    }

    @Test
    void aLaterSubscriptionSnapshotNamingTheAccountIsPseudonymisedAgain() {
        adaPaysAndUses();
        Erased erased = h.billing().useCases().erasePersonalData().erase(ADA, Options.localOnly());
        // Stripe's subscription still carries the account's id in its metadata.
        Subscription renewed = Builders.aSubscription()
                .withId(subscription.id())
                .withCustomer(customer.value())
                .withPrice("price_pro_monthly")
                .withStatus(SubscriptionStatus.PAST_DUE)
                .withMetadata("user_id", "user_ada")
                .snapshotAt(h.clock().instant().plusSeconds(60))
                .build();

        StripeEvent later = Builders.anEvent()
                .withType("customer.subscription.updated")
                .forObject("subscription", subscription.id())
                .build();
        // Received for processing after the answer, which applies events in batches (re-fetch off) that read their
        // customers' links at once; the executor runs the batch on this thread.
        var delivery = h.verifier().sign(later, new EventObject.OfSubscription(renewed));
        h.billing().useCases().receiveWebhook().receive(delivery.body(), delivery.signature(), Runnable::run);

        assertThat(h.stores().subscriptions().findSubscription(subscription.id()))
                .hasValueSatisfying(s -> {
                    assertThat(s.status()).isEqualTo(SubscriptionStatus.PAST_DUE);
                    assertThat(s.metadata())
                            .containsEntry("user_id", erased.pseudonym().value());
                });
        assertThat(h.stores().inbox().find(later.id()))
                .hasValueSatisfying(e ->
                        assertThat(EventInbox.isRedacted(e.event().payload())).isTrue());
    }

    @Test
    void anAccountErasedTwiceWithANewCustomerBetweenGetsASecondPseudonym() {
        adaPaysAndUses();
        Erased first = h.billing().useCases().erasePersonalData().erase(ADA, Options.localOnly());
        CustomerId second = h.billing().ensureCustomer(h.identity("user_ada")).customerId();

        Erased again = h.billing().useCases().erasePersonalData().erase(ADA, Options.localOnly());

        assertThat(again.linkErased()).isTrue();
        assertThat(again.pseudonym()).isNotEqualTo(first.pseudonym());
        assertThat(h.stores().customers().findByUserId(ADA)).isEmpty();
        assertThat(h.stores().customers().findByCustomerId(second))
                .map(l -> l.userId())
                .contains(again.pseudonym());
        assertThat(h.stores().customers().findByCustomerId(customer))
                .map(l -> l.userId())
                .contains(first.pseudonym());
    }

    /**
     * An erasure that cancels at Stripe redacts the cancellation's webhook, received while it ran, before the drainer
     * applies it: the subscription is read from Stripe instead, and ends, under the pseudonym (it stayed active).
     */
    @Test
    void anEventRedactedBeforeItIsAppliedStillEndsTheSubscription() {
        BillingHarness queued =
                BillingHarness.create(o -> o.refetchOnWebhook(false).inlinePermits(0));
        CustomerId ada =
                queued.billing().ensureCustomer(queued.identity("user_ada")).customerId();
        Subscription active = queued.gateway().subscribe(ada, "price_pro_monthly", SubscriptionStatus.ACTIVE);
        queued.stores().subscriptions().upsertSubscription(active);
        Subscription ended = queued.gateway().cancelSubscription(active.id(), false, "cancel-1");
        queued.deliver(
                Builders.anEvent()
                        .withId("evt_deleted")
                        .withType("customer.subscription.deleted")
                        .forObject("subscription", active.id())
                        .about(ada.value())
                        .withPayload("{\"id\":\"evt_deleted\",\"metadata\":{\"user_id\":\"user_ada\"}}")
                        .build(),
                new EventObject.OfSubscription(ended));

        Erased erased = queued.billing().useCases().erasePersonalData().erase(ADA, Options.localOnly());
        queued.clock().advance(java.time.Duration.ofMillis(10));
        assertThat(queued.billing().useCases().processInboxEvent().processDue(10, Runnable::run))
                .isEqualTo(1);

        assertThat(queued.stores().inbox().find("evt_deleted").orElseThrow().status())
                .isEqualTo(InboxStatus.PROCESSED);
        assertThat(queued.stores().subscriptions().findSubscription(active.id()))
                .hasValueSatisfying(s -> {
                    assertThat(s.status()).isEqualTo(SubscriptionStatus.CANCELED);
                    assertThat(s.metadata()).doesNotContainValue("user_ada");
                });
        assertThat(erased.events()).isEqualTo(1);
    }

    @Test
    void aRefundEventRedactedBeforeItIsAppliedStillRecordsTheRefund() {
        BillingHarness queued =
                BillingHarness.create(o -> o.refetchOnWebhook(false).inlinePermits(0));
        CheckoutOutcome.Started started = adaBuysCredits(queued);
        String paymentIntent =
                queued.gateway().completeCheckout(started.session().id());
        CustomerId ada = started.session().customerId();
        // Made in Stripe's Dashboard: no request of billing's records it, only its event.
        Refund refund = queued.gateway().createRefund(new RefundRequest(paymentIntent, 250L, null, "dash-1"));
        queued.deliver(
                Builders.anEvent()
                        .withId("evt_refund")
                        .withType("refund.created")
                        .forObject("refund", refund.id())
                        .about(ada.value())
                        .withPayload("{\"id\":\"evt_refund\",\"metadata\":{\"user_id\":\"user_ada\"}}")
                        .build(),
                new EventObject.OfRefund(
                        refund.id(), queued.gateway().getRefund(refund.id()).orElseThrow()));

        eraseAdaThenApply(queued, "evt_refund");
        assertThat(queued.stores().subscriptions().listRefunds(null, 10).items())
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.id()).isEqualTo(refund.id());
                    assertThat(r.amount()).isEqualTo(250L);
                    assertThat(r.customerId()).isEqualTo(ada);
                });
        assertThat(queued.stores().audit().list(AuditQuery.all(100)).items())
                .filteredOn(e -> e.action() == AuditAction.REFUND_CREATED)
                .singleElement()
                .satisfies(e -> assertThat(e.cause()).isEqualTo(AuditCause.event("evt_refund")));
    }

    @Test
    void aPurchaseWhoseEventWasRedactedBeforeItWasAppliedIsRecorded() {
        BillingHarness queued =
                BillingHarness.create(o -> o.refetchOnWebhook(false).inlinePermits(0));
        CheckoutOutcome.Started started = adaBuysCredits(queued);
        String session = started.session().id();
        queued.gateway().completeCheckout(session);
        queued.deliver(
                Builders.anEvent()
                        .withId("evt_paid")
                        .withType("checkout.session.completed")
                        .forObject("checkout.session", session)
                        .about(started.session().customerId().value())
                        .withPayload("{\"id\":\"evt_paid\",\"metadata\":{\"user_id\":\"user_ada\"}}")
                        .build(),
                new EventObject.OfCheckoutSession(
                        queued.gateway().getCheckoutSession(session).orElseThrow()));

        eraseAdaThenApply(queued, "evt_paid");
        assertThat(queued.stores().subscriptions().purchasesOf(started.session().customerId()))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.id()).isEqualTo(session);
                    assertThat(p.priceId()).isEqualTo("price_credits_100");
                });
        assertThat(queued.notifier().sent())
                .as("no receipt for an erased account")
                .noneMatch(n -> n instanceof Notification.Receipt);
    }

    @Test
    void aPaymentSheetPurchaseWhoseEventWasRedactedBeforeItWasAppliedIsRecorded() {
        BillingHarness queued =
                BillingHarness.create(o -> o.refetchOnWebhook(false).inlinePermits(0));
        CustomerId ada =
                queued.billing().ensureCustomer(queued.identity("user_ada")).customerId();
        SheetIntent intent = queued.gateway()
                .createPaymentIntent(new PaymentIntentRequest(
                        ada,
                        new Money(1000, "usd"),
                        "1 x credits",
                        Map.of(
                                StartPaymentSheet.SOURCE,
                                "sheet",
                                "price_id",
                                "price_credits_100",
                                "user_id",
                                "user_ada"),
                        "sheet-1"));
        EventObject.OfPaymentIntent paid = queued.gateway().succeedPaymentIntent(intent.id());
        queued.deliver(
                Builders.anEvent()
                        .withId("evt_sheet_paid")
                        .withType("payment_intent.succeeded")
                        .forObject("payment_intent", intent.id())
                        .about(ada.value())
                        .withPayload("{\"id\":\"evt_sheet_paid\",\"metadata\":{\"user_id\":\"user_ada\"}}")
                        .build(),
                paid);

        eraseAdaThenApply(queued, "evt_sheet_paid");
        assertThat(queued.stores().subscriptions().purchasesOf(ada))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.id()).isEqualTo(intent.id());
                    assertThat(p.amountTotal()).isEqualTo(1000L);
                    assertThat(p.paymentIntentId()).isEqualTo(intent.id());
                });
        assertThat(queued.notifier().sent())
                .as("no receipt for an erased account")
                .noneMatch(n -> n instanceof Notification.Receipt);
    }

    /** Erases Ada while the event waits, then applies it: processed, though the erasure redacted it. */
    private static void eraseAdaThenApply(BillingHarness queued, String eventId) {
        queued.billing().useCases().erasePersonalData().erase(ADA, Options.localOnly());
        queued.clock().advance(java.time.Duration.ofMillis(10));
        assertThat(queued.billing().useCases().processInboxEvent().processDue(10, Runnable::run))
                .isEqualTo(1);
        InboxEntry applied = queued.stores().inbox().find(eventId).orElseThrow();
        assertThat(EventInbox.isRedacted(applied.event().payload())).isTrue();
        assertThat(applied.status()).isEqualTo(InboxStatus.PROCESSED);
    }

    private static CheckoutOutcome.Started adaBuysCredits(BillingHarness harness) {
        return (CheckoutOutcome.Started) harness.billing()
                .startCheckout(
                        harness.identity("user_ada"),
                        new CheckoutCommand.Buy(
                                "price_credits_100",
                                1,
                                BillingHarness.ORIGIN + "/ok",
                                BillingHarness.ORIGIN + "/cancel"));
    }
}
