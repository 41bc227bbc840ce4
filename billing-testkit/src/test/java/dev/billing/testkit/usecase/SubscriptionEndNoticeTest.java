package dev.billing.testkit.usecase;

import static dev.billing.testkit.Builders.aSubscription;
import static dev.billing.testkit.Builders.anEvent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.model.notice.NoticeKind;
import dev.billing.core.model.notice.Notification;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.testkit.BillingHarness;
import dev.billing.testkit.Builders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A subscription's end is announced when it started (paid for, or a trial) and only then, whatever the stored
 * projection shows when the deletion is processed: an end written by this same deletion's earlier attempt or an
 * admin's replay, or by a re-fetch that read the subscription already ended, says nothing of a start.
 */
class SubscriptionEndNoticeTest {

    @Test
    void aReplayedDeletionOfOneNeverPaidForStaysSilent() {
        BillingHarness h = BillingHarness.create(o -> o.refetchOnWebhook(false));
        CustomerId customer =
                h.billing().ensureCustomer(h.identity("user_unpaid")).customerId();
        String id = subscribedAtStripe(h, customer, SubscriptionStatus.INCOMPLETE);
        Instant t = h.clock().instant();
        Subscription created = snapshot(id, customer, SubscriptionStatus.INCOMPLETE, t);
        Subscription deleted = deletedAt(id, customer, t.plusSeconds(10)).build();
        h.deliver(event("customer.subscription.created", id, t), new EventObject.OfSubscription(created));
        StripeEvent deletion = event("customer.subscription.deleted", id, t.plusSeconds(10));
        h.deliver(deletion, new EventObject.OfSubscription(deleted));
        assertThat(h.notifier().sent()).as("never started, so never ended").isEmpty();

        h.billing().useCases().replayEvent().replay(deletion.id());

        assertThat(h.notifier().sent())
                .as("the replay finds the row its first attempt ended")
                .isEmpty();
    }

    /** Stripe keeps no order: a deletion may be processed before anything of its subscription was stored. */
    @Test
    void aDeletionBeforeItsSubscriptionWasStoredIsAnnouncedOnlyWhenItWasPaidFor() {
        BillingHarness h = BillingHarness.create(o -> o.refetchOnWebhook(false));
        CustomerId customer =
                h.billing().ensureCustomer(h.identity("user_first_news")).customerId();
        String unpaid = subscribedAtStripe(h, customer, SubscriptionStatus.INCOMPLETE);
        String paid = subscribedAtStripe(h, customer, SubscriptionStatus.ACTIVE);
        Instant t = h.clock().instant();
        for (String id : List.of(unpaid, paid)) {
            Subscription deleted = deletedAt(id, customer, t).build();
            h.deliver(event("customer.subscription.deleted", id, t), new EventObject.OfSubscription(deleted));
        }

        assertThat(kinds(h)).containsExactly(NoticeKind.SUBSCRIPTION_CANCELED);
        assertThat(h.notifier().sent())
                .singleElement()
                .isInstanceOfSatisfying(
                        Notification.SubscriptionCanceled.class,
                        n -> assertThat(n.subscriptionId()).isEqualTo(paid));
    }

    @Test
    void aDeletionAfterAReadFoundItEndedStaysSilentWhenItNeverStarted() {
        BillingHarness h = createdThenEndedBeforeBillingSawIt("user_read_ended", SubscriptionStatus.INCOMPLETE);

        assertThat(h.notifier().sent()).isEmpty();
    }

    @Test
    void aDeletionAfterAReadFoundItEndedIsAnnouncedWhenItWasPaidFor() {
        BillingHarness h = createdThenEndedBeforeBillingSawIt("user_read_paid", SubscriptionStatus.ACTIVE);

        assertThat(kinds(h)).containsExactly(NoticeKind.SUBSCRIPTION_STARTED, NoticeKind.SUBSCRIPTION_CANCELED);
    }

    /** A trial starts with nothing paid (its invoice is open here): its end is announced all the same. */
    @Test
    void aDeletionAfterAReadFoundItEndedIsAnnouncedWhenItWasATrial() {
        BillingHarness h = createdThenEndedBeforeBillingSawIt("user_read_trial", SubscriptionStatus.TRIALING);

        assertThat(kinds(h)).containsExactly(NoticeKind.SUBSCRIPTION_STARTED, NoticeKind.SUBSCRIPTION_CANCELED);
    }

    /**
     * A subscription created at Stripe with {@code status} (paid when active) and ended there before billing
     * processed its creation, whose re-fetch reads it ended; then its deletion, a trial's showing the trial.
     */
    private static BillingHarness createdThenEndedBeforeBillingSawIt(String user, SubscriptionStatus status) {
        BillingHarness h = BillingHarness.create();
        CustomerId customer = h.billing().ensureCustomer(h.identity(user)).customerId();
        String id = subscribedAtStripe(h, customer, status);
        h.gateway().setStatus(id, SubscriptionStatus.CANCELED);
        Instant t = h.clock().instant();
        h.deliver(
                event("customer.subscription.created", id, t),
                new EventObject.OfSubscription(snapshot(id, customer, status, t)));
        assertThat(h.stores().subscriptions().findSubscription(id))
                .map(Subscription::status)
                .as("the re-fetch read it ended")
                .contains(SubscriptionStatus.CANCELED);
        var deleted = deletedAt(id, customer, t.plusSeconds(10));
        if (status == SubscriptionStatus.TRIALING) {
            deleted.withTrial(t, t.plus(Duration.ofDays(14)));
        }
        h.deliver(
                event("customer.subscription.deleted", id, t.plusSeconds(10)),
                new EventObject.OfSubscription(deleted.build()));
        return h;
    }

    /** A subscription Stripe holds for the customer, with its first invoice (paid only when it is active). */
    private static String subscribedAtStripe(BillingHarness h, CustomerId customer, SubscriptionStatus status) {
        return h.gateway().subscribe(customer, "price_pro_monthly", status).id();
    }

    /** The snapshot of a {@code customer.subscription.deleted} sent at {@code at}. */
    private static Builders.SubscriptionBuilder deletedAt(String id, CustomerId customer, Instant at) {
        return aSubscription()
                .withId(id)
                .withCustomer(customer.value())
                .canceled(at)
                .snapshotAt(at);
    }

    private static Subscription snapshot(String id, CustomerId customer, SubscriptionStatus status, Instant at) {
        return aSubscription()
                .withId(id)
                .withCustomer(customer.value())
                .withStatus(status)
                .snapshotAt(at)
                .build();
    }

    private static StripeEvent event(String type, String subscription, Instant created) {
        return anEvent()
                .withType(type)
                .createdAt(created)
                .forObject("subscription", subscription)
                .build();
    }

    private static List<NoticeKind> kinds(BillingHarness h) {
        return h.notifier().sent().stream().map(Notification::kind).toList();
    }
}
