package dev.billing.smtp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmtpConfigTest {
    private static final String SECRET = "s3cret-Pa55word";

    private static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put("BILLING_SMTP_HOST", "smtp.example.com");
        env.put("BILLING_SMTP_FROM", "Acme Billing <billing@example.com>");
        return env;
    }

    @Test
    void hostAndFromAreEnoughAndEverythingElseHasItsDefault() {
        SmtpConfig.Loaded loaded = SmtpConfig.fromEnvironment(minimal());

        assertThat(loaded).isInstanceOf(SmtpConfig.Enabled.class);
        assertThat(loaded.problems()).isEmpty();
        SmtpConfig config = loaded.config().orElseThrow();
        assertThat(config.host()).isEqualTo("smtp.example.com");
        assertThat(config.port()).isEqualTo(587);
        assertThat(config.startTls()).isTrue();
        assertThat(config.timeout()).isEqualTo(Duration.ofMillis(5000));
        assertThat(config.appName()).isEqualTo("billing");
        assertThat(config.username()).isNull();
        assertThat(config.password()).isNull();
        assertThat(config.authenticates()).isFalse();
        assertThat(config.fromAddress().getAddress()).isEqualTo("billing@example.com");
        assertThat(config.fromAddress().getPersonal()).isEqualTo("Acme Billing");
    }

    @Test
    void everyVariableIsRead() {
        Map<String, String> env = minimal();
        env.put("BILLING_SMTP_PORT", "2525");
        env.put("BILLING_SMTP_USERNAME", " apikey ");
        env.put("BILLING_SMTP_PASSWORD", SECRET);
        env.put("BILLING_SMTP_STARTTLS", "FALSE");
        env.put("BILLING_SMTP_TIMEOUT_MS", "1500");
        env.put("BILLING_APP_NAME", "Acme Cloud");

        SmtpConfig config = SmtpConfig.fromEnvironment(env).orThrow().orElseThrow();

        assertThat(config).isEqualTo(new SmtpConfig("smtp.example.com", 2525, "apikey", SECRET,
                "Acme Billing <billing@example.com>", false, Duration.ofMillis(1500), "Acme Cloud"));
        assertThat(config.authenticates()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"true,true", "yes,true", "1,true", "On,true", "false,false", "no,false", "0,false", "OFF,false"})
    void startTlsAcceptsTheUsualSpellings(String value, boolean expected) {
        Map<String, String> env = minimal();
        env.put("BILLING_SMTP_STARTTLS", value);

        assertThat(SmtpConfig.fromEnvironment(env).orThrow().orElseThrow().startTls()).isEqualTo(expected);
    }

    @Test
    void withoutAnySmtpVariableMailIsOff() {
        assertThat(SmtpConfig.fromEnvironment(Map.of())).isInstanceOf(SmtpConfig.Disabled.class);
        assertThat(SmtpConfig.fromEnvironment(Map.of("BILLING_APP_NAME", "Acme", "BILLING_SMTP_HOST", "  ")))
                .as("the app name alone, a blank host").isInstanceOf(SmtpConfig.Disabled.class);
        assertThat(SmtpConfig.fromEnvironment(Map.of()).orThrow()).isEmpty();
    }

    @Test
    void smtpVariablesWithoutAHostAreAProblemNotASilentlyDisabledMailer() {
        SmtpConfig.Loaded loaded = SmtpConfig.fromEnvironment(Map.of("BILLING_SMTP_FROM", "billing@example.com",
                "BILLING_SMTP_PASSWORD", SECRET, "BILLING_SMPT_HOST", "smtp.example.com"));

        assertThat(loaded).isInstanceOf(SmtpConfig.Invalid.class);
        assertThat(loaded.problems()).hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith("BILLING_SMTP_FROM: set, but BILLING_SMTP_HOST is not"))
                .anySatisfy(p -> assertThat(p).startsWith("BILLING_SMTP_PASSWORD: set, but BILLING_SMTP_HOST is not"))
                .noneSatisfy(p -> assertThat(p).contains(SECRET));
        assertThat(loaded.config()).isEmpty();
    }

    @Test
    void everyProblemIsReportedAtOnceEachNamingItsVariable() {
        Map<String, String> env = new HashMap<>();
        env.put("BILLING_SMTP_HOST", "smtp.example.com");
        env.put("BILLING_SMTP_PORT", "smtp");
        env.put("BILLING_SMTP_PASSWORD", SECRET);
        env.put("BILLING_SMTP_STARTTLS", "maybe");
        env.put("BILLING_SMTP_TIMEOUT_MS", "5");
        env.put("BILLING_APP_NAME", "x".repeat(61));

        SmtpConfig.Loaded loaded = SmtpConfig.fromEnvironment(env);

        assertThat(loaded).isInstanceOf(SmtpConfig.Invalid.class);
        assertThat(loaded.problems()).containsExactlyInAnyOrder(
                "BILLING_SMTP_PORT: must be a whole number from 1 to 65535",
                "BILLING_SMTP_TIMEOUT_MS: must be from 100 to 15000 (milliseconds)",
                "BILLING_SMTP_STARTTLS: must be true or false",
                "BILLING_SMTP_USERNAME is required when BILLING_SMTP_PASSWORD is set",
                "BILLING_SMTP_FROM is required: the sender, e.g. Billing <billing@example.com>",
                "BILLING_APP_NAME: at most 60 characters");
        assertThatThrownBy(loaded::orThrow).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("SMTP configuration (6 problems): ")
                .hasMessageContaining("BILLING_SMTP_PORT").hasMessageContaining("BILLING_APP_NAME")
                .hasMessageNotContaining(SECRET);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "BILLING_SMTP_PORT       | 0                        | BILLING_SMTP_PORT: must be a whole number from 1 to 65535",
            "BILLING_SMTP_PORT       | 70000                    | BILLING_SMTP_PORT: must be a whole number from 1 to 65535",
            "BILLING_SMTP_PORT       | 465                      | BILLING_SMTP_PORT: 465 (implicit TLS) is not supported; use the submission port 587 with STARTTLS",
            "BILLING_SMTP_HOST       | smtp://smtp.example.com  | BILLING_SMTP_HOST: a host name only, not a URL",
            "BILLING_SMTP_HOST       | smtp.example.com:587     | BILLING_SMTP_HOST: a host name only; put the port in BILLING_SMTP_PORT",
            "BILLING_SMTP_HOST       | smtp example.com         | BILLING_SMTP_HOST: must not contain whitespace",
            "BILLING_SMTP_FROM       | billing                  | BILLING_SMTP_FROM: not an email address (Missing final '@domain')",
            "BILLING_SMTP_USERNAME   | apikey                   | BILLING_SMTP_PASSWORD is required when BILLING_SMTP_USERNAME is set",
            "BILLING_SMTP_TIMEOUT_MS | 15001                    | BILLING_SMTP_TIMEOUT_MS: must be from 100 to 15000 (milliseconds)",
            "BILLING_SMTP_TIMEOUT_MS | 1.5                      | BILLING_SMTP_TIMEOUT_MS: must be a whole number of milliseconds",
    })
    void oneBadValueIsNamed(String variable, String value, String problem) {
        Map<String, String> env = minimal();
        env.put(variable, value);

        assertThat(SmtpConfig.fromEnvironment(env).problems()).containsExactly(problem);
    }

    @Test
    void aFromThatIsNotAnAddressIsNamed() {
        Map<String, String> env = minimal();
        env.put("BILLING_SMTP_FROM", "Billing <billing@example.com");

        assertThat(SmtpConfig.fromEnvironment(env).problems()).singleElement()
                .satisfies(p -> assertThat(p).startsWith("BILLING_SMTP_FROM: not an email address"));
    }

    @Test
    void toStringNeverShowsThePassword() {
        SmtpConfig config = new SmtpConfig("smtp.example.com", 587, "apikey", SECRET, "billing@example.com", true,
                Duration.ofSeconds(5), "Acme");

        assertThat(config.toString()).doesNotContain(SECRET).contains("password=****").contains("username=apikey")
                .contains("host=smtp.example.com").contains("timeout=5000ms");
        assertThat(new SmtpConfig("smtp.example.com", 587, null, null, "billing@example.com", true,
                Duration.ofSeconds(5), null).toString()).contains("password=(none)").contains("appName=billing");
    }

    @Test
    void theConstructorValidatesTooAndNamesTheFields() {
        assertThatThrownBy(() -> new SmtpConfig(" ", 0, null, SECRET, null, true, Duration.ofMillis(10), "Acme"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("SMTP configuration: ")
                .hasMessageContaining("host is required").hasMessageContaining("port: must be")
                .hasMessageContaining("username is required when password is set")
                .hasMessageContaining("from is required").hasMessageContaining("timeout: must be")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void anAppNameWithALineBreakCannotReachASubject() {
        assertThatThrownBy(() -> new SmtpConfig("smtp.example.com", 587, null, null, "billing@example.com", true,
                Duration.ofSeconds(5), "Acme\r\nBcc: everyone@example.com"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("appName: must not contain control");
    }
}
