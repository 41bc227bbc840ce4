package dev.billing.spring;

import dev.billing.core.model.notice.NoticeDelivery;
import dev.billing.core.model.notice.Notification;
import dev.billing.core.port.Notifier;
import dev.billing.smtp.NoticeMail;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Objects;
import java.util.Optional;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSender;

/**
 * Mails notices through the application's {@link JavaMailSender} (spring.mail.*), with the SMTP adapter's messages:
 * the same templates, headers and per-event {@code Message-ID}. A failed send throws, so the core retries the
 * event; the exception names the notice and the failure's type only (a mail server's reply can carry the address).
 */
final class MailSenderNotifier implements Notifier {
    private static final System.Logger LOG = System.getLogger(MailSenderNotifier.class.getName());

    private final JavaMailSender sender;
    private final InternetAddress from;
    private final String appName;

    MailSenderNotifier(JavaMailSender sender, String from, String appName) {
        this.sender = Objects.requireNonNull(sender, "sender");
        try {
            this.from = new InternetAddress(from, true);
        } catch (AddressException e) {
            throw new IllegalArgumentException("billing.notices.from: not an email address", e);
        }
        this.appName = appName;
    }

    @Override
    public void send(Notification notice) {
        deliver(notice);
    }

    /** Sent with the mail's {@code Message-ID}, or skipped without an address that can be mailed. */
    @Override
    public NoticeDelivery deliver(Notification notice) {
        Optional<InternetAddress> to = NoticeMail.recipient(notice);
        if (to.isEmpty()) {
            return NoticeDelivery.skipped("no email address that can be mailed");
        }
        String kind = NoticeMail.kind(notice);
        try {
            Session session = sender.createMimeMessage().getSession();
            MimeMessage message = NoticeMail.compose(session, notice, from, to.get(), appName);
            sender.send(message);
            LOG.log(
                    System.Logger.Level.INFO,
                    "Mailed {0} notice of event {1} to {2} (user {3})",
                    kind,
                    notice.eventId(),
                    NoticeMail.masked(to.get().getAddress()),
                    notice.userId());
            return NoticeDelivery.sent(message.getMessageID());
        } catch (MessagingException | MailException e) {
            throw new IllegalStateException("Mailing the " + kind + " notice of event " + notice.eventId() + " failed: "
                    + e.getClass().getSimpleName());
        }
    }
}
