package dev.billing.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StripeConfigTest {
    private static final String TEST_KEY = "sk_test_51AcmeSecretPart0123456789";
    private static final String LIVE_KEY = "sk_live_51AcmeSecretPart0123456789";

    @Test
    void defaultsToStripeWithOneNetworkRetryAndShortTimeouts() {
        StripeConfig config = StripeConfig.of(TEST_KEY);
        assertThat(config.apiBase()).isEqualTo("https://api.stripe.com");
        assertThat(config.maxNetworkRetries()).isEqualTo(1);
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.readTimeout()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void derivesLivemodeFromTheKeyPrefix() {
        assertThat(StripeConfig.of(LIVE_KEY).livemode()).isTrue();
        assertThat(StripeConfig.of("rk_live_restricted0123").livemode()).isTrue();
        assertThat(StripeConfig.of(TEST_KEY).livemode()).isFalse();
        assertThat(StripeConfig.of("rk_test_restricted0123").livemode()).isFalse();
    }

    @Test
    void masksTheKeyInToString() {
        assertThat(StripeConfig.of(LIVE_KEY).toString())
                .contains("sk_live_****")
                .doesNotContain("51AcmeSecret");
        assertThat(StripeConfig.of(TEST_KEY).maskedKey()).isEqualTo("sk_test_****");
        assertThat(StripeConfig.of("weirdkeywithoutprefix").maskedKey()).isEqualTo("****");
    }

    @Test
    void anotherApiBaseLosesItsTrailingSlash() {
        StripeConfig config = StripeConfig.of(TEST_KEY).withApiBase("http://127.0.0.1:12111/");
        assertThat(config.secretKey()).isEqualTo(TEST_KEY);
        assertThat(config.apiBase()).isEqualTo("http://127.0.0.1:12111");
        assertThat(StripeConfig.of(TEST_KEY).apiBase()).isEqualTo(StripeConfig.DEFAULT_API_BASE);
    }

    @Test
    void refusesInvalidValuesWithoutEchoingTheKey() {
        assertThatThrownBy(() -> StripeConfig.of("sk_test_with space"))
                .isInstanceOf(IllegalArgumentException.class)
                .message()
                .doesNotContain("with space");
        assertThatThrownBy(() -> StripeConfig.of(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("secret key");
        assertThatThrownBy(() -> new StripeConfig(
                        null, StripeConfig.DEFAULT_API_BASE, 1, Duration.ofSeconds(1), Duration.ofSeconds(1), -1))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("secretKey");
        assertThatThrownBy(() -> StripeConfig.of(TEST_KEY).withApiBase("ftp://example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("apiBase");
        assertThatThrownBy(() -> StripeConfig.of(TEST_KEY).withApiBase("https://user:pw@example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("apiBase");
        assertThatThrownBy(() -> StripeConfig.of(TEST_KEY).withMaxNetworkRetries(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxNetworkRetries");
        assertThatThrownBy(() -> StripeConfig.of(TEST_KEY).withTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("connectTimeout");
        assertThatThrownBy(() -> StripeConfig.of(TEST_KEY).withTimeouts(Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("readTimeout");
    }

    @Test
    void stripesOwnApiIsLimitedByTheKeysModeAndOtherBasesAreNot() {
        assertThat(StripeConfig.of(LIVE_KEY).effectiveRequestsPerSecond()).isEqualTo(80);
        assertThat(StripeConfig.of(TEST_KEY).effectiveRequestsPerSecond()).isEqualTo(20);
        assertThat(StripeConfig.of(TEST_KEY)
                        .withApiBase("http://localhost:12111")
                        .effectiveRequestsPerSecond())
                .as("the emulator has no such limit")
                .isZero();
        assertThat(StripeConfig.of(TEST_KEY)
                        .withApiBase("http://localhost:12111")
                        .withRequestsPerSecond(5)
                        .effectiveRequestsPerSecond())
                .isEqualTo(5);
        assertThat(StripeConfig.of(LIVE_KEY).withRequestsPerSecond(0).effectiveRequestsPerSecond())
                .isZero();
        assertThatThrownBy(() -> StripeConfig.of(TEST_KEY).withRequestsPerSecond(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("requestsPerSecond");
    }
}
