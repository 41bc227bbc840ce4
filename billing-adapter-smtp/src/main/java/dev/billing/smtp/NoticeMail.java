package dev.billing.smtp;

import dev.billing.core.model.notice.Notification;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A notice as a mail, whatever sends it ({@link SmtpNotifier}, or a host's own mail sender): the recipient check,
 * the text and HTML parts from the templates, the {@value #EVENT_ID_HEADER} and {@value #NOTICE_HEADER} headers,
 * and a {@code Message-ID} derived from the event, the same for every attempt.
 *
 * <p>Usage: {@code NoticeMail.recipient(notice).ifPresent(to -> send(NoticeMail.compose(session, notice, from, to,
 * "Acme")));}
 */
public final class NoticeMail {
    /** Header carrying the Stripe event id that caused the notice. */
    public static final String EVENT_ID_HEADER = "X-Billing-Event-Id";
    /** Header naming the notice: its {@link dev.billing.core.model.notice.NoticeKind#wireName()}, {@code receipt}. */
    public static final String NOTICE_HEADER = "X-Billing-Notice";

    private static final System.Logger LOG = System.getLogger(NoticeMail.class.getName());
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_.-]{1,200}");

    private NoticeMail() {}

    /**
     * The address to mail the notice to, or empty when it has none that can be mailed (logged with the address
     * masked: nothing a retry could change).
     */
    public static Optional<InternetAddress> recipient(Notification notice) {
        String kind = NoticeTemplates.kind(notice);
        String email = notice.email();
        if (email == null || email.isBlank()) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "No email address for user {0}: {1} notice of event {2} not mailed",
                    notice.userId(),
                    kind,
                    notice.eventId());
            return Optional.empty();
        }
        try {
            InternetAddress to = new InternetAddress(email.strip(), true);
            if (domainOf(to.getAddress()) == null) {
                throw new AddressException("no domain");
            }
            return Optional.of(to);
        } catch (AddressException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Not an email address ({0}) for user {1}: {2} notice of event {3} " + "not mailed",
                    Redaction.mask(email),
                    notice.userId(),
                    kind,
                    notice.eventId());
            return Optional.empty();
        }
    }

    /** The notice as a message on {@code session}, ready to send. */
    public static MimeMessage compose(
            Session session, Notification notice, InternetAddress from, InternetAddress to, String appName)
            throws MessagingException {
        return compose(session, notice, from, to, appName, NoticeTemplateOverrides.NONE);
    }

    /** The notice as a message, with the templates {@code overrides} replaces. */
    static MimeMessage compose(
            Session session,
            Notification notice,
            InternetAddress from,
            InternetAddress to,
            String appName,
            NoticeTemplateOverrides overrides)
            throws MessagingException {
        NoticeTemplates.Rendered rendered = overrides.apply(NoticeTemplates.render(notice, appName), notice, appName);
        MimeMessage message = new NoticeMessage(session, messageId(notice.eventId(), from));
        message.setFrom(from);
        message.setRecipient(Message.RecipientType.TO, to);
        message.setSubject(rendered.subject(), StandardCharsets.UTF_8.name());
        message.setSentDate(new Date());
        message.setHeader(EVENT_ID_HEADER, headerSafeId(notice.eventId()));
        message.setHeader(NOTICE_HEADER, rendered.kind());
        message.setHeader("Auto-Submitted", "auto-generated"); // RFC 3834: no auto-replies
        MimeBodyPart text = new MimeBodyPart();
        text.setText(rendered.text(), StandardCharsets.UTF_8.name(), "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(rendered.html(), StandardCharsets.UTF_8.name(), "html");
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html); // last is preferred (RFC 2046)
        message.setContent(alternative);
        message.saveChanges();
        return message;
    }

    /** The notice's kind as its header names it ({@code receipt}, ...), for logs. */
    public static String kind(Notification notice) {
        return NoticeTemplates.kind(notice);
    }

    /** An address with its local part masked, for logs. */
    public static String masked(String email) {
        return Redaction.mask(email);
    }

    /** The {@code Message-ID} of the notice caused by this event, in the sender's domain. */
    static String messageId(String eventId, InternetAddress from) {
        return "<billing." + headerSafeId(eventId) + "@" + domainOf(from.getAddress()) + ">";
    }

    /** The event id as sent in {@value #EVENT_ID_HEADER}: as is for Stripe ids, otherwise a SHA-256 of it. */
    static String headerSafeId(String eventId) {
        if (SAFE_ID.matcher(eventId).matches()) {
            return eventId;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(eventId.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** The lowercase ASCII domain of an address, or null when it has none. */
    static String domainOf(String address) {
        int at = address == null ? -1 : address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            return null;
        }
        String domain = address.substring(at + 1).toLowerCase(Locale.ROOT);
        if (!domain.matches("[a-z0-9.-]+")) {
            try {
                domain = IDN.toASCII(domain);
            } catch (IllegalArgumentException e) {
                return "localhost";
            }
        }
        return domain;
    }

    /** A message whose {@code Message-ID} is ours (derived from the event id), not a random one per attempt. */
    private static final class NoticeMessage extends MimeMessage {
        private final String messageId;

        NoticeMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
