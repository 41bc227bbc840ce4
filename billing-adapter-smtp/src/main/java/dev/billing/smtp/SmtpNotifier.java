package dev.billing.smtp;

import dev.billing.core.model.notice.NoticeDelivery;
import dev.billing.core.model.notice.Notification;
import dev.billing.core.port.Notifier;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;

/**
 * Mails notices (trial ending, payment failed, receipts) over SMTP with Jakarta Mail (Eclipse Angus): one connection
 * per notice, STARTTLS required unless configured off, every network operation bounded by the configured timeout
 * and the whole send by three times that timeout (a dead or trickling server fails the send; it never holds event
 * processing longer).
 *
 * <p>What {@link #send} does with each outcome (the core retries an event whose notifier throws, and marks the
 * event notified when it returns):
 * <ul>
 *   <li>no address on the notice: skipped with an INFO log, returns (nothing a retry could change);</li>
 *   <li>an address that is not one ({@code AddressException}): logged, returns (same reason);</li>
 *   <li>the server permanently rejects the recipient (5xx to {@code RCPT TO}): logged, returns. Retrying would
 *       fail the same way every time until the event is parked as failed, for an address only the user can fix.
 *       Exceptions, which throw: 552 (RFC 5321 says to treat it as temporary) and policy or authentication
 *       refusals (enhanced status {@code 5.7.x}, or 530) such as "relay access denied", which usually mean this
 *       server's own SMTP setup is wrong and would otherwise drop every notice quietly;</li>
 *   <li>anything else (server unreachable, timeout, TLS or AUTH failure, sender or message refused, 4xx): throws,
 *       so the event is retried on the inbox's schedule. The exception's message names the phase and the server's
 *       reply with addresses masked, and carries no cause (which could show the address).</li>
 * </ul>
 * Every mail carries the Stripe event id in {@value #EVENT_ID_HEADER} and a {@code Message-ID} derived from it, so
 * a duplicate from the crash window (sent, then the process died before the inbox recorded it) has the same
 * {@code Message-ID} as the first and can be recognised. Recipient addresses are never logged in full.
 *
 * <p>Usage: {@code Notifier notifier = SmtpNotifier.create(SmtpConfig.builder().host("smtp.example.com")
 * .from("Billing <billing@example.com>").build());}
 */
public final class SmtpNotifier implements Notifier {
    /** Header carrying the Stripe event id that caused the notice. */
    public static final String EVENT_ID_HEADER = NoticeMail.EVENT_ID_HEADER;
    /** Header naming the notice: {@code trial-ending}, {@code payment-failed} or {@code receipt}. */
    public static final String NOTICE_HEADER = NoticeMail.NOTICE_HEADER;

    private static final System.Logger LOG = System.getLogger(SmtpNotifier.class.getName());
    private static final Pattern ENHANCED_STATUS = Pattern.compile("^\\d{3}[ -]([245])\\.(\\d{1,3})\\.(\\d{1,3})\\b");
    private static final int MAX_ERROR_CHARS = 600;

    private final SmtpConfig config;
    private final Session session;
    private final InternetAddress from;
    private final NoticeTemplateOverrides overrides;

    private SmtpNotifier(SmtpConfig config, NoticeTemplateOverrides overrides) {
        this.config = config;
        this.overrides = overrides;
        this.from = config.fromAddress();
        this.session = Session.getInstance(properties(config, NoticeMail.domainOf(from.getAddress())));
    }

