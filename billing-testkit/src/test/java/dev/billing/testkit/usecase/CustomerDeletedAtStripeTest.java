package dev.billing.testkit.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.customer.EnsuredCustomer;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.UserId;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.audit.AuditQuery;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.privacy.PersonalData;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.privacy.ErasePersonalData.Erased;
import dev.billing.core.privacy.ErasePersonalData.Options;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.Builders;
import dev.billing.testkit.fake.FakePaymentGateway;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Stripe customer deleted at Stripe (its Dashboard, its API) can never be charged again: its {@code customer.deleted}
 * retires the account's link, the account's next checkout gets a new customer, and the deleted customer's rows stay
 * the account's for its export and its erasure.
 */
class CustomerDeletedAtStripeTest {
    static final UserId ADA = UserId.of("user_ada");
    static final String EMAIL = "user_ada@example.com"; // what h.identity("user_ada") carries

    final BillingHarness h = BillingHarness.create(o -> o.refetchOnWebhook(false));
    CustomerId first;
    Subscription subscription;

    void adaPays() {
        first = h.billing().ensureCustomer(h.identity("user_ada")).customerId();
        h.deliver(
                Builders.anEvent()
                        .withType("customer.created")
                        .forObject("customer", first.value())
                        .withPayload("{\"id\":\"evt_c\",\"data\":{\"object\":{\"email\":\"" + EMAIL + "\"}}}")
                        .build(),
                new EventObject.OfCustomer(first, ADA, EMAIL, false));
        Subscription atStripe = h.gateway().subscribe(first, "price_pro_monthly", SubscriptionStatus.ACTIVE);
        subscription = Builders.aSubscription()
                .withId(atStripe.id())
                .withCustomer(first.value())
                .withPrice("price_pro_monthly")
                .withStatus(SubscriptionStatus.ACTIVE)
                .withMetadata("user_id", "user_ada")
                .snapshotAt(h.clock().instant())
                .build();
        h.deliver(
                Builders.anEvent()
                        .withType("customer.subscription.created")
                        .forObject("subscription", subscription.id())
                        .withPayload("{\"id\":\"evt_s\",\"metadata\":{\"user_id\":\"user_ada\"}}")
                        .build(),
                new EventObject.OfSubscription(subscription));
        assertThat(h.billing().entitlements(ADA).tier()).isEqualTo("pro");
    }

    /** What Stripe sends when the customer is deleted: its subscriptions end first, then the customer goes. */
    void deletedAtStripe(CustomerId customer, String eventId) {
        h.clock().advance(java.time.Duration.ofSeconds(5));
        if (customer.equals(first)) {
            Subscription ended = Builders.aSubscription()
                    .withId(subscription.id())
                    .withCustomer(first.value())
                    .withPrice("price_pro_monthly")
                    .canceled(h.clock().instant())
                    .withMetadata("user_id", "user_ada")
                    .snapshotAt(h.clock().instant())
                    .build();
            h.deliver(
                    Builders.anEvent()
                            .withType("customer.subscription.deleted")
                            .forObject("subscription", subscription.id())
                            .withPayload("{\"id\":\"" + eventId + "_s\"}")
                            .build(),
                    new EventObject.OfSubscription(ended));
        }
        h.deliver(
                Builders.anEvent()
                        .withId(eventId)
                        .withType("customer.deleted")
                        .forObject("customer", customer.value())
                        .withPayload("{\"id\":\"" + eventId + "\",\"data\":{\"object\":{\"email\":\"" + EMAIL
                                + "\",\"deleted\":true}}}")
                        .build(),
                new EventObject.OfCustomer(customer, ADA, EMAIL, true));
    }

