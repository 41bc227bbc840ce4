package dev.billing.core.port;

import dev.billing.core.model.EventObject;
import dev.billing.core.model.StripeEvent;

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
     * Decodes the event's {@code data.object} (snapshots versioned at the event's {@code created}).
     *
     * @throws dev.billing.core.error.WebhookRejectedException with {@code MALFORMED_PAYLOAD} when it cannot
     */
    EventObject decode(StripeEvent event);
}
