package dev.billing.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.billing.core.model.Money;
import dev.billing.core.model.UserId;
import dev.billing.core.model.notice.Notification;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** {@link SmtpNotifier} over a real socket: GreenMail as the mail server, or a scripted one for refusals. */
class SmtpNotifierIT {
    static final String FROM = "Acme Billing <billing@acme.example>";
    static final String SMTP_USER = "billing";
    static final String SMTP_PASSWORD = "smtp-Pa55word-not-for-mail";
    static final String TO = "ada@example.com";
    static final UserId USER = UserId.of("user_ada");
    static final String INVOICE_URL = "https://invoice.stripe.com/i/acct_1/test_YWNjdF8x?s=ap";

    private GreenMail greenMail;

    @BeforeEach
    void startMailServer() {
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
                .withConfiguration(
                        GreenMailConfiguration.aConfig().withUser("billing@acme.example", SMTP_USER, SMTP_PASSWORD));
        greenMail.start();
    }

    @AfterEach
    void stopMailServer() {
        greenMail.stop();
    }

    static SmtpConfig config(int port, String username, String password, boolean startTls, long timeoutMs) {
        return new SmtpConfig(
                "127.0.0.1", port, username, password, FROM, startTls, Duration.ofMillis(timeoutMs), "Acme");
    }

    private SmtpNotifier notifier() {
        return SmtpNotifier.create(config(greenMail.getSmtp().getPort(), null, null, false, 5_000));
    }

    static String part(MimeMessage message, String type) throws Exception {
        Multipart alternative = (Multipart) message.getContent();
        for (int i = 0; i < alternative.getCount(); i++) {
            BodyPart part = alternative.getBodyPart(i);
            if (part.isMimeType(type)) {
                return (String) part.getContent();
            }
        }
        throw new AssertionError("no " + type + " part");
    }

    static void assertCommonHeaders(MimeMessage mail, String eventId, String kind) throws Exception {
        assertThat(mail.getFrom()).containsExactly(new InternetAddress(FROM));
        assertThat(mail.getRecipients(Message.RecipientType.TO)).containsExactly(new InternetAddress(TO));
        assertThat(mail.getHeader(SmtpNotifier.EVENT_ID_HEADER)).containsExactly(eventId);
        assertThat(mail.getHeader(SmtpNotifier.NOTICE_HEADER)).containsExactly(kind);
        assertThat(mail.getMessageID()).isEqualTo("<billing." + eventId + "@acme.example>");
        assertThat(mail.getHeader("Auto-Submitted")).containsExactly("auto-generated");
        assertThat(mail.isMimeType("multipart/alternative")).isTrue();
        Multipart alternative = (Multipart) mail.getContent();
        assertThat(alternative.getCount()).isEqualTo(2);
        assertThat(alternative.getBodyPart(0).isMimeType("text/plain")).isTrue();
        assertThat(alternative.getBodyPart(1).isMimeType("text/html"))
                .as("the preferred part comes last")
                .isTrue();
    }

    @Nested
    class EachNotice {
        @Test
        void aTrialEndingNoticeArrivesWithItsSubjectDateAndHeaders() throws Exception {
            notifier()
                    .send(new Notification.TrialEnding(
                            "evt_trial_1", USER, TO, "sub_42", Instant.parse("2026-12-05T10:00:00Z")));

            MimeMessage mail = greenMail.getReceivedMessages()[0];
            assertThat(greenMail.getReceivedMessages()).hasSize(1);
            assertThat(mail.getSubject()).isEqualTo("Your Acme trial is ending");
            assertCommonHeaders(mail, "evt_trial_1", "trial-ending");
            assertThat(part(mail, "text/plain"))
                    .contains("Your Acme trial ends on December 5, 2026 at 10:00 UTC.")
                    .contains("To keep your plan");
            assertThat(part(mail, "text/html")).contains("December 5, 2026 at 10:00 UTC");
        }

        @Test
        void aPaymentFailedNoticeCarriesTheAmountAndTheHostedInvoiceLink() throws Exception {
            notifier()
                    .send(new Notification.PaymentFailed(
                            "evt_failed_1", USER, TO, "in_7", Money.of(2900, "usd"), INVOICE_URL));

            MimeMessage mail = greenMail.getReceivedMessages()[0];
            assertThat(greenMail.getReceivedMessages()).hasSize(1);
            assertThat(mail.getSubject()).isEqualTo("Your Acme payment failed");
            assertCommonHeaders(mail, "evt_failed_1", "payment-failed");
            assertThat(part(mail, "text/plain"))
                    .contains("payment of $29.00 for Acme")
                    .contains(INVOICE_URL);
            assertThat(part(mail, "text/html")).contains("<a href=\"" + INVOICE_URL.replace("&", "&amp;") + "\">");
        }