    /**
     * A notifier for this server; nothing is contacted until the first notice. The templates of
     * {@link SmtpConfig#templatesDir()} are read now.
     *
     * @throws IllegalArgumentException listing every problem of the templates directory (it is refused, not skipped)
     */
    public static SmtpNotifier create(SmtpConfig config) {
        Objects.requireNonNull(config, "config");
        NoticeTemplateOverrides overrides = NoticeTemplateOverrides.NONE;
        if (config.templatesDir() != null) {
            NoticeTemplateOverrides.Loaded loaded = NoticeTemplateOverrides.load(
                    Path.of(config.templatesDir()), SmtpConfig.SettingNames.FIELDS.templatesDir());
            if (!loaded.problems().isEmpty()) {
                throw new IllegalArgumentException("Notice templates: " + String.join("; ", loaded.problems()));
            }
            overrides = loaded.overrides();
            LOG.log(
                    System.Logger.Level.INFO,
                    "Notice templates: {0} of the built-in ones replaced from {1}",
                    overrides.size(),
                    config.templatesDir());
        }
        if (config.authenticates() && !config.startTls() && !isLoopback(config.host())) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "SMTP: STARTTLS is off and a password is configured: the password crosses the network to {0} "
                            + "in clear text",
                    config.host());
        }
        return new SmtpNotifier(config, overrides);
    }

    public SmtpConfig config() {
        return config;
    }

    @Override
    public void send(Notification notice) {
        deliver(notice);
    }

    /** Sends the notice: skipped when it has no address that can be mailed or the server refuses it for good. */
    @Override
    public NoticeDelivery deliver(Notification notice) {
        Objects.requireNonNull(notice, "notice");
        String kind = NoticeMail.kind(notice);
        Optional<InternetAddress> recipient = NoticeMail.recipient(notice);
        if (recipient.isEmpty()) {
            return NoticeDelivery.skipped("no email address that can be mailed");
        }
        InternetAddress to = recipient.get();
        String masked = Redaction.mask(to.getAddress());
        MimeMessage message;
        try {
            message = NoticeMail.compose(session, notice, from, to, config.appName(), overrides);
        } catch (MessagingException e) {
            throw new SmtpSendException(
                    "Composing the " + kind + " notice of event " + notice.eventId() + " failed: " + describe(e));
        }
        long started = System.nanoTime();
        Transport transport = null;
        String phase = "connecting";
        try (SendDeadline deadline = SendDeadline.start(sendBudget(config))) {
            try {
                transport = session.getTransport("smtp");
                transport.connect(config.host(), config.port(), config.username(), config.password());
                phase = "sending";
                transport.sendMessage(message, new Address[] {to});
                LOG.log(
                        System.Logger.Level.INFO,
                        "Mailed {0} notice of event {1} to {2} (user {3}) in {4} ms",
                        kind,
                        notice.eventId(),
                        masked,
                        notice.userId(),
                        (System.nanoTime() - started) / 1_000_000);
                return NoticeDelivery.sent(messageId(notice.eventId()));
            } catch (SendFailedException e) {
                SMTPAddressFailedException rejection = recipientRejection(e, to);
                if (!deadline.expired()
                        && rejection != null
                        && isPermanentRecipientRejection(rejection.getReturnCode(), rejection.getMessage())) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "The mail server permanently rejected {0} for user {1}: {2} notice of event {3} not mailed "
                                    + "({4})",
                            masked,
                            notice.userId(),
                            kind,
                            notice.eventId(),
                            describe(rejection));
                    return NoticeDelivery.skipped(
                            "the mail server refused the recipient for good: " + describe(rejection));
                }
                throw failure("sending", kind, notice.eventId(), deadline, e);
            } catch (MessagingException e) {
                throw failure(phase, kind, notice.eventId(), deadline, e);
            } finally {
                closeQuietly(transport);
            }
        }
    }

    /** The most one send may take in total: three times the per-operation timeout. */
    static Duration sendBudget(SmtpConfig config) {
        return config.timeout().multipliedBy(3);
    }

    /**
     * Whether an SMTP reply to {@code RCPT TO} rejects the recipient for good: any 5xx except 552 (temporary per
     * RFC 5321 §4.5.3.1.10) and except policy or authentication refusals ({@code 5.7.x}, 530), which point at this
     * server's own setup.
     */
    static boolean isPermanentRecipientRejection(int code, String reply) {
        if (code < 500 || code > 599 || code == 552 || code == 530) {
            return false;
        }
        Matcher status = ENHANCED_STATUS.matcher(reply == null ? "" : reply.strip());
        return !(status.find() && status.group(1).equals("5") && status.group(2).equals("7"));
    }

    /** The {@code Message-ID} of the notice caused by this event; the same for every attempt. */
    String messageId(String eventId) {
        return NoticeMail.messageId(eventId, from);
    }

    /** The event id as sent in {@value #EVENT_ID_HEADER}. */
    static String headerSafeId(String eventId) {
        return NoticeMail.headerSafeId(eventId);
    }

    private static Properties properties(SmtpConfig config, String ehloName) {
        String timeout = Long.toString(config.timeout().toMillis());
        Properties p = new Properties();
        p.setProperty("mail.transport.protocol", "smtp");
        p.setProperty("mail.smtp.host", config.host());
        p.setProperty("mail.smtp.port", Integer.toString(config.port()));
        p.setProperty("mail.smtp.connectiontimeout", timeout);
        p.setProperty("mail.smtp.timeout", timeout);
        p.setProperty("mail.smtp.writetimeout", timeout);
        p.setProperty("mail.smtp.auth", Boolean.toString(config.authenticates()));
        p.setProperty("mail.smtp.starttls.enable", Boolean.toString(config.startTls()));
        p.setProperty("mail.smtp.starttls.required", Boolean.toString(config.startTls()));
        p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
        // The EHLO name: without it Angus resolves the local host name, a DNS lookup no timeout bounds.
        p.setProperty("mail.smtp.localhost", ehloName);
        // Sockets the send deadline can close; never fall back to an unwatched one.
        p.put("mail.smtp.socketFactory", SendDeadline.SOCKETS);
        p.setProperty("mail.smtp.socketFactory.fallback", "false");
        return p;
    }

    /** The chained rejection of exactly this recipient, if the server refused it at {@code RCPT TO}. */
    private static SMTPAddressFailedException recipientRejection(SendFailedException e, InternetAddress to) {
        Exception next = e;
        for (int depth = 0; next != null && depth < 10; depth++) {
            if (next instanceof SMTPAddressFailedException failed
                    && failed.getAddress() != null
                    && failed.getAddress().getAddress().equalsIgnoreCase(to.getAddress())) {
                return failed;
            }
            next = next instanceof MessagingException m ? m.getNextException() : null;
        }
        return null;
    }

    private static SmtpSendException failure(
            String phase, String kind, String eventId, SendDeadline deadline, MessagingException e) {
        String message = "SMTP " + phase + " failed for the " + kind + " notice of event " + eventId + ": "
                + (deadline.expired()
                        ? "gave up at the send deadline of " + deadline.budget().toMillis() + " ms; "
                        : "")
                + describe(e);
        return new SmtpSendException(
                message.length() > MAX_ERROR_CHARS ? message.substring(0, MAX_ERROR_CHARS) : message);
    }

    /** Class and message of the exception and what it wraps, addresses masked. */
    private static String describe(Throwable e) {
        StringBuilder out = new StringBuilder();
        Throwable current = e;
        for (int depth = 0; current != null && depth < 4; depth++) {
            if (depth > 0) {
                out.append("; ");
            }
            out.append(current.getClass().getSimpleName());
            if (current.getMessage() != null) {
                out.append(": ").append(Redaction.scrub(current.getMessage().strip()));
            }
            Throwable next = current instanceof MessagingException m && m.getNextException() != null
                    ? m.getNextException()
                    : current.getCause();
            current = next == current ? null : next;
        }
        return out.toString().replaceAll("[\\r\\n]+", " ");
    }

    private static boolean isLoopback(String host) {
        return host.equalsIgnoreCase("localhost")
                || host.startsWith("127.")
                || host.equals("::1")
                || host.equals("[::1]");
    }

    private static void closeQuietly(Transport transport) {
        if (transport == null) {
            return;
        }
        try {
            transport.close();
        } catch (MessagingException e) {
            LOG.log(System.Logger.Level.DEBUG, "SMTP close failed after the send: {0}", e.getMessage());
        }
    }
}
