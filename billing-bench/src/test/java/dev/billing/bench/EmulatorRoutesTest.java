package dev.billing.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Stripe calls are counted by route: object ids become {id}, the rest of the path stays. */
class EmulatorRoutesTest {
    @Test
    void objectIdsBecomePlaceholders() {
        assertThat(EmulatorProcess.route("/v1/subscriptions/sub_1AbCdEf23")).isEqualTo("/v1/subscriptions/{id}");
        assertThat(EmulatorProcess.route("/v1/invoices/in_1AbCdEf23/pay")).isEqualTo("/v1/invoices/{id}/pay");
        assertThat(EmulatorProcess.route("/v1/checkout/sessions/cs_test_a1B2c3D4e5"))
                .isEqualTo("/v1/checkout/sessions/{id}");
        assertThat(EmulatorProcess.route("/v1/customers?limit=3")).isEqualTo("/v1/customers");
        assertThat(EmulatorProcess.route("/v1/billing_portal/sessions")).isEqualTo("/v1/billing_portal/sessions");
    }
}
