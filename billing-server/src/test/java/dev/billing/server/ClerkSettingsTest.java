package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.clerk.ClerkConfig;
import dev.billing.testkit.auth.TestKey;
import dev.billing.testkit.auth.TestKeys;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code CLERK_*} variables read into the Clerk adapter's configuration. */
class ClerkSettingsTest {
    static final TestKey KEY = TestKeys.rsa2048("ins_settings");
    static final String PK =
            "pk_live_" + Base64.getEncoder().encodeToString("clerk.example.com$".getBytes(StandardCharsets.US_ASCII));

    /** The settings, or a {@link ConfigException} listing every problem. */
    private static ClerkConfig read(Map<String, String> env) {
        EnvReader reader = new EnvReader(env);
        ClerkConfig config = ClerkSettings.read(reader);
        reader.failIfAny();
        return config;
    }

    @Test
    void environmentProvidesEveryVariable() {
        Map<String, String> env = Map.of(
                "CLERK_PUBLISHABLE_KEY", PK,
                "CLERK_ISSUER", "https://issuer.example.com",
                "CLERK_JWKS_URL", "https://keys.example.com/.well-known/jwks.json",
                "CLERK_JWT_KEY", KEY.publicKeyPem().replace("\n", "\\n"), // as pasted into a one-line variable
                "CLERK_AUTHORIZED_PARTIES", " https://app.example.com, https://admin.example.com/ ,,");

        ClerkConfig config = read(env);

        assertThat(config.issuer()).isEqualTo("https://issuer.example.com");
        assertThat(config.jwksUrl()).hasToString("https://keys.example.com/.well-known/jwks.json");
        assertThat(config.jwtKey()).isEqualTo(KEY.publicKey());
        assertThat(config.networkless()).isTrue();
        assertThat(config.authorizedParties())
                .containsExactlyInAnyOrder("https://app.example.com", "https://admin.example.com");
    }

    @Test
    void environmentWithOnlyThePublishableKeyIsEnough() {
        ClerkConfig config = read(Map.of("CLERK_PUBLISHABLE_KEY", PK, "CLERK_ISSUER", " "));

        assertThat(config.issuer()).isEqualTo("https://clerk.example.com");
        assertThat(config.jwksUrl()).hasToString("https://clerk.example.com/.well-known/jwks.json");
    }

    @Test
    void environmentWithoutIssuerNamesTheVariables() {
        assertThatThrownBy(() -> read(Map.of("CLERK_JWT_KEY", KEY.publicKeyPem())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CLERK_ISSUER")
                .hasMessageContaining("CLERK_PUBLISHABLE_KEY");
    }

    @Test
    void environmentWithoutKeySourceNamesTheVariables() {
        assertThatThrownBy(() -> read(Map.of("CLERK_ISSUER", "https://clerk.example.com")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CLERK_JWKS_URL")
                .hasMessageContaining("CLERK_JWT_KEY");
    }

    @Test
    void anEmptyEnvironmentNamesBothAtOnce() {
        assertThatThrownBy(() -> read(Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .containsExactly(
                                "CLERK_ISSUER or CLERK_PUBLISHABLE_KEY is required (the Clerk instance that signs session "
                                        + "tokens)",
                                "CLERK_JWT_KEY, CLERK_JWKS_URL or CLERK_PUBLISHABLE_KEY is required (where Clerk's signing "
                                        + "keys come from)"));
    }

    @Test
    void invalidPublishableKeyInEnvironmentIsNamed() {
        Map<String, String> env = new HashMap<>();
        env.put("CLERK_PUBLISHABLE_KEY", "sk_live_secret");

        assertThatThrownBy(() -> read(env))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .singleElement()
                        .asString()
                        .startsWith("CLERK_PUBLISHABLE_KEY: "))
                .hasMessageNotContaining("sk_live_secret");
    }

    @Test
    void aBadJwksUrlAndABadKeyAreNamedByTheirVariables() {
        assertThatThrownBy(() -> read(Map.of(
                        "CLERK_ISSUER", "https://clerk.example.com", "CLERK_JWKS_URL", "https://bad host/jwks.json")))
                .hasMessageContaining("CLERK_JWKS_URL: JWKS URL is not a valid URI");
        assertThatThrownBy(() -> read(Map.of("CLERK_ISSUER", "https://clerk.example.com", "CLERK_JWT_KEY", "hello")))
                .hasMessageContaining("CLERK_JWT_KEY: ");
    }

    @Test
    void whatOnlyTheWholeConfigurationCanTellIsPrefixed() {
        assertThatThrownBy(() -> read(Map.of(
                        "CLERK_ISSUER",
                        "https://clerk.example.com",
                        "CLERK_JWT_KEY",
                        KEY.publicKeyPem(),
                        "CLERK_AUTHORIZED_PARTIES",
                        "https://app example.com")))
                .hasMessageContaining("Clerk configuration: authorized party is not an origin");
        assertThatThrownBy(() -> read(Map.of(
                        "CLERK_ISSUER",
                        "https://clerk.example.com",
                        "CLERK_JWKS_URL",
                        "http://keys.example.com/jwks.json")))
                .hasMessageContaining("Clerk configuration: JWKS URL must use https");
    }
}