    @Test
    void theNextCheckoutGetsANewCustomerAndTheDeletedOneStaysTaken() {
        adaPays();
        deletedAtStripe(first, "evt_deleted");

        assertThat(h.stores().customers().findByUserId(ADA)).isEmpty();
        assertThat(h.stores().customers().findByCustomerId(first))
                .map(CustomerLink::userId)
                .contains(ADA.retiredLink(1));
        assertThat(h.billing().entitlements(ADA).tier()).isEqualTo("free");

        // A late customer.updated of the deleted customer (its metadata names Ada) cannot link it again.
        h.deliver(
                Builders.anEvent()
                        .withType("customer.updated")
                        .forObject("customer", first.value())
                        .withPayload("{\"id\":\"evt_late\"}")
                        .build(),
                new EventObject.OfCustomer(first, ADA, EMAIL, false));
        assertThat(h.stores().customers().findByUserId(ADA)).isEmpty();

        // Stripe replays the first customer for the first creation key; the account steps past it.
        EnsuredCustomer second = h.billing().ensureCustomer(h.identity("user_ada"));
        assertThat(second.created()).isTrue();
        assertThat(second.customerId()).isNotEqualTo(first);
        assertThat(h.billing().ensureCustomer(h.identity("user_ada")).customerId())
                .isEqualTo(second.customerId());
        assertThat(h.stores().customers().retiredOf(ADA))
                .extracting(CustomerLink::customerId)
                .containsExactly(first);

        // A redelivery of the deletion leaves the new link alone.
        deletedAtStripe(first, "evt_deleted_again");
        assertThat(h.stores().customers().findByUserId(ADA))
                .map(CustomerLink::customerId)
                .contains(second.customerId());

        List<AuditEntry> deletions = h.stores()
                .audit()
                .list(AuditQuery.all(10).withAction(AuditAction.CUSTOMER_DELETED))
                .items();
        assertThat(deletions).singleElement().satisfies(e -> {
            assertThat(e.userId()).isEqualTo(ADA);
            assertThat(e.customerId()).isEqualTo(first);
            assertThat(e.cause().text()).isEqualTo("event:evt_deleted");
        });
    }

    @Test
    void whatTheDeletedCustomerBoughtStaysOwned() {
        adaPays();
        h.stores()
                .subscriptions()
                .recordPurchase(Builders.aPurchase().withCustomer(first.value()).build());
        h.clock().advance(java.time.Duration.ofHours(1)); // past the entitlements cached by adaPays
        assertThat(h.billing().entitlements(ADA).ownedItems()).containsExactly("credits_100");

        deletedAtStripe(first, "evt_deleted");
        assertThat(h.billing().entitlements(ADA).ownedItems()).containsExactly("credits_100");
        CustomerId second = h.billing().ensureCustomer(h.identity("user_ada")).customerId();
        h.stores()
                .subscriptions()
                .recordPurchase(Builders.aPurchase()
                        .withId("cs_second")
                        .withCustomer(second.value())
                        .purchasedAt(h.clock().instant())
                        .build());
        h.clock().advance(java.time.Duration.ofHours(1));
        assertThat(h.billing().entitlements(ADA).tier()).isEqualTo("free");
        assertThat(h.billing().entitlements(ADA).ownedItems()).containsExactly("credits_100");
        assertThat(h.billing().useCases().listPurchases().of(ADA))
                .extracting(p -> p.customerId())
                .containsExactly(first, second);
    }

    /** The drainer links a batch's customer events together: a deletion among them is applied, not taken for one. */
    @Test
    void aDeletionDrainedWithItsBatchRetiresTheLink() {
        BillingHarness queued =
                BillingHarness.create(o -> o.refetchOnWebhook(false).inlinePermits(0));
        CustomerId customer =
                queued.billing().ensureCustomer(queued.identity("user_ada")).customerId();
        CustomerId other =
                queued.billing().ensureCustomer(queued.identity("user_bob")).customerId();
        queued.deliver(
                Builders.anEvent()
                        .withType("customer.deleted")
                        .forObject("customer", customer.value())
                        .withPayload("{\"id\":\"evt_deleted\"}")
                        .build(),
                new EventObject.OfCustomer(customer, ADA, EMAIL, true));
        queued.deliver(
                Builders.anEvent()
                        .withType("customer.updated")
                        .forObject("customer", other.value())
                        .withPayload("{\"id\":\"evt_updated\"}")
                        .build(),
                new EventObject.OfCustomer(other, UserId.of("user_bob"), "bob@example.com", false));
        queued.clock().advance(java.time.Duration.ofMillis(10));

        assertThat(queued.billing().useCases().processInboxEvent().processDue(10, Runnable::run))
                .isEqualTo(2);

        assertThat(queued.stores().customers().findByUserId(ADA)).isEmpty();
        assertThat(queued.stores().customers().retiredOf(ADA))
                .extracting(CustomerLink::customerId)
                .containsExactly(customer);
        assertThat(queued.stores().customers().findByUserId(UserId.of("user_bob")))
                .map(CustomerLink::customerId)
                .contains(other);
    }

