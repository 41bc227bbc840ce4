package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * RELIABILITY "Operations": no setting turns verification off. Every variable the configuration reads (recorded as it
 * reads them, so a setting added later is covered without this test naming it), set to anything that reads like
 * "off", leaves Stripe's webhook secret and Clerk's key required; and those variables themselves refuse such values
 * instead of taking them as "do not verify".
 */
class NoSettingDisablesVerificationTest {
    static final List<String> OFF_LIKE = List.of("false", "off", "0", "no", "none", "disabled", "skip", "true", "1");
    static final String WEBHOOK_SECRET_REQUIRED = "STRIPE_WEBHOOK_SECRET is required";
    static final String CLERK_KEY_REQUIRED = "CLERK_JWT_KEY, CLERK_JWKS_URL or CLERK_PUBLISHABLE_KEY is required";
    static final Set<String> CLERK_KEYS = Set.of("CLERK_JWT_KEY", "CLERK_JWKS_URL", "CLERK_PUBLISHABLE_KEY");

    @Test
    @DisplayName("whatever any other variable says, the webhook secret and Clerk's key stay required")
    void noOtherVariableMakesTheSecretsOptional() {
        Map<String, String> base = CliConfigTest.validEnv();
        base.remove("STRIPE_WEBHOOK_SECRET");
        base.remove("CLERK_JWT_KEY");
        Set<String> read = variablesRead(base);
        assertThat(read)
                .as("the recording sees what the configuration reads")
                .contains("STRIPE_WEBHOOK_SECRET", "CLERK_JWT_KEY", "BILLING_REFETCH_ON_WEBHOOK", "DATABASE_URL")
                .hasSizeGreaterThan(40);

        for (String name : read) {
            if (name.equals("STRIPE_WEBHOOK_SECRET") || CLERK_KEYS.contains(name)) {
                continue;
            }
            for (String value : OFF_LIKE) {
                Map<String, String> env = new HashMap<>(base);
                env.put(name, value);
                assertThat(String.join("\n", problems(env)))
                        .as("%s=%s", name, value)
                        .contains(WEBHOOK_SECRET_REQUIRED, CLERK_KEY_REQUIRED);
            }
        }
    }

    @Test
    @DisplayName("the webhook secret and Clerk's keys refuse a value that reads like \"off\"")
    void theSecretsRefuseOffLikeValues() {
        for (String value : OFF_LIKE) {
            Map<String, String> env = CliConfigTest.validEnv();
            env.put("STRIPE_WEBHOOK_SECRET", value);
            assertThat(problems(env)).as("STRIPE_WEBHOOK_SECRET=%s", value).isNotEmpty();
            for (String clerkKey : CLERK_KEYS) {
                Map<String, String> clerk = CliConfigTest.validEnv();
                clerk.remove("CLERK_JWT_KEY");
                clerk.put(clerkKey, value);
                assertThat(problems(clerk)).as("%s=%s", clerkKey, value).isNotEmpty();
            }
        }
    }

    /** Every problem the configuration finds in {@code env}; empty when it is valid. */
    private static List<String> problems(Map<String, String> env) {
        try {
            ServerConfig.fromEnv(env);
            return List.of();
        } catch (ConfigException e) {
            return e.problems();
        }
    }

    /** The names the configuration looks up while reading {@code env} (which must be invalid, as the base is). */
    private static Set<String> variablesRead(Map<String, String> env) {
        Set<String> read = new TreeSet<>();
        Map<String, String> recording = new HashMap<>(env) {
            @Override
            public String get(Object key) {
                read.add((String) key);
                return super.get(key);
            }

            @Override
            public String getOrDefault(Object key, String fallback) {
                read.add((String) key);
                return super.getOrDefault(key, fallback);
            }

            @Override
            public boolean containsKey(Object key) {
                read.add((String) key);
                return super.containsKey(key);
            }
        };
        assertThatThrownBy(() -> ServerConfig.fromEnv(recording)).isInstanceOf(ConfigException.class);
        return read;
    }
}