        @Test
        void aReceiptNamesWhatWasPaidAndLinksTheInvoice() throws Exception {
            notifier()
                    .send(new Notification.Receipt(
                            "evt_paid_1", USER, TO, "in_9", "Invoice INV-0009", Money.of(1500, "jpy"), INVOICE_URL));

            MimeMessage mail = greenMail.getReceivedMessages()[0];
            assertThat(greenMail.getReceivedMessages()).hasSize(1);
            assertThat(mail.getSubject()).isEqualTo("Your Acme receipt");
            assertCommonHeaders(mail, "evt_paid_1", "receipt");
            assertThat(part(mail, "text/plain"))
                    .contains("Item: Invoice INV-0009")
                    .contains("Amount paid: ¥1,500")
                    .contains(INVOICE_URL);
            assertThat(part(mail, "text/html")).contains("¥1,500").contains("href=\"" + INVOICE_URL + "\"");
        }

        @Test
        void nonAsciiTextSurvivesTheTrip() throws Exception {
            SmtpNotifier notifier = SmtpNotifier.create(new SmtpConfig(
                    "127.0.0.1",
                    greenMail.getSmtp().getPort(),
                    null,
                    null,
                    FROM,
                    false,
                    Duration.ofSeconds(5),
                    "Café Ünïcode"));

            notifier.send(new Notification.Receipt(
                    "evt_paid_2", USER, TO, "cs_1", "2 × crédits", Money.of(1999, "eur"), null));

            MimeMessage mail = greenMail.getReceivedMessages()[0];
            assertThat(mail.getSubject()).isEqualTo("Your Café Ünïcode receipt");
            assertThat(part(mail, "text/plain")).contains("Item: 2 × crédits").contains("€19.99");
        }
    }

    @Test
    void everyAttemptForOneEventCarriesTheSameMessageId() throws Exception {
        Notification notice =
                new Notification.PaymentFailed("evt_dup_1", USER, TO, "in_7", Money.of(2900, "usd"), INVOICE_URL);

        notifier().send(notice);
        notifier().send(notice); // what a crash between sending and marking the event notified would cause

        MimeMessage[] mails = greenMail.getReceivedMessages();
        assertThat(mails).hasSize(2);
        assertThat(mails[0].getMessageID())
                .isEqualTo(mails[1].getMessageID())
                .isEqualTo("<billing.evt_dup_1@acme.example>");
    }

    @Nested
    class Authentication {
        @Test
        void theConfiguredCredentialsLogIn() {
            SmtpNotifier notifier =
                    SmtpNotifier.create(config(greenMail.getSmtp().getPort(), SMTP_USER, SMTP_PASSWORD, false, 5_000));

            notifier.send(new Notification.TrialEnding("evt_auth_1", USER, TO, "sub_1", null));

            assertThat(greenMail.getReceivedMessages()).hasSize(1);
        }

        @Test
        void aWrongPasswordThrowsSoTheEventIsRetriedAndNeitherPasswordNorAddressIsInTheError() {
            SmtpNotifier notifier = SmtpNotifier.create(
                    config(greenMail.getSmtp().getPort(), SMTP_USER, "wrong-Pa55word", false, 5_000));

            assertThatThrownBy(() -> notifier.send(new Notification.TrialEnding("evt_auth_2", USER, TO, "sub_1", null)))
                    .isInstanceOf(SmtpSendException.class)
                    .hasMessageContaining("AuthenticationFailedException")
                    .hasMessageContaining("535")
                    .hasMessageNotContaining("wrong-Pa55word")
                    .hasMessageNotContaining(TO);
            assertThat(greenMail.getReceivedMessages()).isEmpty();
        }

        @Test
        void requiredStartTlsThatTheServerDoesNotOfferFailsInsteadOfFallingBackToClearText() {
            SmtpNotifier notifier =
                    SmtpNotifier.create(config(greenMail.getSmtp().getPort(), SMTP_USER, SMTP_PASSWORD, true, 5_000));

            assertThatThrownBy(() -> notifier.send(new Notification.TrialEnding("evt_tls_1", USER, TO, "sub_1", null)))
                    .isInstanceOf(SmtpSendException.class)
                    .hasMessageContaining("STARTTLS");
            assertThat(greenMail.getReceivedMessages()).isEmpty();
        }
    }

    @Nested
    class Refusals {
        private final Notification notice =
                new Notification.PaymentFailed("evt_refused_1", USER, TO, "in_7", Money.of(2900, "usd"), INVOICE_URL);

