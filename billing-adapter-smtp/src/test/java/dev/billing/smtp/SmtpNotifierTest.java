package dev.billing.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.model.Money;
import dev.billing.core.model.UserId;
import dev.billing.core.model.notice.Notification;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class SmtpNotifierTest {

    /** A notifier aimed at a local port nobody listens on: any attempt to send fails at once. */
    private static SmtpNotifier aimedAtNothing() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        return SmtpNotifier.create(new SmtpConfig(
                "127.0.0.1", port, null, null, "Acme <billing@acme.example>", false, Duration.ofMillis(500), "Acme"));
    }

    private static Notification paymentFailed(String email) {
        return new Notification.PaymentFailed(
                "evt_1", UserId.of("user_1"), email, "in_1", Money.of(2900, "usd"), "https://invoice.stripe.com/i/1");
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "550 | 550 5.1.1 <a@example.com>: Recipient address rejected: User unknown | true",
                "550 | 550 Mailbox unavailable                                             | true",
                "553 | 553 5.1.3 Bad recipient address syntax                              | true",
                "551 | 551 User not local                                                  | true",
                "501 | 501 5.1.3 Invalid address                                           | true",
                "554 | 554 5.1.10 Recipient address has null MX                            | true",
                "554 | 554 5.7.1 <a@example.com>: Relay access denied                      | false",
                "550 | 550-5.7.1 Client host rejected: cannot find your hostname           | false",
                "530 | 530 5.7.0 Authentication required                                   | false",
                "552 | 552 5.2.2 Mailbox full                                              | false",
                "450 | 450 4.2.0 Mailbox busy                                              | false",
                "451 | 451 4.3.0 Try again later                                           | false",
                "421 | 421 Service not available                                           | false",
            })
    void onlyAPermanentRefusalOfTheRecipientItselfIsFinal(int code, String reply, boolean permanent) {
        assertThat(SmtpNotifier.isPermanentRecipientRejection(code, reply)).isEqualTo(permanent);
    }

    @Test
    void stripeEventIdsGoIntoHeadersAsTheyAre() {
        assertThat(SmtpNotifier.headerSafeId("evt_1QxYz2AbCdEf")).isEqualTo("evt_1QxYz2AbCdEf");
    }

    @Test
    void anyOtherEventIdIsHashedSoNothingCanBeInjectedIntoAHeader() {
        String hostile = "evt_1\r\nBcc: everyone@example.com";

        assertThat(SmtpNotifier.headerSafeId(hostile))
                .matches("sha256-[0-9a-f]{64}")
                .isEqualTo(SmtpNotifier.headerSafeId(hostile));
        assertThat(SmtpNotifier.headerSafeId("evt_2 x")).isNotEqualTo(SmtpNotifier.headerSafeId("evt_2 y"));
    }

    @Test
    void theMessageIdIsDerivedFromTheEventAndTheSendersDomain() throws IOException {
        SmtpNotifier notifier = aimedAtNothing();

        assertThat(notifier.messageId("evt_1"))
                .isEqualTo("<billing.evt_1@acme.example>")
                .isEqualTo(notifier.messageId("evt_1"));
        assertThat(notifier.messageId("evt_2")).isNotEqualTo(notifier.messageId("evt_1"));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  "})
    void aNoticeWithoutAnAddressIsSkippedWithoutContactingTheServer(String email) throws IOException {
        SmtpNotifier notifier = aimedAtNothing();

        assertThatCode(() -> notifier.send(paymentFailed(email))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ada", "ada@", "ada@@example.com", "ada@example.com\r\nBcc: x@example.com", "<ada>"})
    void anAddressThatIsNotOneIsSkippedBecauseNoRetryCanFixIt(String email) throws IOException {
        SmtpNotifier notifier = aimedAtNothing();

        assertThatCode(() -> notifier.send(paymentFailed(email))).doesNotThrowAnyException();
    }

    @Test
    void aRealAddressIsSentAndAnUnreachableServerThrowsWithTheAddressMasked() throws IOException {
        SmtpNotifier notifier = aimedAtNothing();

        assertThatThrownBy(() -> notifier.send(paymentFailed("ada@example.com")))
                .isInstanceOf(SmtpSendException.class)
                .hasMessageStartingWith("SMTP connecting failed for the payment-failed notice of event evt_1: ")
                .hasMessageContaining("MailConnectException")
                .hasMessageNotContaining("ada@example.com")
                .hasNoCause();
    }
}
