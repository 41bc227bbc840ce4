package dev.billing.core.model.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.event.EventObject.OfSubscription;
import dev.billing.core.model.event.EventObject.SubscriptionChange;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which subscription events date a turn to past due, on Stripe's clock. */
class PastDueHintTest {
    private static final Instant CREATED = Instant.parse("2026-11-21T10:00:00Z");

    @Test
    void anEventThatTurnsItPastDueDatesTheTurn() {
        OfSubscription turning = new OfSubscription(
                snapshot(SubscriptionStatus.PAST_DUE), new SubscriptionChange(null, null, SubscriptionStatus.ACTIVE));
        assertThat(turning.pastDueHint()).isEqualTo(CREATED);
    }

    /** Not past due when the event was created: a turn Stripe's later state shows came after it. */
    @Test
    void anEventBeforeTheTurnBoundsIt() {
        assertThat(new OfSubscription(snapshot(SubscriptionStatus.ACTIVE)).pastDueHint())
                .isEqualTo(CREATED);
    }

    /** Past due already, with no earlier status named: the event says nothing of when it turned. */
    @Test
    void anEventOfAPastDueSubscriptionSaysNothing() {
        assertThat(new OfSubscription(snapshot(SubscriptionStatus.PAST_DUE)).pastDueHint())
                .isNull();
        OfSubscription stillPastDue = new OfSubscription(
                snapshot(SubscriptionStatus.PAST_DUE), new SubscriptionChange("price_old", null, null));
        assertThat(stillPastDue.pastDueHint()).isNull();
    }

    private static Subscription snapshot(SubscriptionStatus status) {
        return new Subscription(
                "sub_1",
                CustomerId.of("cus_1"),
                status,
                "price_1",
                1,
                CREATED.minusSeconds(86_400),
                CREATED.plusSeconds(86_400),
                false,
                null,
                null,
                null,
                null,
                null,
                CREATED.minusSeconds(86_400),
                Map.of(),
                SourceVersion.snapshot(CREATED));
    }
}
