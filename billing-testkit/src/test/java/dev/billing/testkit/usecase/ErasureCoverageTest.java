package dev.billing.testkit.usecase;

import static dev.billing.testkit.Builders.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.checkout.CheckoutCommand;
import dev.billing.core.checkout.CheckoutOutcome;
import dev.billing.core.config.OrgOptions;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.UserId;
import dev.billing.core.model.catalog.BillingInterval;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.privacy.PersonalData;
import dev.billing.core.model.subscription.CheckoutSession;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.port.EventInbox;
import dev.billing.core.privacy.ErasePersonalData.Erased;
import dev.billing.core.privacy.ErasePersonalData.Options;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.Builders;
import dev.billing.testkit.SamplePlans;
import dev.billing.testkit.fake.FakeMembershipWebhookVerifier;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Erasure and export cover every stored event about an account, whatever its object and of both sources (a
 * subscription's Checkout completion, Clerk's membership events), and nothing that happens afterwards writes the
 * account's id again: a replay, a redelivery, a later event whose subscription is re-read from Stripe (whose metadata
 * still names the user), a reconcile.
 */
class ErasureCoverageTest {
    static final UserId ADA = UserId.of("user_ada");
    static final String EMAIL = "ada@example.com";

    // Re-fetch on (the default): Checkout's completion reads the new subscription from Stripe.
    final BillingHarness h = BillingHarness.withPlans(
            SamplePlans.catalog(), OrgOptions.defaults().withMembershipSync(true));
    CustomerId customer;
    CheckoutSession session;
    String subscriptionId;
    StripeEvent completed;

    /** Ada subscribes through Checkout and joins an organization. */
    void adaSubscribesAndJoins() {
        CheckoutOutcome outcome = h.billing()
                .startCheckout(
                        h.identity(ADA.value()),
                        new CheckoutCommand.Subscribe("pro", BillingInterval.MONTH, null, null, null, null));
        String sessionId = ((CheckoutOutcome.Started) outcome).session().id();
        subscriptionId = h.gateway().completeCheckout(sessionId);
        session = h.gateway().getCheckoutSession(sessionId).orElseThrow();
        customer = session.customerId();
        completed = checkoutEvent("evt_cs_completed");
        assertThat(h.deliver(completed, new EventObject.OfCheckoutSession(session))
                        .inlineStatus())
                .isEqualTo(InboxStatus.PROCESSED);
        assertThat(h.billing()
                        .receiveClerkWebhook(
                                "msg_ada_joined",
                                "0",
                                "valid",
                                FakeMembershipWebhookVerifier.body("org_acme", ADA.value(), true, T0))
                        .inlineStatus())
                .isEqualTo(InboxStatus.PROCESSED);
    }

    /** A subscription's completion: its object is the session, which names the customer (and the buyer's email). */
    StripeEvent checkoutEvent(String id) {
        return Builders.anEvent()
                .withId(id)
                .withType("checkout.session.completed")
                .forObject("checkout.session", session.id())
                .about(customer.value())
                .withPayload("{\"id\":\"" + id + "\",\"data\":{\"object\":{\"id\":\"" + session.id()
                        + "\",\"customer\":\"" + customer.value() + "\",\"customer_details\":{\"email\":\"" + EMAIL
                        + "\"}}}}")
                .build();
    }

