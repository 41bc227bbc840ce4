package dev.billing.clerk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.testkit.auth.TestKey;
import dev.billing.testkit.auth.TestKeys;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClerkConfigTest {
    static final TestKey KEY = TestKeys.rsa2048("ins_config");
    static final String PK =
            "pk_live_" + Base64.getEncoder().encodeToString("clerk.example.com$".getBytes(StandardCharsets.US_ASCII));

    @Test
    void publishableKeyDerivesIssuerAndJwksUrlWithDefaults() {
        ClerkConfig config = ClerkConfig.builder().publishableKey(PK).build();

        assertThat(config.issuer()).isEqualTo("https://clerk.example.com");
        assertThat(config.jwksUrl()).isEqualTo(URI.create("https://clerk.example.com/.well-known/jwks.json"));
        assertThat(config.networkless()).isFalse();
        assertThat(config.authorizedParties()).isEmpty();
        assertThat(config.clockSkew()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.refetchCooldown()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.maxTokenChars()).isEqualTo(8192);
        assertThat(config.cacheEnabled()).isTrue();
    }

    @Test
    void explicitIssuerAndJwksUrlOverrideThePublishableKeyInAnyOrder() {
        ClerkConfig config = ClerkConfig.builder()
                .issuer("https://auth.example.com")
                .jwksUrl("https://auth.example.com/custom/jwks.json")
                .publishableKey(PK)
                .build();

        assertThat(config.issuer()).isEqualTo("https://auth.example.com");
        assertThat(config.jwksUrl()).hasToString("https://auth.example.com/custom/jwks.json");
    }

    @Test
    void privateKeyIsRefusedAsJwtKey() {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(KEY.privateKey().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";

        assertThatThrownBy(() -> ClerkConfig.builder().jwtKey(pem))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("private key");
    }

    @Test
    void weakJwtKeyIsRefused() {
        String pem = TestKeys.rsa1024Weak("weak").publicKeyPem();

        assertThatThrownBy(() -> ClerkConfig.builder().jwtKey(pem))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1024 bits");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----",
                "hello",
                "-----BEGIN PUBLIC KEY-----\nAAAA"
            })
    void garbageJwtKeyIsRefused(String pem) {
        assertThatThrownBy(() -> ClerkConfig.builder().jwtKey(pem)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bareBase64JwtKeyIsAccepted() {
        String body = Base64.getEncoder().encodeToString(KEY.publicKey().getEncoded());

        assertThat(ClerkConfig.builder()
                        .issuer("https://i.test")
                        .jwtKey(body)
                        .build()
                        .jwtKey())
                .isEqualTo(KEY.publicKey());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://clerk.example.com/.well-known/jwks.json",
                "ftp://clerk.example.com/jwks",
                "/relative/jwks.json",
                "http://10.0.0.1/jwks.json"
            })
    void jwksUrlMustBeHttpsUnlessLoopback(String url) {
        assertThatThrownBy(() -> ClerkConfig.builder()
                        .issuer("https://i.test")
                        .jwksUrl(url)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JWKS URL");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1:8080/.well-known/jwks.json",
                "http://localhost/jwks.json",
                "http://[::1]:9/jwks.json"
            })
    void plainHttpJwksUrlIsAllowedOnLoopback(String url) {
        assertThat(ClerkConfig.builder()
                        .issuer("https://i.test")
                        .jwksUrl(url)
                        .build()
                        .jwksUrl())
                .hasToString(url);
    }

    @Test
    void aKeySourceIsRequired() {
        assertThatThrownBy(() -> ClerkConfig.builder()
                        .issuer("https://clerk.example.com")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("signing keys need a source");
    }

    @Test
    void aPublishableKeyThatIsNotOneIsRefusedWithoutRepeatingIt() {
        assertThatThrownBy(() -> ClerkConfig.builder().publishableKey("sk_live_secret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("publishable key")
                .hasMessageNotContaining("sk_live_secret");
    }

    @Test
    void aMalformedJwksUrlIsNamed() {
        assertThatThrownBy(() -> ClerkConfig.builder().jwksUrl("https://bad host/jwks.json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JWKS URL");
    }

    @Test
    void issuerIsRequired() {
        assertThatThrownBy(() -> ClerkConfig.builder().jwtKey(KEY.publicKey()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("issuer");
    }

    @Test
    void blankAuthorizedPartyIsRefused() {
        assertThatThrownBy(() -> ClerkConfig.builder()
                        .publishableKey(PK)
                        .authorizedParties(List.of("https://a.test", " "))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("authorized parties");
    }

    @Test
    void outOfRangeDurationsAreRefused() {
        assertThatThrownBy(() -> ClerkConfig.builder()
                        .publishableKey(PK)
                        .clockSkew(Duration.ofMinutes(10))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("clockSkew");
        assertThatThrownBy(() -> ClerkConfig.builder()
                        .publishableKey(PK)
                        .clockSkew(Duration.ofMillis(1500))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("whole seconds");
        assertThatThrownBy(() -> ClerkConfig.builder()
                        .publishableKey(PK)
                        .requestTimeout(Duration.ZERO)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("requestTimeout");
    }

    @Test
    void toStringShowsTheKeySizeNotTheKey() {
        ClerkConfig config = ClerkConfig.builder()
                .issuer("https://i.test")
                .jwtKey(KEY.publicKey())
                .build();

        assertThat(config.toString())
                .contains("jwtKey=RSA-2048")
                .doesNotContain(KEY.publicKey().getModulus().toString());
    }
}
