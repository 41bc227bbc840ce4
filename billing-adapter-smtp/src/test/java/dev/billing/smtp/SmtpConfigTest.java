package dev.billing.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SmtpConfigTest {
    private static final String SECRET = "s3cret-Pa55word";

    private static SmtpConfig.Builder minimal() {
        return SmtpConfig.builder().host("smtp.example.com").from("Acme Billing <billing@example.com>");
    }

    @Test
    void hostAndFromAreEnoughAndEverythingElseHasItsDefault() {
        SmtpConfig.Builder builder = minimal();

        assertThat(builder.problems(SmtpConfig.SettingNames.FIELDS)).isEmpty();
        SmtpConfig config = builder.build();
        assertThat(config.host()).isEqualTo("smtp.example.com");
        assertThat(config.port()).isEqualTo(587);
        assertThat(config.startTls()).isTrue();
        assertThat(config.timeout()).isEqualTo(Duration.ofMillis(5000));
        assertThat(config.appName()).isEqualTo("billing");
        assertThat(config.username()).isNull();
        assertThat(config.password()).isNull();
        assertThat(config.templatesDir()).isNull();
        assertThat(config.authenticates()).isFalse();
        assertThat(config.fromAddress().getAddress()).isEqualTo("billing@example.com");
        assertThat(config.fromAddress().getPersonal()).isEqualTo("Acme Billing");
    }

    @Test
    void everySettingCanBeGiven() {
        SmtpConfig config = minimal()
                .port(2525)
                .username(" apikey ")
                .password(SECRET)
                .startTls(false)
                .timeout(Duration.ofMillis(1500))
                .appName("Acme Cloud")
                .build();

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

    @Test
    void everyProblemIsListedAtOnceEachNamingItsField() {
        SmtpConfig.Builder builder = SmtpConfig.builder()
                .host("smtp.example.com:587")
                .port(0)
                .password(SECRET)
                .timeout(Duration.ofMillis(5))
                .appName("x".repeat(61));

        assertThat(builder.problems(SmtpConfig.SettingNames.FIELDS))
                .containsExactly(
                        "host: a host name only; put the port in port",
                        "port: must be a whole number from 1 to 65535",
                        "username is required when password is set",
                        "from is required: the sender, e.g. Billing <billing@example.com>",
                        "timeout: must be from 100 to 15000 (milliseconds)",
                        "appName: at most 60 characters");
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("SMTP configuration: host: a host name only")
                .hasMessageContaining("appName: at most 60")
                .hasMessageNotContaining(SECRET);
    }

    /** A host that reads the settings from elsewhere lists the same problems under its own names for them. */
    @Test
    void problemsNameTheSettingsAsTheHostNamesThem() {
        SmtpConfig.SettingNames names = new SmtpConfig.SettingNames(
                "mail.host",
                "mail.port",
                "mail.user",
                "mail.password",
                "mail.from",
                "mail.timeout",
                "mail.app",
                "mail.templates");

        assertThat(minimal()
                        .host("smtp.example.com:25")
                        .port(465)
                        .username("apikey")
                        .problems(names))
                .containsExactly(
                        "mail.host: a host name only; put the port in mail.port",
                        "mail.port: 465 (implicit TLS) is not supported; use the submission port 587 with STARTTLS",
                        "mail.password is required when mail.user is set");
    }

    @Test
    void blankOptionalSettingsCountAsUnset() {
        SmtpConfig config = minimal()
                .username(" ")
                .password("")
                .templatesDir("  ")
                .appName(null)
                .build();

        assertThat(config.username()).isNull();
        assertThat(config.password()).isNull();
        assertThat(config.templatesDir()).isNull();
        assertThat(config.appName()).isEqualTo("billing");
        assertThat(minimal().username(" ").password("").templatesDir(" ").problems(SmtpConfig.SettingNames.FIELDS))
                .isEmpty();
    }

    @Test
    void aFromThatIsNotAnAddressIsNamed() {
        assertThat(minimal().from("Billing <billing@example.com").problems(SmtpConfig.SettingNames.FIELDS))
                .singleElement()
                .satisfies(p -> assertThat(p).startsWith("from: not an email address"));
        assertThat(minimal().from("billing").problems(SmtpConfig.SettingNames.FIELDS))
                .containsExactly("from: not an email address (Missing final '@domain')");
    }

    @Test
    void toStringNeverShowsThePassword() {
        SmtpConfig config = new SmtpConfig(
                "smtp.example.com", 587, "apikey", SECRET, "billing@example.com", true, Duration.ofSeconds(5), "Acme");

        assertThat(config.toString())
                .doesNotContain(SECRET)
                .contains("password=****")
                .contains("username=apikey")
                .contains("host=smtp.example.com")
                .contains("timeout=5000ms");
        assertThat(new SmtpConfig(
                                "smtp.example.com",
                                587,
                                null,
                                null,
                                "billing@example.com",
                                true,
                                Duration.ofSeconds(5),
                                null)
                        .toString())
                .contains("password=(none)")
                .contains("appName=billing");
    }

    @Test
    void theConstructorValidatesTooAndNamesTheFields() {
        assertThatThrownBy(() -> new SmtpConfig(" ", 0, null, SECRET, null, true, Duration.ofMillis(10), "Acme"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("SMTP configuration: ")
                .hasMessageContaining("host is required")
                .hasMessageContaining("port: must be")
                .hasMessageContaining("username is required when password is set")
                .hasMessageContaining("from is required")
                .hasMessageContaining("timeout: must be")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void anAppNameWithALineBreakCannotReachASubject() {
        assertThatThrownBy(() -> new SmtpConfig(
                        "smtp.example.com",
                        587,
                        null,
                        null,
                        "billing@example.com",
                        true,
                        Duration.ofSeconds(5),
                        "Acme\r\nBcc: everyone@example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("appName: must not contain control");
    }
}
