package dev.billing.supabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SupabaseConfigTest {
    private static final String SECRET = "sb_secret_abcdefghijklmnopqrstuvwxyz";

    private static String jwt(String claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
    }

    @Test
    void toStringNeverShowsTheKey() {
        SupabaseConfig config = SupabaseConfig.of("https://abcd.supabase.co", SECRET);

        assertThat(config.toString())
                .doesNotContain(SECRET)
                .contains("https://abcd.supabase.co")
                .contains("hidden");
    }

    @Test
    void defaultsAreThreeSecondsToConnectTenToAnswerAndThreeAttempts() {
        SupabaseConfig config = SupabaseConfig.of("https://abcd.supabase.co", SECRET);

        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.maxAttempts()).isEqualTo(3);
        assertThat(config.withRequestTimeout(Duration.ofSeconds(2))
                        .withMaxAttempts(1)
                        .withConnectTimeout(Duration.ofMillis(500)))
                .isEqualTo(new SupabaseConfig(config.url(), SECRET, Duration.ofMillis(500), Duration.ofSeconds(2), 1));
    }

    @Test
    void theRestPathAndTrailingSlashesAreDropped() {
        assertThat(SupabaseConfig.of("https://abcd.supabase.co/rest/v1/", SECRET)
                        .restUrl())
                .hasToString("https://abcd.supabase.co/rest/v1");
        assertThat(SupabaseConfig.of("http://127.0.0.1:54321/", SECRET).url()).hasToString("http://127.0.0.1:54321");
        assertThat(SupabaseConfig.of("https://gateway.example/supabase", SECRET).restUrl())
                .hasToString("https://gateway.example/supabase/rest/v1");
    }

    @Test
    void urlsThatCannotBeTheProjectAreRefusedNamingTheField() {
        assertThatThrownBy(() -> SupabaseConfig.of("ftp://abcd.supabase.co", SECRET))
                .hasMessage("url must be an http(s) URL such as https://<project>.supabase.co");
        assertThatThrownBy(() -> SupabaseConfig.of("https://user:pw@abcd.supabase.co", SECRET))
                .hasMessage("url must not contain user info (credentials go in the key)");
        assertThatThrownBy(() -> SupabaseConfig.of("https://abcd.supabase.co?apikey=x", SECRET))
                .hasMessage("url must not have a query or a fragment");
        assertThatThrownBy(() -> SupabaseConfig.of("https://abcd.supabase.co/a b", SECRET))
                .hasMessageStartingWith("url is not a URL: ");
        assertThatThrownBy(() -> SupabaseConfig.of("https:///rest/v1", SECRET)).hasMessageStartingWith("url ");
        assertThatThrownBy(() -> SupabaseConfig.of(" ", SECRET)).hasMessageStartingWith("url is missing");
        assertThatThrownBy(() -> new SupabaseConfig(null, SECRET, Duration.ofSeconds(1), Duration.ofSeconds(1), 1))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("url");
    }

    @Test
    void aMissingKeyNamesTheField() {
        assertThatThrownBy(() -> SupabaseConfig.of("https://abcd.supabase.co", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("serviceRoleKey is missing");
        assertThatThrownBy(() -> SupabaseConfig.of("https://abcd.supabase.co", " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("serviceRoleKey is missing");
    }

    @Test
    void timeoutsAndAttemptsOutOfRangeNameTheirField() {
        SupabaseConfig config = SupabaseConfig.of("https://abcd.supabase.co", SECRET);

        assertThatThrownBy(() -> config.withConnectTimeout(Duration.ZERO)).hasMessageStartingWith("connectTimeout ");
        assertThatThrownBy(() -> config.withRequestTimeout(Duration.ofSeconds(-1)))
                .hasMessageStartingWith("requestTimeout ");
        assertThatThrownBy(() -> config.withMaxAttempts(11)).hasMessageStartingWith("maxAttempts ");
    }

    @Test
    void theAnonKeyIsRefusedWithoutBeingShown() {
        String anon = jwt("{\"iss\":\"supabase\",\"role\":\"anon\",\"exp\":1}");

        assertThatThrownBy(() -> SupabaseConfig.of("https://abcd.supabase.co", anon))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("serviceRoleKey holds a key with role 'anon'")
                .hasMessageContaining("service_role")
                .hasMessageNotContaining(anon);
    }

    @Test
    void aServiceRoleJwtAndAnOpaqueSecretKeyAreAccepted() {
        String serviceRole = jwt("{\"iss\":\"supabase\",\"role\":\"service_role\"}");

        assertThat(SupabaseConfig.of("https://abcd.supabase.co", serviceRole).serviceRoleKey())
                .isEqualTo(serviceRole);
        assertThat(SupabaseConfig.of("https://abcd.supabase.co", " " + SECRET + "\n")
                        .serviceRoleKey())
                .isEqualTo(SECRET);
    }
}
