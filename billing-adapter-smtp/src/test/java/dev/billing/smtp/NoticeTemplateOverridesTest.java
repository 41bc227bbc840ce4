package dev.billing.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.model.Money;
import dev.billing.core.model.UserId;
import dev.billing.core.model.notice.NoticeKind;
import dev.billing.core.model.notice.Notification;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoticeTemplateOverridesTest {
    private static final Notification REFUND =
            new Notification.RefundIssued("evt_1", UserId.of("user_1"), "a@example.com", "ch_1", new Money(500, "usd"));

    @Test
    void aDirectoryWithoutTemplatesReplacesNothing(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("README.md"), "not a template");

        NoticeTemplateOverrides.Loaded loaded = NoticeTemplateOverrides.load(dir, "templatesDir");

        assertThat(loaded.problems()).isEmpty();
        NoticeTemplates.Rendered builtIn = NoticeTemplates.render(REFUND, "Acme");
        assertThat(loaded.overrides().apply(builtIn, REFUND, "Acme")).isSameAs(builtIn);
    }

    @Test
    void aTextOverrideKeepsTheBuiltInHtmlAndSubject(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("refund-issued.txt"), "{{amount}} back for {{charge}} ({{event_id}})");

        NoticeTemplateOverrides overrides =
                NoticeTemplateOverrides.load(dir, "templatesDir").overrides();
        NoticeTemplates.Rendered builtIn = NoticeTemplates.render(REFUND, "Acme");
        NoticeTemplates.Rendered rendered = overrides.apply(builtIn, REFUND, "Acme");

        assertThat(rendered.text()).isEqualTo("$5.00 back for ch_1 (evt_1)");
        assertThat(rendered.html()).isEqualTo(builtIn.html());
        assertThat(rendered.subject()).isEqualTo("Your Acme refund");
    }

    @Test
    void everyProblemIsListedNamingItsFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("refund-isued.txt"), "typo in the name");
        Files.writeString(dir.resolve("receipt.html"), "{{amount}} {{total}}");
        Files.write(dir.resolve("plan-changed.txt"), new byte[] {(byte) 0xC3, (byte) 0x28});

        assertThat(NoticeTemplateOverrides.load(dir, "templatesDir").problems())
                .containsExactlyInAnyOrder(
                        "templatesDir: refund-isued.txt names no notice (one of [subscription-started, "
                                + "trial-ending, payment-failed, receipt, plan-changed, subscription-canceled, "
                                + "renewal-reminder, refund-issued])",
                        "templatesDir: receipt.html uses unknown values [total] (known: [amount, app, "
                                + "event_id, item, link, reference])",
                        "templatesDir: plan-changed.txt is not UTF-8 text");
    }

    @Test
    void aMissingDirectoryIsRefused(@TempDir Path dir) {
        assertThat(NoticeTemplateOverrides.load(dir.resolve("absent"), "templatesDir")
                        .problems())
                .singleElement()
                .asString()
                .startsWith("templatesDir: ")
                .endsWith("is not a directory");
    }

    @Test
    void theNotifierRefusesToStartWithABadDirectory(@TempDir Path dir) {
        SmtpConfig config = new SmtpConfig(
                "127.0.0.1",
                2525,
                null,
                null,
                "billing@acme.example",
                false,
                SmtpConfig.DEFAULT_TIMEOUT,
                "Acme",
                dir.resolve("absent").toString());

        assertThatThrownBy(() -> SmtpNotifier.create(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Notice templates: templatesDir: ")
                .hasMessageEndingWith("is not a directory");
    }

    @Test
    void theBuilderReportsABadDirectoryUnderTheHostsNameForIt(@TempDir Path dir) {
        SmtpConfig.Builder smtp = SmtpConfig.builder()
                .host("smtp.example.com")
                .from("billing@example.com")
                .templatesDir(dir.resolve("absent").toString());

        assertThat(smtp.problems(SmtpConfig.SettingNames.FIELDS))
                .singleElement()
                .asString()
                .startsWith("templatesDir: ");
        assertThat(smtp.problems(new SmtpConfig.SettingNames("h", "p", "u", "pw", "f", "t", "a", "notices.dir")))
                .singleElement()
                .asString()
                .startsWith("notices.dir: ")
                .endsWith("is not a directory");
    }

    @Test
    void everyKindHasTemplateNames() {
        for (NoticeKind kind : NoticeKind.values()) {
            assertThat(NoticeTemplateOverrides.names(kind)).contains("app", "event_id");
        }
    }
}
