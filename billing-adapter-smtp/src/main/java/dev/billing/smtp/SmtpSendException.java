package dev.billing.smtp;

/**
 * A notice could not be mailed and may succeed later (the core retries the event). The message names the phase and
 * the server's reply with addresses masked; there is deliberately no cause, whose message could hold the address.
 */
final class SmtpSendException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SmtpSendException(String message) {
        super(message);
    }
}