    @Test
    void theOpenSessionsAreExpiredAndAnIgnoredEventAboutTheErasedCustomerKeepsNoPersonalData() {
        adaSubscribesAndJoins();
        CheckoutOutcome buying = h.billing()
                .startCheckout(h.identity(ADA.value()), new CheckoutCommand.Buy("price_credits_100", 1, null, null));
        String open = ((CheckoutOutcome.Started) buying).session().id();

        h.billing().useCases().erasePersonalData().erase(ADA, Options.localOnly());

        assertThat(h.gateway().getCheckoutSession(open).orElseThrow().status())
                .as("nothing payable for a person " + "who is gone")
                .isEqualTo("expired");
        // Stripe says so, with the session's metadata and the buyer's email; no route processes the type.
        StripeEvent expired = Builders.anEvent()
                .withId("evt_cs_expired")
                .withType("checkout.session.expired")
                .forObject("checkout.session", open)
                .about(customer.value())
                .withPayload("{\"id\":\"evt_cs_expired\",\"data\":{\"object\":{\"id\":\"" + open
                        + "\",\"customer\":\"" + customer.value() + "\",\"customer_email\":\"" + EMAIL
                        + "\",\"metadata\":{\"user_id\":\"" + ADA.value() + "\"}}}}")
                .build();
        assertThat(h.deliver(
                                expired,
                                new EventObject.OfCheckoutSession(
                                        h.gateway().getCheckoutSession(open).orElseThrow()))
                        .inlineStatus())
                .isEqualTo(InboxStatus.IGNORED);

        assertThat(h.stores()
                        .inbox()
                        .find("evt_cs_expired")
                        .orElseThrow()
                        .event()
                        .payload())
                .contains(EventInbox.REDACTED_KEY)
                .doesNotContain(EMAIL)
                .doesNotContain(ADA.value());
    }

    @Test
    void aPaymentSheetPurchaseAfterTheErasureIsRecordedUnderThePseudonymAndItsEventKeepsNoPersonalData() {
        adaSubscribesAndJoins();
        h.billing().useCases().erasePersonalData().erase(ADA, Options.localOnly());
        // The app paid a sheet opened before the erasure: Stripe's intent still names the account in its metadata.
        Map<String, String> metadata = Map.of(
                "user_id", ADA.value(), "price_id", "price_credits_100", "quantity", "1", "purchase_source", "sheet");
        StripeEvent paid = Builders.anEvent()
                .withId("evt_pi_after_erasure")
                .withType("payment_intent.succeeded")
                .forObject("payment_intent", "pi_after_erasure")
                .about(customer.value())
                .withPayload("{\"id\":\"evt_pi_after_erasure\",\"data\":{\"object\":{\"id\":\"pi_after_erasure\","
                        + "\"customer\":\"" + customer.value() + "\",\"metadata\":{\"user_id\":\"" + ADA.value()
                        + "\"}}}}")
                .build();
        assertThat(h.deliver(
                                paid,
                                new EventObject.OfPaymentIntent(
                                        "pi_after_erasure",
                                        customer,
                                        "succeeded",
                                        new dev.billing.core.model.Money(1000, "usd"),
                                        metadata))
                        .inlineStatus())
                .isEqualTo(InboxStatus.PROCESSED);

        assertThat(h.stores()
                        .inbox()
                        .find("evt_pi_after_erasure")
                        .orElseThrow()
                        .event()
                        .payload())
                .contains(EventInbox.REDACTED_KEY)
                .doesNotContain(ADA.value());
        assertThat(h.stores().subscriptions().purchasesOf(customer))
                .extracting(p -> p.id())
                .contains("pi_after_erasure");
    }

    @Test
    void theCheckoutCompletionAndTheMembershipEventsAreExportedAndErased() {
        adaSubscribesAndJoins();
        PersonalData before = h.billing().useCases().exportPersonalData().export(ADA);
        assertThat(before.events())
                .extracting(e -> e.event().type())
                .contains("checkout.session.completed", "clerk.organizationMembership.created");
        assertThat(before.memberships()).hasSize(1);
        assertThat(before.subscriptions())
                .singleElement()
                .satisfies(s -> assertThat(s.metadata()).containsEntry("user_id", ADA.value()));

        Erased erased = h.billing().useCases().erasePersonalData().erase(ADA, Options.localOnly());

        for (String event : new String[] {completed.id(), "msg_ada_joined"}) {
            InboxEntry entry = h.stores().inbox().find(event).orElseThrow();
            assertThat(EventInbox.isRedacted(entry.event().payload())).as(event).isTrue();
            assertThat(entry.event().subjectId()).isNull();
            assertThat(entry.event().payload()).doesNotContain(EMAIL).doesNotContain(ADA.value());
        }
        assertThat(h.stores().memberships().ofUser(ADA)).isEmpty();
        assertThat(h.stores().memberships().ofUser(erased.pseudonym())).hasSize(1);
        PersonalData after = h.billing().useCases().exportPersonalData().export(ADA);
        assertThat(after.events()).isEmpty();
        assertThat(after.memberships()).isEmpty();
    }

