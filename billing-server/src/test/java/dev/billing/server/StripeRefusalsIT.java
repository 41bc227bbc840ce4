package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.emulator.CheckoutCompletion;
import dev.billing.testkit.http.Http;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Stripe refuses reaches the caller as a clear 400 with a stable code, through the real adapter and the
 * emulator (local mode): an unknown promotion code at Checkout, a refund above what is left to refund.
 */
class StripeRefusalsIT {
    @TempDir
    static Path dir;

    static LocalFixture f;

    @BeforeAll
    static void start() {
        f = LocalFixture.start(dir, Map.of());
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    @Test
    void anUnknownPromotionCodeIsA400AFrontEndCanShow() {
        String token = f.token("user_promo");

        Http.Response r = f.http.post(
                "/stripe/checkout",
                token,
                "{\"tier\":\"pro\",\"interval\":\"month\",\"promotionCode\":\"NOSUCHCODE\"}");

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("invalid_promotion_code");
        assertThat(r.json().path("error").path("message").asText())
                .isEqualTo("This promotion code cannot be used: it is unknown, expired or used up.");
    }

    @Test
    void aRefundAboveWhatIsLeftIsA400WithStripesReason() {
        String token = f.token("user_refund");
        Http.Response checkout =
                f.http.post("/stripe/checkout", token, "{\"priceId\":\"price_credits_100\",\"quantity\":1}");
        assertThat(checkout.status()).as(checkout.body()).isEqualTo(200);
        CheckoutCompletion paid = f.emulator.completeCheckoutSession(
                checkout.json().path("sessionId").asText());
        String admin = f.local.adminToken();

        Http.Response tooMuch = f.http.post(
                "/admin/refunds",
                admin,
                "{\"paymentIntentId\":\"" + paid.paymentIntentId() + "\",\"amount\":50000}",
                Map.of("Idempotency-Key", "refund-too-much"));

        assertThat(tooMuch.status()).as(tooMuch.body()).isEqualTo(400);
        assertThat(tooMuch.errorCode()).isEqualTo("refund_rejected");
        assertThat(tooMuch.json().path("error").path("message").asText())
                .startsWith("Stripe refused")
                .doesNotContain("sk_test");
        Http.Response part = f.http.post(
                "/admin/refunds",
                admin,
                "{\"paymentIntentId\":\"" + paid.paymentIntentId() + "\",\"amount\":300}",
                Map.of("Idempotency-Key", "refund-part"));
        assertThat(part.status()).as(part.body()).isEqualTo(200);
    }
}
