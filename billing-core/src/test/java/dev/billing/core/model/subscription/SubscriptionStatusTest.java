package dev.billing.core.model.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SubscriptionStatusTest {

    @Test
    void knowsStripesEightStatusesByTheirStripeNames() {
        assertThat(Arrays.stream(SubscriptionStatus.values())
                        .filter(s -> s != SubscriptionStatus.UNRECOGNIZED)
                        .map(SubscriptionStatus::stripeName))
                .containsExactlyInAnyOrder(
                        "incomplete",
                        "incomplete_expired",
                        "trialing",
                        "active",
                        "past_due",
                        "canceled",
                        "unpaid",
                        "paused");
        for (SubscriptionStatus status : SubscriptionStatus.values()) {
            if (status != SubscriptionStatus.UNRECOGNIZED) {
                assertThat(SubscriptionStatus.fromStripe(status.stripeName())).isEqualTo(status);
            }
        }
    }

    @Test
    void anUnknownStatusIsUnrecognizedNotAnError() {
        assertThat(SubscriptionStatus.fromStripe("dormant")).isEqualTo(SubscriptionStatus.UNRECOGNIZED);
        assertThat(SubscriptionStatus.fromStripe(null)).isEqualTo(SubscriptionStatus.UNRECOGNIZED);
        assertThat(SubscriptionStatus.fromStripe("unrecognized")).isEqualTo(SubscriptionStatus.UNRECOGNIZED);
    }

    @ParameterizedTest
    @CsvSource({
        "INCOMPLETE,false,false,false,true,false,false",
        "INCOMPLETE_EXPIRED,false,false,false,false,true,false",
        "TRIALING,true,true,false,false,false,true",
        "ACTIVE,true,false,false,false,false,true",
        "PAST_DUE,false,false,true,false,false,true",
        "CANCELED,false,false,false,false,true,false",
        "UNPAID,false,false,false,false,false,true",
        "PAUSED,false,false,false,false,false,true",
        "UNRECOGNIZED,false,false,false,false,false,false"
    })
    void statusHelpers(
            SubscriptionStatus status,
            boolean active,
            boolean trialing,
            boolean pastDue,
            boolean incomplete,
            boolean ended,
            boolean blocksNew) {
        assertThat(status.isActive()).isEqualTo(active);
        assertThat(status.isTrialing()).isEqualTo(trialing);
        assertThat(status.isPastDue()).isEqualTo(pastDue);
        assertThat(status.isIncomplete()).isEqualTo(incomplete);
        assertThat(status.hasEnded()).isEqualTo(ended);
        assertThat(status.blocksNewSubscription()).isEqualTo(blocksNew);
    }
}
