package dev.billing.supabase;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

        assertThat(config.toString()).doesNotContain(SECRET).contains("https://abcd.supabase.co").contains("hidden");
    }

    @Test
    void defaultsAreThreeSecondsToConnectTenToAnswerAndThreeAttempts() {
        SupabaseConfig config = SupabaseConfig.of("https://abcd.supabase.co", SECRET);

        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.maxAttempts()).isEqualTo(3);
        assertThat(config.withRequestTimeout(Duration.ofSeconds(2)).withMaxAttempts(1).withConnectTimeout(Duration.ofMillis(500)))
                .isEqualTo(new SupabaseConfig(config.url(), SECRET, Duration.ofMillis(500), Duration.ofSeconds(2), 1));
    }

    @Test
    void theRestPathAndTrailingSlashesAreDropped() {
        assertThat(SupabaseConfig.of("https://abcd.supabase.co/rest/v1/", SECRET).restUrl())
                .hasToString("https://abcd.supabase.co/rest/v1");
        assertThat(SupabaseConfig.of("http://127.0.0.1:54321/", SECRET).url()).hasToString("http://127.0.0.1:54321");
        assertThat(SupabaseConfig.of("https://gateway.example/supabase", SECRET).restUrl())
                .hasToString("https://gateway.example/supabase/rest/v1");
    }

    @Test
    void urlsThatCannotBeTheProjectAreRefused() {
        assertThatThrownBy(() -> SupabaseConfig.of("ftp://abcd.supabase.co", SECRET)).hasMessageContaining("http(s)");
        assertThatThrownBy(() -> SupabaseConfig.of("https://user:pw@abcd.supabase.co", SECRET))
                .hasMessageContaining("user info").hasMessageNotContaining("pw");
        assertThatThrownBy(() -> SupabaseConfig.of("https://abcd.supabase.co?apikey=x", SECRET))
                .hasMessageContaining("query");
        assertThatThrownBy(() -> SupabaseConfig.of(" ", SECRET)).hasMessageContaining("SUPABASE_URL");
    }

    @Test
    void aMissingKeyNamesTheVariable() {
        assertThatThrownBy(() -> SupabaseConfig.of("https://abcd.supabase.co", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SUPABASE_SERVICE_ROLE_KEY");
        assertThatThrownBy(() -> SupabaseConfig.fromEnvironment(Map.of("SUPABASE_URL", "https://abcd.supabase.co")))
                .hasMessageContaining("SUPABASE_SERVICE_ROLE_KEY");
        assertThatThrownBy(() -> SupabaseConfig.fromEnvironment(Map.of("SUPABASE_SERVICE_ROLE_KEY", SECRET)))
                .hasMessageContaining("SUPABASE_URL");
    }

    @Test
    void theAnonKeyIsRefusedWithoutBeingShown() {
        String anon = jwt("{\"iss\":\"supabase\",\"role\":\"anon\",\"exp\":1}");

        assertThatThrownBy(() -> SupabaseConfig.of("https://abcd.supabase.co", anon))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("role 'anon'")
                .hasMessageContaining("service_role").hasMessageNotContaining(anon);
    }

    @Test
    void aServiceRoleJwtAndAnOpaqueSecretKeyAreAccepted() {
        String serviceRole = jwt("{\"iss\":\"supabase\",\"role\":\"service_role\"}");

        assertThat(SupabaseConfig.of("https://abcd.supabase.co", serviceRole).serviceRoleKey()).isEqualTo(serviceRole);
        assertThat(SupabaseConfig.of("https://abcd.supabase.co", " " + SECRET + "\n").serviceRoleKey()).isEqualTo(SECRET);
    }
}
