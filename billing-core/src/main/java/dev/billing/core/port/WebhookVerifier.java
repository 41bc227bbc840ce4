package dev.billing.core.port;

import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.StripeEvent;

/**
 * Checks a webhook delivery and decodes what it carries.
 *
 * <p>Usage: {@code StripeEvent event = verifier.verify(rawBody, request.header("Stripe-Signature"));}
 */
public interface WebhookVerifier {

    /**
     * Verifies the signature over the raw bytes BEFORE any parsing, then reads the envelope.
     *
     * @throws dev.billing.core.error.WebhookRejectedException for a missing/malformed header, no matching
     *         signature, a timestamp outside the tolerance (either direction), or a payload that is not a v1 event
     */
    StripeEvent verify(byte[] payload, String signatureHeader);

    /**
     * Like {@link #verify}, and decodes the event's object in the same reading when it can, so that processing does
     * not read the payload again. A verifier that cannot (this default) or an object that does not decode gives a
     * null object: processing then decodes the event itself, where a failure is recorded on it. Rejects exactly what
     * {@link #verify} rejects.
     */
    default Verified verifyAndDecode(byte[] payload, String signatureHeader) {
        return new Verified(verify(payload, signatureHeader), null);
    }

    /**
     * Decodes the event's {@code data.object} (snapshots versioned at the event's {@code created}).
     *
     * @throws dev.billing.core.error.WebhookRejectedException with {@code MALFORMED_PAYLOAD} when it cannot
     */
    EventObject decode(StripeEvent event);

    /** A verified event and, when it was decoded while verified, its object (else null). */
    record Verified(StripeEvent event, EventObject object) {
        public Verified {
            java.util.Objects.requireNonNull(event, "event");
        }
    }
}
