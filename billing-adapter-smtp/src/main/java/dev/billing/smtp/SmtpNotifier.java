package dev.billing.smtp;

import dev.billing.core.model.Notification;
import dev.billing.core.port.Notifier;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * <p>Usage: {@code Notifier notifier = SmtpNotifier.create(SmtpConfig.fromEnvironment(env).orThrow().orElseThrow());}
 */
public final class SmtpNotifier implements Notifier {
    /** Header carrying the Stripe event id that caused the notice. */
    public static final String EVENT_ID_HEADER = "X-Billing-Event-Id";
    /** Header naming the notice: {@code trial-ending}, {@code payment-failed} or {@code receipt}. */
    public static final String NOTICE_HEADER = "X-Billing-Notice";

    private static final System.Logger LOG = System.getLogger(SmtpNotifier.class.getName());
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_.-]{1,200}");
    private static final Pattern ENHANCED_STATUS = Pattern.compile("^\\d{3}[ -]([245])\\.(\\d{1,3})\\.(\\d{1,3})\\b");
    private static final int MAX_ERROR_CHARS = 600;

    private final SmtpConfig config;
    private final Session session;
    private final InternetAddress from;
    private final String messageIdDomain;

    private SmtpNotifier(SmtpConfig config) {
        this.config = config;
        this.from = config.fromAddress();
        this.messageIdDomain = domainOf(from.getAddress());
        this.session = Session.getInstance(properties(config, messageIdDomain));
    }

    /** A notifier for this server; nothing is contacted until the first notice. */
    public static SmtpNotifier create(SmtpConfig config) {
        Objects.requireNonNull(config, "config");
        if (config.authenticates() && !config.startTls() && !isLoopback(config.host())) {
            LOG.log(System.Logger.Level.WARNING, "SMTP: STARTTLS is off and a password is configured: the password crosses the network to {0} "
                    + "in clear text", config.host());
        }
        return new SmtpNotifier(config);
    }

    public SmtpConfig config() {
        return config;
    }

    @Override
    public void send(Notification notice) {
        Objects.requireNonNull(notice, "notice");
        String kind = NoticeTemplates.kind(notice);
        String email = notice.email();
        if (email == null || email.isBlank()) {
            LOG.log(System.Logger.Level.INFO, "No email address for user {0}: {1} notice of event {2} not mailed", notice.userId(), kind,
                    notice.eventId());
            return;
        }
        String masked = Redaction.mask(email);
        InternetAddress to;
        try {
            to = new InternetAddress(email.strip(), true);
            if (domainOf(to.getAddress()) == null) {
                throw new AddressException("no domain");
            }
        } catch (AddressException e) {
            LOG.log(System.Logger.Level.WARNING, "Not an email address ({0}) for user {1}: {2} notice of event {3} not mailed", masked,
                    notice.userId(), kind, notice.eventId());
            return;
        }
        MimeMessage message;
        try {
            message = compose(notice, to);
        } catch (MessagingException e) {
            throw new SmtpSendException("Composing the " + kind + " notice of event " + notice.eventId()
                    + " failed: " + describe(e));
        }
        long started = System.nanoTime();
        Transport transport = null;
        String phase = "connecting";
        try (SendDeadline deadline = SendDeadline.start(sendBudget(config))) {
            try {
                transport = session.getTransport("smtp");
                transport.connect(config.host(), config.port(), config.username(), config.password());
                phase = "sending";
                transport.sendMessage(message, new Address[]{to});
                LOG.log(System.Logger.Level.INFO, "Mailed {0} notice of event {1} to {2} (user {3}) in {4} ms", kind, notice.eventId(), masked,
                        notice.userId(), (System.nanoTime() - started) / 1_000_000);
            } catch (SendFailedException e) {
                SMTPAddressFailedException rejection = recipientRejection(e, to);
                if (!deadline.expired() && rejection != null
                        && isPermanentRecipientRejection(rejection.getReturnCode(), rejection.getMessage())) {
                    LOG.log(System.Logger.Level.WARNING, "The mail server permanently rejected {0} for user {1}: {2} notice of event {3} not mailed "
                            + "({4})", masked, notice.userId(), kind, notice.eventId(), describe(rejection));
                    return;
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
        return "<billing." + headerSafeId(eventId) + "@" + messageIdDomain + ">";
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

    private MimeMessage compose(Notification notice, InternetAddress to) throws MessagingException {
        NoticeTemplates.Rendered rendered = NoticeTemplates.render(notice, config.appName());
        MimeMessage message = new NoticeMessage(session, messageId(notice.eventId()));
        message.setFrom(from);
        message.setRecipient(Message.RecipientType.TO, to);
        message.setSubject(rendered.subject(), StandardCharsets.UTF_8.name());
        message.setSentDate(new java.util.Date());
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
            if (next instanceof SMTPAddressFailedException failed && failed.getAddress() != null
                    && failed.getAddress().getAddress().equalsIgnoreCase(to.getAddress())) {
                return failed;
            }
            next = next instanceof MessagingException m ? m.getNextException() : null;
        }
        return null;
    }

    private static SmtpSendException failure(String phase, String kind, String eventId, SendDeadline deadline,
                                             MessagingException e) {
        String message = "SMTP " + phase + " failed for the " + kind + " notice of event " + eventId + ": "
                + (deadline.expired() ? "gave up at the send deadline of " + deadline.budget().toMillis() + " ms; "
                : "") + describe(e);
        return new SmtpSendException(message.length() > MAX_ERROR_CHARS ? message.substring(0, MAX_ERROR_CHARS)
                : message);
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
                    ? m.getNextException() : current.getCause();
            current = next == current ? null : next;
        }
        return out.toString().replaceAll("[\\r\\n]+", " ");
    }

    private static String domainOf(String address) {
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

    private static boolean isLoopback(String host) {
        return host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("::1")
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