    /**
     * An erasure that deletes the Stripe customer: Stripe's {@code customer.deleted} may retire the link while the
     * erasure runs, after it read the link; the retired link is erased all the same.
     */
    @Test
    void aLinkRetiredWhileItsErasureRunsIsErasedToo() {
        adaPays();
        h.gateway()
                .beforeNext(
                        FakePaymentGateway.Operation.DELETE_CUSTOMER,
                        () -> deletedAtStripe(first, "evt_deleted_by_erasure"));

        Erased erased = h.billing().useCases().erasePersonalData().erase(ADA, new Options(false, true));

        assertThat(erased.stripeCustomerDeleted()).isTrue();
        assertThat(erased.linkErased()).isTrue();
        assertThat(h.stores().customers().retiredOf(ADA)).isEmpty();
        assertThat(h.stores().customers().findByCustomerId(first))
                .map(l -> l.userId().isPseudonym() && l.email() == null)
                .contains(true);
        assertThat(h.stores().audit().list(AuditQuery.all(100)).items())
                .allSatisfy(e -> assertThat(e.toString()).doesNotContain("user_ada"));
        assertThat(ErasureTest.everything(
                        h.billing().useCases().exportPersonalData().export(erased.pseudonym())))
                .doesNotContain(EMAIL)
                .doesNotContain("user_ada");
    }

    @Test
    void aSecondDeletionRetiresTheSecondCustomerUnderTheNextNumber() {
        adaPays();
        deletedAtStripe(first, "evt_deleted_1");
        CustomerId second = h.billing().ensureCustomer(h.identity("user_ada")).customerId();
        deletedAtStripe(second, "evt_deleted_2");
        CustomerId third = h.billing().ensureCustomer(h.identity("user_ada")).customerId();

        assertThat(List.of(first, second, third)).doesNotHaveDuplicates();
        assertThat(h.stores().customers().retiredOf(ADA))
                .extracting(CustomerLink::userId, CustomerLink::customerId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(ADA.retiredLink(1), first),
                        org.assertj.core.groups.Tuple.tuple(ADA.retiredLink(2), second));
    }

    @Test
    void theExportHoldsTheDeletedCustomerAndTheErasureLeavesNothingOfIt() {
        adaPays();
        deletedAtStripe(first, "evt_deleted");
        CustomerId second = h.billing().ensureCustomer(h.identity("user_ada")).customerId();

        PersonalData data = h.billing().useCases().exportPersonalData().export(ADA);
        assertThat(data.customer().customerId()).isEqualTo(second);
        assertThat(data.retiredCustomers()).singleElement().satisfies(l -> {
            assertThat(l.customerId()).isEqualTo(first);
            assertThat(l.email()).isEqualTo(EMAIL);
        });
        assertThat(data.subscriptions()).extracting(Subscription::id).containsExactly(subscription.id());
        assertThat(data.events())
                .extracting(e -> e.event().type())
                .contains("customer.created", "customer.subscription.created", "customer.deleted");
        assertThat(data.audit())
                .extracting(AuditEntry::action)
                .contains(AuditAction.CUSTOMER_DELETED, AuditAction.SUBSCRIPTION_CANCELED);

        Erased erased = h.billing().useCases().erasePersonalData().erase(ADA, Options.localOnly());

        assertThat(erased.subscriptions()).isPositive();
        assertThat(h.stores().customers().retiredOf(ADA)).isEmpty();
        UserId heldBy =
                h.stores().customers().findByCustomerId(first).orElseThrow().userId();
        assertThat(heldBy.isPseudonym()).isTrue();
        assertThat(heldBy).isNotEqualTo(erased.pseudonym());
        assertThat(ADA.hasPseudonym(heldBy)).isTrue();
        PersonalData kept = h.billing().useCases().exportPersonalData().export(heldBy);
        assertThat(kept.customer().email()).isNull();
        assertThat(kept.subscriptions())
                .singleElement()
                .satisfies(s -> assertThat(s.metadata()).containsEntry("user_id", heldBy.value()));
        assertThat(ErasureTest.everything(kept)).doesNotContain(EMAIL).doesNotContain("user_ada");
        assertThat(ErasureTest.everything(
                        h.billing().useCases().exportPersonalData().export(erased.pseudonym())))
                .doesNotContain(EMAIL)
                .doesNotContain("user_ada");
        assertThat(h.stores().audit().list(AuditQuery.all(100)).items())
                .allSatisfy(e -> assertThat(e.toString()).doesNotContain("user_ada"));
    }
}
