package dev.billing.testkit.fake;

import dev.billing.core.error.WebhookRejectedException;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.port.WebhookVerifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link WebhookVerifier} for tests of the core: {@link #sign} registers an event with its decoded object and
 * returns the bytes and header a "delivery" carries; {@link #verify} accepts exactly those. The real Stripe
 * signature scheme is tested in the Stripe adapter.
 *
 * <p>Usage: {@code Delivery d = verifier.sign(event, new EventObject.OfSubscription(sub)); billing.receiveWebhook(d.body(), d.signature());}
 */
public final class FakeWebhookVerifier implements WebhookVerifier {
    private final Map<String, StripeEvent> byPayloadHash = new ConcurrentHashMap<>();
    private final Map<String, EventObject> objects = new ConcurrentHashMap<>();
    private final Map<String, String> undecodable = new ConcurrentHashMap<>();
    private final AtomicInteger decodes = new AtomicInteger();
    private volatile boolean decodeWhileVerifying;

    /** What a delivery carries. */
    public record Delivery(byte[] body, String signature) {}

    /**
     * Signs an event whose object can never be decoded, as a real verifier finds with a payload it cannot map (an
     * {@code invoice.paid} carrying a deleted-invoice stub without {@code customer}, say).
     */
    public Delivery signUndecodable(StripeEvent event, String why) {
        undecodable.put(event.id(), why);
        String hash = hash(event.payload().getBytes(StandardCharsets.UTF_8));
        byPayloadHash.put(hash, event);
        return new Delivery(event.payload().getBytes(StandardCharsets.UTF_8), "fake-v1=" + hash);
    }

    public Delivery sign(StripeEvent event, EventObject object) {
        String hash = hash(event.payload().getBytes(StandardCharsets.UTF_8));
        byPayloadHash.put(hash, event);
        objects.put(event.id(), object);
        return new Delivery(event.payload().getBytes(StandardCharsets.UTF_8), "fake-v1=" + hash);
    }

    @Override
    public StripeEvent verify(byte[] payload, String signatureHeader) {
        if (signatureHeader == null || signatureHeader.isBlank()) {
            throw new WebhookRejectedException(
                    WebhookRejectedException.Reason.MISSING_SIGNATURE, "No Stripe-Signature header.");
        }
        if (!signatureHeader.startsWith("fake-v1=")) {
            throw new WebhookRejectedException(
                    WebhookRejectedException.Reason.MALFORMED_SIGNATURE, "Malformed Stripe-Signature header.");
        }
        String hash = hash(payload);
        if (!signatureHeader.equals("fake-v1=" + hash) || !byPayloadHash.containsKey(hash)) {
            throw new WebhookRejectedException(
                    WebhookRejectedException.Reason.NO_MATCHING_SIGNATURE, "No signature matches the payload.");
        }
        return byPayloadHash.get(hash);
    }

    /**
     * Makes {@link #verifyAndDecode} hand over the object with the event, as the Stripe adapter does (by default it
     * does not, like a verifier that only verifies).
     */
    public FakeWebhookVerifier decodingWhileVerifying() {
        decodeWhileVerifying = true;
        return this;
    }

    @Override
    public Verified verifyAndDecode(byte[] payload, String signatureHeader) {
        StripeEvent event = verify(payload, signatureHeader);
        return new Verified(
                event, decodeWhileVerifying && !undecodable.containsKey(event.id()) ? objects.get(event.id()) : null);
    }

    /** How many times {@link #decode} was called. */
    public int decodes() {
        return decodes.get();
    }

    @Override
    public EventObject decode(StripeEvent event) {
        decodes.incrementAndGet();
        String why = undecodable.get(event.id());
        if (why != null) {
            throw new WebhookRejectedException(WebhookRejectedException.Reason.MALFORMED_PAYLOAD, why);
        }
        EventObject object = objects.get(event.id());
        if (object == null) {
            throw new WebhookRejectedException(
                    WebhookRejectedException.Reason.MALFORMED_PAYLOAD, "Unknown event " + event.id());
        }
        return object;
    }

    private static String hash(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
