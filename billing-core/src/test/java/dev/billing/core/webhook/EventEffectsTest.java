package dev.billing.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.EventObject.SubscriptionChange;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventEffectsTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    private static EventObject.OfSubscription active(SubscriptionChange change) {
        Subscription s = new Subscription(
                "sub_1",
                CustomerId.of("cus_1"),
                SubscriptionStatus.ACTIVE,
                "price_1",
                1,
                T,
                T.plusSeconds(60),
                false,
                null,
                null,
                null,
                null,
                null,
                T,
                Map.of(),
                SourceVersion.snapshot(T));
        return new EventObject.OfSubscription(s, change);
    }

    @Test
    void aNewSubscriptionOrOneThatWasNotLiveMayAddALiveOne() {
        assertThat(EventEffects.mayAddALiveSubscription(
                        "customer.subscription.created", active(SubscriptionChange.NONE)))
                .isTrue();
        assertThat(EventEffects.mayAddALiveSubscription(
                        "customer.subscription.updated",
                        active(new SubscriptionChange(null, null, SubscriptionStatus.INCOMPLETE, null))))
                .isTrue();
        assertThat(EventEffects.mayAddALiveSubscription(
                        "customer.subscription.resumed", active(SubscriptionChange.NONE)))
                .as("a type this code does not list")
                .isTrue();
    }

    @Test
    void anUpdateThatNamesNoEarlierAttributesIsCheckedToBeSafe() {
        assertThat(EventEffects.mayAddALiveSubscription(
                        "customer.subscription.updated", active(SubscriptionChange.NONE)))
                .isTrue();
    }

    @Test
    void anUpdateOfALiveSubscriptionADeletionAndATrialReminderAddNone() {
        assertThat(EventEffects.mayAddALiveSubscription(
                        "customer.subscription.updated",
                        active(new SubscriptionChange(null, null, SubscriptionStatus.PAST_DUE, null))))
                .isFalse();
        assertThat(EventEffects.mayAddALiveSubscription(
                        "customer.subscription.updated", active(new SubscriptionChange("price_0", null, null, null))))
                .as("a plan change")
                .isFalse();
        assertThat(EventEffects.mayAddALiveSubscription(
                        "customer.subscription.deleted", active(SubscriptionChange.NONE)))
                .isFalse();
        assertThat(EventEffects.mayAddALiveSubscription(
                        "customer.subscription.trial_will_end", active(SubscriptionChange.NONE)))
                .isFalse();
    }
}