        @Test
        void aRecipientRejectedForGoodIsLoggedAndNotThrownSinceARetryCannotHelp() throws Exception {
            try (ScriptedSmtpServer server = ScriptedSmtpServer.answeringRcptWith(
                    "550 5.1.1 <" + TO + ">: Recipient address rejected: User unknown")) {
                SmtpNotifier notifier = SmtpNotifier.create(config(server.port(), null, null, false, 5_000));

                assertThatCode(() -> notifier.send(notice)).doesNotThrowAnyException();

                assertThat(server.commands()).contains("RCPT TO:<" + TO + ">").doesNotContain("DATA");
                assertThat(server.messages()).isZero();
            }
        }

        @Test
        void aTemporaryRecipientRefusalThrows() throws Exception {
            try (ScriptedSmtpServer server = ScriptedSmtpServer.answeringRcptWith(
                    "450 4.2.0 <" + TO + ">: Recipient address rejected: Greylisted")) {
                SmtpNotifier notifier = SmtpNotifier.create(config(server.port(), null, null, false, 5_000));

                assertThatThrownBy(() -> notifier.send(notice))
                        .isInstanceOf(SmtpSendException.class)
                        .hasMessageContaining("450 4.2.0 <a***@example.com>")
                        .hasMessageNotContaining(TO);
            }
        }

        @Test
        void aRelayRefusalThrowsBecauseItIsAboutOurSetupNotTheRecipient() throws Exception {
            try (ScriptedSmtpServer server =
                    ScriptedSmtpServer.answeringRcptWith("554 5.7.1 <" + TO + ">: Relay access denied")) {
                SmtpNotifier notifier = SmtpNotifier.create(config(server.port(), null, null, false, 5_000));

                assertThatThrownBy(() -> notifier.send(notice))
                        .isInstanceOf(SmtpSendException.class)
                        .hasMessageContaining("Relay access denied");
            }
        }
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // without a read timeout: fail, not hang
    void aServerThatNeverAnswersFailsTheSendWithinTheTimeout() throws Exception {
        try (ScriptedSmtpServer silent = ScriptedSmtpServer.silent()) {
            SmtpNotifier notifier = SmtpNotifier.create(config(silent.port(), SMTP_USER, SMTP_PASSWORD, true, 400));
            long started = System.nanoTime();

            assertThatThrownBy(
                            () -> notifier.send(new Notification.TrialEnding("evt_silent_1", USER, TO, "sub_1", null)))
                    .isInstanceOf(SmtpSendException.class)
                    .hasMessageContaining("timed out");

            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(silent.connections()).isEqualTo(1);
            assertThat(took)
                    .as("waited for the greeting up to the timeout, and no longer")
                    .isBetween(Duration.ofMillis(350), Duration.ofMillis(2_000));
        }
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aServerThatAnswersEachStepJustInTimeIsCutOffAtTheWholeSendDeadline() throws Exception {
        try (ScriptedSmtpServer trickling = ScriptedSmtpServer.answeringEachStepAfter(Duration.ofMillis(300))) {
            // 400 ms per step is never exceeded, but greeting, EHLO, MAIL, RCPT, DATA, the end of data and QUIT
            // take 7 x 300 ms; the whole send is allowed 3 x 400 ms.
            SmtpNotifier notifier = SmtpNotifier.create(config(trickling.port(), null, null, false, 400));
            long started = System.nanoTime();

            assertThatThrownBy(() -> notifier.send(new Notification.TrialEnding("evt_slow_1", USER, TO, "sub_1", null)))
                    .isInstanceOf(SmtpSendException.class)
                    .hasMessageContaining("gave up at the send deadline of 1200 ms");

            // The message says the deadline cut it off; the time says it waited for it (and at most 5x it).
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isBetween(Duration.ofMillis(1_150), Duration.ofMillis(6_000));
            assertThat(trickling.messages()).isZero();
        }
    }

    @Test
    void noLogLineEverHoldsTheRecipientsAddress() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.billing.smtp");
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try (ScriptedSmtpServer rejecting = ScriptedSmtpServer.answeringRcptWith(
                "550 5.1.1 <" + TO + ">: Recipient address rejected: User unknown")) {
            notifier().send(new Notification.TrialEnding("evt_log_1", USER, TO, "sub_1", null));
            notifier().send(new Notification.TrialEnding("evt_log_2", USER, null, "sub_1", null));
            SmtpNotifier.create(config(rejecting.port(), null, null, false, 5_000))
                    .send(new Notification.TrialEnding("evt_log_3", USER, TO, "sub_1", null));
        } finally {
            logger.detachAppender(logs);
        }

        List<String> lines =
                logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).hasSize(3).noneSatisfy(line -> assertThat(line).containsIgnoringCase(TO));
        assertThat(lines.get(0)).startsWith("Mailed trial-ending notice of event evt_log_1 to a***@example.com");
        assertThat(lines.get(1)).startsWith("No email address for user user_ada");
        assertThat(lines.get(2))
                .startsWith("The mail server permanently rejected a***@example.com")
                .contains("550 5.1.1 <a***@example.com>");
    }
}
