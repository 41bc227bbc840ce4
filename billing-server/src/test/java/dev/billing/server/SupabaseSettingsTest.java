package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code SUPABASE_URL} and {@code SUPABASE_SERVICE_ROLE_KEY} read into the Supabase adapter's configuration. */
class SupabaseSettingsTest {
    private static final String SECRET = "sb_secret_abcdefghijklmnopqrstuvwxyz";
    private static final String PURPOSE = "the project's service_role key";

    private static List<String> problems(Map<String, String> env) {
        EnvReader reader = new EnvReader(env);
        SupabaseSettings settings = SupabaseSettings.read(reader, PURPOSE);
        try {
            reader.failIfAny();
        } catch (ConfigException e) {
            assertThat(settings).isNull();
            return e.problems();
        }
        return List.of();
    }

    private static String jwt(String claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
    }

    @Test
    void readsBothAndMakesTheAdaptersConfiguration() {
        EnvReader reader = new EnvReader(Map.of(
                "SUPABASE_URL", "https://abcd.supabase.co/rest/v1/", "SUPABASE_SERVICE_ROLE_KEY", " " + SECRET + " "));
        SupabaseSettings settings = SupabaseSettings.read(reader, PURPOSE);
        reader.failIfAny();

        assertThat(settings.url()).hasToString("https://abcd.supabase.co/rest/v1/");
        assertThat(settings.serviceRoleKey()).isEqualTo(SECRET);
        assertThat(settings.config().restUrl()).hasToString("https://abcd.supabase.co/rest/v1");
        assertThat(settings.toString()).doesNotContain(SECRET);
    }

    @Test
    void aMissingKeyNamesTheVariable() {
        assertThat(problems(Map.of("SUPABASE_URL", "https://abcd.supabase.co")))
                .containsExactly("SUPABASE_SERVICE_ROLE_KEY is required: " + PURPOSE);
        assertThat(problems(Map.of("SUPABASE_SERVICE_ROLE_KEY", SECRET)))
                .containsExactly("SUPABASE_URL is required: an http(s) URL");
    }

    /** The adapter names its fields; the server's messages name the variables, as they always did. */
    @Test
    void whatTheAdapterRefusesIsNamedByTheVariables() {
        String anon = jwt("{\"iss\":\"supabase\",\"role\":\"anon\",\"exp\":1}");
        assertThat(problems(Map.of("SUPABASE_URL", "https://abcd.supabase.co", "SUPABASE_SERVICE_ROLE_KEY", anon)))
                .containsExactly("SUPABASE_URL / SUPABASE_SERVICE_ROLE_KEY: SUPABASE_SERVICE_ROLE_KEY holds a key "
                        + "with role 'anon': use the project's service_role key (Project Settings > API)");
        assertThat(problems(Map.of(
                        "SUPABASE_URL", "https://user:pw@abcd.supabase.co", "SUPABASE_SERVICE_ROLE_KEY", SECRET)))
                .containsExactly("SUPABASE_URL / SUPABASE_SERVICE_ROLE_KEY: SUPABASE_URL must not contain user info "
                        + "(credentials go in the key)");
        assertThat(problems(Map.of(
                        "SUPABASE_URL", "https://abcd.supabase.co?apikey=x", "SUPABASE_SERVICE_ROLE_KEY", SECRET)))
                .containsExactly("SUPABASE_URL / SUPABASE_SERVICE_ROLE_KEY: SUPABASE_URL must not have a query or a "
                        + "fragment");
    }

    @Test
    void onlyTheLeadingFieldNameIsRenamed() {
        assertThat(SupabaseSettings.named("url has no host")).isEqualTo("SUPABASE_URL has no host");
        assertThat(SupabaseSettings.named("serviceRoleKey is missing: the url"))
                .isEqualTo("SUPABASE_SERVICE_ROLE_KEY is missing: the url");
        assertThat(SupabaseSettings.named("maxAttempts must be between 1 and 10, was 0"))
                .isEqualTo("maxAttempts must be between 1 and 10, was 0");
    }

    @Test
    void theAnonKeyIsNeverRepeated() {
        String anon = jwt("{\"iss\":\"supabase\",\"role\":\"anon\",\"exp\":1}");
        EnvReader reader =
                new EnvReader(Map.of("SUPABASE_URL", "https://abcd.supabase.co", "SUPABASE_SERVICE_ROLE_KEY", anon));
        SupabaseSettings.read(reader, PURPOSE);
        assertThatThrownBy(reader::failIfAny)
                .isInstanceOf(ConfigException.class)
                .hasMessageNotContaining(anon);
    }
}