    @Test
    void replaysRedeliveriesAndALaterCheckoutEventNeverWriteTheAccountAgain() {
        adaSubscribesAndJoins();
        Erased erased = h.billing().useCases().erasePersonalData().erase(ADA, Options.localOnly());

        // The old Checkout event, replayed by an admin: its session is read from Stripe, which still names Ada, and
        // applied under the pseudonym (checked below with the later event).
        assertThat(h.billing().useCases().replayEvent().replay(completed.id()).status())
                .isEqualTo(InboxStatus.PROCESSED);
        assertThat(h.billing().useCases().replayEvent().replay("msg_ada_joined").status())
                .isEqualTo(InboxStatus.IGNORED);
        // Redelivered by Stripe and Clerk: duplicates.
        assertThat(h.deliver(completed, new EventObject.OfCheckoutSession(session))
                        .duplicate())
                .isTrue();
        assertThat(h.billing()
                        .receiveClerkWebhook(
                                "msg_ada_joined",
                                "0",
                                "valid",
                                FakeMembershipWebhookVerifier.body("org_acme", ADA.value(), true, T0))
                        .duplicate())
                .isTrue();
        // A later Checkout event about the customer: its subscription is re-read from Stripe, which still names Ada.
        assertThat(h.gateway().getSubscription(subscriptionId).orElseThrow().metadata())
                .containsEntry("user_id", ADA.value());
        StripeEvent later = checkoutEvent("evt_cs_later");
        assertThat(h.deliver(later, new EventObject.OfCheckoutSession(session)).inlineStatus())
                .isEqualTo(InboxStatus.PROCESSED);

        assertThat(h.stores().subscriptions().findSubscription(subscriptionId))
                .hasValueSatisfying(s -> assertThat(s.metadata())
                        .containsEntry("user_id", erased.pseudonym().value()));
        assertThat(EventInbox.isRedacted(h.stores()
                        .inbox()
                        .find(later.id())
                        .orElseThrow()
                        .event()
                        .payload()))
                .isTrue();
        assertThat(h.stores().memberships().ofUser(ADA)).isEmpty();
        assertThat(h.stores().customers().findByUserId(ADA)).isEmpty();
    }

    @Test
    void aLaterEventIsWrittenUnderThePseudonymBeforeItIsWritten() {
        adaSubscribesAndJoins();
        Erased erased = h.billing().useCases().erasePersonalData().erase(ADA, Options.localOnly());
        // The event's own snapshot names nobody (as Stripe's do for a subscription made without metadata); its
        // re-fetch is Stripe's subscription, which names Ada: only the read before the write can keep her out, since
        // nothing afterwards knows which user the write named.
        Subscription snapshot = Builders.aSubscription()
                .withId(subscriptionId)
                .withCustomer(customer.value())
                .withPrice("price_pro_monthly")
                .snapshotAt(h.clock().instant())
                .build();
        StripeEvent updated = Builders.anEvent()
                .withType("customer.subscription.updated")
                .forObject("subscription", subscriptionId)
                .about(customer.value())
                .build();

        assertThat(h.deliver(updated, new EventObject.OfSubscription(snapshot)).inlineStatus())
                .isEqualTo(InboxStatus.PROCESSED);

        assertThat(h.stores().subscriptions().findSubscription(subscriptionId))
                .hasValueSatisfying(s -> assertThat(s.metadata())
                        .containsEntry("user_id", erased.pseudonym().value()));
    }

    @Test
    void aReconcileOfTheErasedCustomerWritesItsSubscriptionsUnderThePseudonym() {
        adaSubscribesAndJoins();
        Erased erased = h.billing().useCases().erasePersonalData().erase(ADA, Options.localOnly());

        h.billing().useCases().reconcile().all();

        assertThat(h.stores().subscriptions().subscriptionsOf(customer))
                .isNotEmpty()
                .allSatisfy(s -> assertThat(s.metadata())
                        .doesNotContainValue(ADA.value())
                        .containsEntry("user_id", erased.pseudonym().value()));
        assertThat(Map.copyOf(h.gateway()
                        .getSubscription(subscriptionId)
                        .orElseThrow()
                        .metadata()))
                .containsEntry("user_id", ADA.value());
    }
}
