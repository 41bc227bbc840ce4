package dev.billing.core.usecase;

import dev.billing.core.model.InboxStatus;
import dev.billing.core.model.StripeEvent;
import dev.billing.core.port.EventInbox;
import dev.billing.core.port.WebhookVerifier;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;

/**
 * The webhook endpoint's logic (DESIGN §4.2): verify the signature on the raw bytes (a rejection throws before
 * any store is touched), record the event in the inbox (duplicates are no-ops), answer once the row is durable,
 * and process inline when capacity allows. Processing failures never fail the delivery: the event is durable and
 * the worker retries it.
 *
 * <p>When an inline permit is free, a new event is recorded already leased to this request
 * ({@link EventInbox#recordLeased}): one write instead of a record and then a claim, with the same outcome (a
 * crash before completion leaves a lease that runs out, and the worker processes the event again).
 *
 * <p>Usage: {@code WebhookReceipt r = receiveWebhook.receive(rawBody, stripeSignatureHeader);}
 */
public final class ReceiveWebhook {
    private final WebhookVerifier verifier;
    private final EventInbox inbox;
    private final ProcessInboxEvent processor;
    private final Semaphore inlinePermits;
    private final Duration lease;
    private final Clock clock;

    ReceiveWebhook(WebhookVerifier verifier, EventInbox inbox, ProcessInboxEvent processor, int inlinePermits,
                   Duration lease, Clock clock) {
        this.verifier = verifier;
        this.inbox = inbox;
        this.processor = processor;
        this.inlinePermits = new Semaphore(inlinePermits);
        this.lease = lease;
        this.clock = clock;
    }

    public WebhookReceipt receive(byte[] payload, String signatureHeader) {
        StripeEvent event = verifier.verify(payload, signatureHeader);
        Instant now = clock.instant();
        if (!inlinePermits.tryAcquire()) {
            boolean duplicate = inbox.record(event, now) == EventInbox.RecordOutcome.DUPLICATE;
            return new WebhookReceipt(event.id(), event.type(), duplicate, null);
        }
        try {
            String owner = ProcessInboxEvent.newOwner();
            EventInbox.Recorded recorded = inbox.recordLeased(event, now, owner, lease);
            boolean duplicate = recorded.outcome() == EventInbox.RecordOutcome.DUPLICATE;
            InboxStatus inline = recorded.leased().isPresent()
                    ? processor.processLeased(recorded.leased().get(), owner)
                    // a redelivery: the event may be due again (an earlier attempt failed)
                    : processor.processNow(event.id()).orElse(null);
            return new WebhookReceipt(event.id(), event.type(), duplicate, inline);
        } finally {
            inlinePermits.release();
        }
    }
}
