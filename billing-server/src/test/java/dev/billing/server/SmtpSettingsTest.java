package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.smtp.SmtpConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code BILLING_SMTP_*} variables read into the SMTP adapter's configuration. */
class SmtpSettingsTest {
    private static final String SECRET = "s3cret-Pa55word";

    /** What reading found: the configuration when mail is on, and every problem. */
    private record Loaded(Optional<SmtpConfig> config, List<String> problems) {}

    private static Loaded read(Map<String, String> env) {
        EnvReader reader = new EnvReader(env);
        Optional<SmtpConfig> config = SmtpSettings.read(reader);
        try {
            reader.failIfAny();
            return new Loaded(config, List.of());
        } catch (ConfigException e) {
            assertThat(config).as("no configuration with problems").isEmpty();
            return new Loaded(config, e.problems());
        }
    }

    private static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put("BILLING_SMTP_HOST", "smtp.example.com");
        env.put("BILLING_SMTP_FROM", "Acme Billing <billing@example.com>");
        return env;
    }

    @Test
    void hostAndFromAreEnoughAndEverythingElseHasItsDefault() {
        Loaded loaded = read(minimal());

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
        assertThat(config.from()).isEqualTo("Acme Billing <billing@example.com>");
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

        SmtpConfig config = read(env).config().orElseThrow();

        assertThat(config)
                .isEqualTo(new SmtpConfig(
                        "smtp.example.com",
                        2525,
                        "apikey",
                        SECRET,
                        "Acme Billing <billing@example.com>",
                        false,
                        Duration.ofMillis(1500),
                        "Acme Cloud"));
        assertThat(config.authenticates()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"true,true", "yes,true", "1,true", "On,true", "false,false", "no,false", "0,false", "OFF,false"})
    void startTlsAcceptsTheUsualSpellings(String value, boolean expected) {
        Map<String, String> env = minimal();
        env.put("BILLING_SMTP_STARTTLS", value);

        assertThat(read(env).config().orElseThrow().startTls()).isEqualTo(expected);
    }

    @Test
    void withoutAnySmtpVariableMailIsOff() {
        assertThat(read(Map.of())).isEqualTo(new Loaded(Optional.empty(), List.of()));
        assertThat(read(Map.of("BILLING_APP_NAME", "Acme", "BILLING_SMTP_HOST", "  ")))
                .as("the app name alone, a blank host")
                .isEqualTo(new Loaded(Optional.empty(), List.of()));
    }

    @Test
    void smtpVariablesWithoutAHostAreAProblemNotASilentlyDisabledMailer() {
        Loaded loaded = read(Map.of(
                "BILLING_SMTP_FROM",
                "billing@example.com",
                "BILLING_SMTP_PASSWORD",
                SECRET,
                "BILLING_SMPT_HOST",
                "smtp.example.com"));

        assertThat(loaded.problems())
                .hasSize(2)
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

        Loaded loaded = read(env);

        assertThat(loaded.problems())
                .containsExactly(
                        "BILLING_SMTP_PORT: must be a whole number from 1 to 65535",
                        "BILLING_SMTP_STARTTLS: must be true or false",
                        "BILLING_SMTP_USERNAME is required when BILLING_SMTP_PASSWORD is set",
                        "BILLING_SMTP_FROM is required: the sender, e.g. Billing <billing@example.com>",
                        "BILLING_SMTP_TIMEOUT_MS: must be from 100 to 15000 (milliseconds)",
                        "BILLING_APP_NAME: at most 60 characters");
        EnvReader reader = new EnvReader(env);
        SmtpSettings.read(reader);
        assertThatThrownBy(reader::failIfAny)
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Invalid configuration (6 problems)")
                .hasMessageContaining("BILLING_SMTP_PORT")
                .hasMessageContaining("BILLING_APP_NAME")
                .hasMessageNotContaining(SECRET);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
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

        assertThat(read(env).problems()).containsExactly(problem);
    }

    @Test
    void aFromThatIsNotAnAddressIsNamed() {
        Map<String, String> env = minimal();
        env.put("BILLING_SMTP_FROM", "Billing <billing@example.com");

        assertThat(read(env).problems())
                .singleElement()
                .satisfies(p -> assertThat(p).startsWith("BILLING_SMTP_FROM: not an email address"));
    }

    @Test
    void theEnvironmentReportsABadDirectoryAsAProblem(@TempDir Path dir) {
        Map<String, String> env = minimal();
        env.put("BILLING_NOTICE_TEMPLATES_DIR", dir.resolve("absent").toString());

        assertThat(read(env).problems())
                .singleElement()
                .asString()
                .startsWith("BILLING_NOTICE_TEMPLATES_DIR: ")
                .endsWith("is not a directory");
    }

    @Test
    void everyProblemOfTheTemplatesIsNamedByTheVariable(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("refund-isued.txt"), "typo in the name");
        Files.writeString(dir.resolve("receipt.html"), "{{amount}} {{total}}");
        Map<String, String> env = minimal();
        env.put("BILLING_NOTICE_TEMPLATES_DIR", dir.toString());

        assertThat(read(env).problems())
                .containsExactlyInAnyOrder(
                        "BILLING_NOTICE_TEMPLATES_DIR: refund-isued.txt names no notice (one of [subscription-started, "
                                + "trial-ending, payment-failed, receipt, plan-changed, subscription-canceled, "
                                + "renewal-reminder, refund-issued])",
                        "BILLING_NOTICE_TEMPLATES_DIR: receipt.html uses unknown values [total] (known: [amount, app, "
                                + "event_id, item, link, reference])");
    }

    @Test
    void aUsableDirectoryIsKept(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("receipt.txt"), "{{amount}} for {{item}}");
        Map<String, String> env = minimal();
        env.put("BILLING_NOTICE_TEMPLATES_DIR", " " + dir + " ");

        assertThat(read(env).config().orElseThrow().templatesDir()).isEqualTo(dir.toString());
    }
}
