package dev.billing.core.usecase;

import dev.billing.core.model.InboxStatus;
import dev.billing.core.model.StripeEvent;
import dev.billing.core.port.EventInbox;
import dev.billing.core.port.WebhookVerifier;

import java.time.Clock;
import java.util.concurrent.Semaphore;

/**
 * The webhook endpoint's logic (DESIGN §4.2): verify the signature on the raw bytes (a rejection throws before
 * any store is touched), record the event in the inbox (duplicates are no-ops), answer once the row is durable,
 * and process inline when capacity allows. Processing failures never fail the delivery: the event is durable and
 * the worker retries it.
 *
 * <p>Usage: {@code WebhookReceipt r = receiveWebhook.receive(rawBody, stripeSignatureHeader);}
 */
public final class ReceiveWebhook {
    private final WebhookVerifier verifier;
    private final EventInbox inbox;
    private final ProcessInboxEvent processor;
    private final Semaphore inlinePermits;
    private final Clock clock;

    ReceiveWebhook(WebhookVerifier verifier, EventInbox inbox, ProcessInboxEvent processor, int inlinePermits,
                   Clock clock) {
        this.verifier = verifier;
        this.inbox = inbox;
        this.processor = processor;
        this.inlinePermits = new Semaphore(inlinePermits);
        this.clock = clock;
    }

    public WebhookReceipt receive(byte[] payload, String signatureHeader) {
        StripeEvent event = verifier.verify(payload, signatureHeader);
        boolean duplicate = inbox.record(event, clock.instant()) == EventInbox.RecordOutcome.DUPLICATE;
        InboxStatus inline = null;
        if (inlinePermits.tryAcquire()) {
            try {
                inline = processor.processNow(event.id()).orElse(null);
            } finally {
                inlinePermits.release();
            }
        }
        return new WebhookReceipt(event.id(), event.type(), duplicate, inline);
    }
}
