package dev.billing.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.error.GatewayRejectedException;
import dev.billing.core.model.UserId;
import org.junit.jupiter.api.Test;

class StripePaymentGatewayTest {

    @Test
    void pinsTheApiVersionOfStripeJava() {
        // Upgrading stripe-java moves this: update docs/STRIPE.md and the mapping tests together.
        assertThat(StripePaymentGateway.API_VERSION).isEqualTo("2026-07-29.dahlia");
    }

    @Test
    void searchesCustomersByTheUserIdMetadataWithQuotesEscaped() {
        assertThat(StripeCustomers.userIdQuery(UserId.of("user_2abc"))).isEqualTo("metadata['user_id']:'user_2abc'");
        assertThat(StripeCustomers.userIdQuery(UserId.of("o'brien\\\"x")))
                .isEqualTo("metadata['user_id']:'o\\'brien\\\\\\\"x'");
    }

    @Test
    void recognisesStripesDuplicateMeterEventAnswer() {
        GatewayRejectedException duplicate = new GatewayRejectedException(
                "Stripe refused to report meter event "
                        + "(HTTP 400): An event already exists with identifier usage-42.",
                400,
                null,
                "identifier");
        assertThat(StripeMeterEvents.isDuplicateMeterEvent(duplicate, "usage-42"))
                .isTrue();
        assertThat(StripeMeterEvents.isDuplicateMeterEvent(duplicate, "usage-43"))
                .isFalse();
        GatewayRejectedException other = new GatewayRejectedException(
                "Stripe refused to report meter event " + "(HTTP 400): No meter with event name api_calls.",
                400,
                null,
                "event_name");
        assertThat(StripeMeterEvents.isDuplicateMeterEvent(other, "usage-42")).isFalse();
    }

    @Test
    void neverShowsTheKey() {
        StripePaymentGateway gateway = StripePaymentGateway.create(StripeConfig.of("sk_live_51SuperSecret"));
        assertThat(gateway.toString()).doesNotContain("51SuperSecret").contains("2026-07-29.dahlia");
        assertThat(gateway.livemode()).isTrue();
    }
}
