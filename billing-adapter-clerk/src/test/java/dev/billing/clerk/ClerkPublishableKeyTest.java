package dev.billing.clerk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ClerkPublishableKeyTest {

    static String pk(String prefix, String decoded) {
        return prefix + Base64.getEncoder().encodeToString(decoded.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void testKeyDecodesToDevelopmentFrontendApi() {
        ClerkPublishableKey key = ClerkPublishableKey.parse(pk("pk_test_", "foo-bar-13.clerk.accounts.dev$"));

        assertThat(key.live()).isFalse();
        assertThat(key.frontendApi()).isEqualTo("foo-bar-13.clerk.accounts.dev");
        assertThat(key.issuer()).isEqualTo("https://foo-bar-13.clerk.accounts.dev");
        assertThat(key.jwksUrl()).isEqualTo(URI.create("https://foo-bar-13.clerk.accounts.dev/.well-known/jwks.json"));
    }

    @Test
    void liveKeyDecodesToProductionFrontendApi() {
        ClerkPublishableKey key = ClerkPublishableKey.parse(pk("pk_live_", "clerk.example.com$"));

        assertThat(key.live()).isTrue();
        assertThat(key.issuer()).isEqualTo("https://clerk.example.com");
        assertThat(key.jwksUrl()).hasToString("https://clerk.example.com/.well-known/jwks.json");
    }

    @Test
    void unpaddedAndSurroundingWhitespaceAreTolerated() {
        String padded = pk("pk_test_", "clerk.example.com$"); // 18 bytes: no padding needed
        String needsPadding = pk("pk_test_", "clerk.example.co$");

        assertThat(ClerkPublishableKey.parse(" " + padded + "\n").frontendApi()).isEqualTo("clerk.example.com");
        assertThat(ClerkPublishableKey.parse(needsPadding.replace("=", "")).frontendApi())
                .isEqualTo("clerk.example.co");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "   ",
                "sk_test_abc",
                "pk_prod_Y2xlcmsuZXhhbXBsZS5jb20k",
                "pk_test_",
                "pk_test_!!!!",
                "pk_test_%%%"
            })
    void invalidKeyIsRejectedWithAClearMessage(String key) {
        assertThatThrownBy(() -> ClerkPublishableKey.parse(key))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Clerk publishable key");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "clerk.example.com",
                "a$b.example.com$",
                "localhost$",
                "evil.test/path$",
                "host name.test$",
                "evil.test:8443$",
                "$",
                ".example.com$",
                "caf\u00e9.example.com$"
            })
    void keyThatDoesNotDecodeToAHostIsRejected(String decoded) {
        assertThatThrownBy(() -> ClerkPublishableKey.parse(pk("pk_live_", decoded)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Clerk publishable key");
    }

    @Test
    void messageNeverRepeatsTheKey() {
        String key = pk("pk_test_", "not-a-host$");

        assertThatThrownBy(() -> ClerkPublishableKey.parse(key)).message().doesNotContain(key.substring(8));
    }
}
