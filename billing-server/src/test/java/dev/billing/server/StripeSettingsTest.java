package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.stripe.StripeConfig;
import dev.billing.stripe.StripeWebhookVerifier;
import dev.billing.testkit.webhook.StripeSignature;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code STRIPE_*} variables read into what the Stripe adapter is built from. */
class StripeSettingsTest {
    private static final String TEST_KEY = "sk_test_51AcmeSecretPart0123456789";
    private static final String SECRET = "whsec_current_0a1b2c3d4e5f6a7b8c9d0e1f";
    private static final String OLD_SECRET = "whsec_previous_0a1b2c3d4e5f6a7b8c9d0e1f";

    /** The settings, or a {@link ConfigException} listing every problem. */
    private static StripeSettings read(Map<String, String> env) {
        EnvReader reader = new EnvReader(env);
        StripeSettings settings = StripeSettings.read(reader);
        reader.failIfAny();
        return settings;
    }

    @Test
    void readsTheEnvironment() {
        StripeSettings settings = read(Map.of(
                "STRIPE_SECRET_KEY",
                TEST_KEY,
                "STRIPE_WEBHOOK_SECRET",
                SECRET,
                "STRIPE_API_BASE",
                "http://127.0.0.1:12111/"));
        StripeConfig config = Adapters.stripeConfig(settings.secretKey(), settings.apiBase());
        assertThat(config.secretKey()).isEqualTo(TEST_KEY);
        assertThat(config.apiBase()).isEqualTo("http://127.0.0.1:12111");
        StripeSettings defaults = read(Map.of("STRIPE_SECRET_KEY", TEST_KEY, "STRIPE_WEBHOOK_SECRET", SECRET));
        assertThat(Adapters.stripeConfig(defaults.secretKey(), defaults.apiBase())
                        .apiBase())
                .isEqualTo(StripeConfig.DEFAULT_API_BASE);
        assertThatThrownBy(() -> read(Map.of("STRIPE_WEBHOOK_SECRET", SECRET)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("STRIPE_SECRET_KEY");
    }

    @Test
    void readsTheRequestsPerSecondOrLeavesTheAdaptersDefault() {
        StripeSettings unset = read(Map.of("STRIPE_SECRET_KEY", TEST_KEY, "STRIPE_WEBHOOK_SECRET", SECRET));
        assertThat(unset.requestsPerSecond()).isEqualTo(StripeConfig.DEFAULT_REQUESTS_PER_SECOND);
        StripeSettings set = read(Map.of(
                "STRIPE_SECRET_KEY", TEST_KEY, "STRIPE_WEBHOOK_SECRET", SECRET, "STRIPE_REQUESTS_PER_SECOND", "12"));
        assertThat(set.requestsPerSecond()).isEqualTo(12);
        assertThatThrownBy(() -> read(Map.of(
                        "STRIPE_SECRET_KEY",
                        TEST_KEY,
                        "STRIPE_WEBHOOK_SECRET",
                        SECRET,
                        "STRIPE_REQUESTS_PER_SECOND",
                        "-5")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("STRIPE_REQUESTS_PER_SECOND: must be a whole number from 0 to 100000");
    }

    @Test
    void readsCommaSeparatedSecretsFromTheEnvironment() {
        StripeSettings settings = read(Map.of(
                "STRIPE_SECRET_KEY", TEST_KEY, "STRIPE_WEBHOOK_SECRET", " " + SECRET + " , " + OLD_SECRET + ",,"));
        assertThat(settings.webhookSecrets()).containsExactly(SECRET, OLD_SECRET);
        Instant now = Instant.parse("2026-03-01T12:00:00Z");
        StripeWebhookVerifier verifier =
                StripeWebhookVerifier.create(settings.webhookSecrets(), Clock.fixed(now, ZoneOffset.UTC));
        byte[] body = ("{\"id\":\"evt_rotated\",\"object\":\"event\",\"type\":\"customer.updated\",\"created\":"
                        + now.getEpochSecond()
                        + ",\"livemode\":false,\"data\":{\"object\":{\"id\":\"cus_1\",\"object\":"
                        + "\"customer\"}}}")
                .getBytes(StandardCharsets.UTF_8);
        var event = verifier.verify(body, StripeSignature.header(OLD_SECRET, now, body));
        assertThat(event.id()).isEqualTo("evt_rotated");
        assertThatThrownBy(() -> read(Map.of("STRIPE_SECRET_KEY", TEST_KEY)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("STRIPE_WEBHOOK_SECRET");
    }

    @Test
    void everyProblemIsNamedAndNoSecretRepeated() {
        assertThatThrownBy(() -> read(Map.of(
                        "STRIPE_SECRET_KEY",
                        "pk_live_notasecretkey",
                        "STRIPE_WEBHOOK_SECRET",
                        SECRET + ",nope-secret-value",
                        "STRIPE_API_BASE",
                        "ftp://example.com")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .containsExactly(
                                "STRIPE_SECRET_KEY: not a Stripe secret key (expected sk_live_..., sk_test_... or rk_...)",
                                "STRIPE_WEBHOOK_SECRET: every comma-separated entry must be a whsec_... secret",
                                "STRIPE_API_BASE: must be an absolute http(s) URL"))
                .hasMessageNotContaining("notasecretkey")
                .hasMessageNotContaining("nope-secret-value");
    }

    @Test
    void toStringMasksTheKeyAndCountsTheSecrets() {
        StripeSettings settings = read(Map.of("STRIPE_SECRET_KEY", TEST_KEY, "STRIPE_WEBHOOK_SECRET", SECRET));
        assertThat(settings.toString())
                .contains("sk_test_****")
                .contains("webhookSecrets=1")
                .doesNotContain(TEST_KEY)
                .doesNotContain(SECRET);
    }
}
