package dev.billing.core.webhook;

import dev.billing.core.error.StoreUnavailableException;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.port.EventInbox;
import dev.billing.core.port.WebhookVerifier;
import dev.billing.core.port.WorkTracer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;

/**
 * The Stripe webhook endpoint's logic (DESIGN §4.2), one pipeline: verify the signature on the raw bytes and decode
 * the event in the same reading (a rejection throws before any store is touched), record it in the inbox
 * (duplicates are no-ops), answer once the row is durable, and process it, its decoded object travelling with it
 * ({@link InboxWork}). Processing failures never fail the delivery: the event is durable and the worker retries it.
 *
 * <p>A new event is recorded already leased to this process ({@link EventInbox#recordLeased}): one write instead of
 * a record and then a claim, with the same outcome (a crash before completion leaves a lease that runs out, and the
 * worker processes the event again). It is then processed inline while an inline permit is free (else left to the
 * worker), or, when the server answers Stripe as soon as the event is durable
 * ({@link #receive(byte[], String, Executor)}), handed to the drain that forms batches ({@link InboxDrain}).
 *
 * <p>There, a customer event that only links a user to a customer is not recorded first: the drain links it with its
 * batch and records it already done ({@link EventInbox#linkAndRecordProcessed}: one statement on Postgres), one
 * inbox write instead of two, and the delivery is answered after that. A crash before the answer loses nothing, as
 * Stripe delivers the event again and linking again changes nothing; a batch that fails, or does not start in time,
 * leaves the event to be recorded and processed as any other.
 *
 * <p>A redelivery of an event this process saw completed lately is answered as a duplicate at once, without the
 * store ({@link DoneEvents}): the event is durable and done, and the write and claim would change nothing.
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

    public ReceiveWebhook(
            WebhookVerifier verifier,
            EventInbox inbox,
            ProcessInboxEvent processor,
            int inlinePermits,
            Duration lease,
            Clock clock) {
        this.verifier = verifier;
        this.inbox = inbox;
        this.processor = processor;
        this.inlinePermits = new Semaphore(inlinePermits);
        this.lease = lease;
        this.clock = clock;
    }

    public WebhookReceipt receive(byte[] payload, String signatureHeader) {
        try (WorkTracer.Span span = processor.tracer().webhookReceipt()) {
            try {
                return receive(payload, signatureHeader, span);
            } catch (RuntimeException e) {
                span.failed(e);
                throw e;
            }
        }
    }

    private WebhookReceipt receive(byte[] payload, String signatureHeader, WorkTracer.Span span) {
        WebhookVerifier.Verified verified = verifier.verifyAndDecode(payload, signatureHeader);
        StripeEvent event = verified.event();
        span.event(event.id(), event.type());
        processor.clockCheck().received(event.created());
        if (processor.completedLately(event.id())) {
            return WebhookReceipt.doneAlready(event);
        }
        Instant now = clock.instant();
        if (!inlinePermits.tryAcquire()) {
            boolean duplicate = inbox.record(event, now) == EventInbox.RecordOutcome.DUPLICATE;
            return new WebhookReceipt(event.id(), event.type(), duplicate, null);
        }
        try {
            EventInbox.Recorded recorded = inbox.recordLeased(event, now, LeaseOwners.next(), lease);
            boolean duplicate = recorded.outcome() == EventInbox.RecordOutcome.DUPLICATE;
            InboxStatus inline = recorded.leased().isPresent()
                    ? processor.processLeased(
                            InboxWork.received(recorded.leased().get(), verified.object()))
                    // a redelivery: the event may be due again (an earlier attempt failed)
                    : processor.processNow(event.id()).orElse(null);
            return new WebhookReceipt(event.id(), event.type(), duplicate, inline);
        } finally {
            inlinePermits.release();
        }
    }

    /**
     * Like {@link #receive(byte[], String)}, but a new event is processed on {@code processing} after this returns
     * (its receipt's {@code inlineStatus} is null), unless the drain has too many waiting: then the answer waits
     * until the event's batch is processed ({@link InboxDrain#submit}). A redelivery is processed inline.
     */
    public WebhookReceipt receive(byte[] payload, String signatureHeader, Executor processing) {
        try (WorkTracer.Span span = processor.tracer().webhookReceipt()) {
            try {
                return receive(payload, signatureHeader, processing, span);
            } catch (RuntimeException e) {
                span.failed(e);
                throw e;
            }
        }
    }

    private WebhookReceipt receive(byte[] payload, String signatureHeader, Executor processing, WorkTracer.Span span) {
        WebhookVerifier.Verified verified = verifier.verifyAndDecode(payload, signatureHeader);
        StripeEvent event = verified.event();
        // Told before the event is handed on, so its processing (perhaps already on another thread) finds the link.
        span.event(event.id(), event.type());
        processor.clockCheck().received(event.created());
        if (processor.completedLately(event.id())) {
            return WebhookReceipt.doneAlready(event);
        }
        InboxWork unrecorded = InboxWork.unrecorded(event, clock.instant(), verified.object());
        CustomerLink link = processor.recordedOnceProcessed(unrecorded);
        if (link != null) {
            switch (processor.processBeforeTheAnswer(unrecorded, link, processing)) {
                case RECORDED:
                    return new WebhookReceipt(event.id(), event.type(), false, InboxStatus.PROCESSED);
                case DUPLICATE: // as a redelivery below: the entry may be due again (an earlier attempt failed)
                    return new WebhookReceipt(
                            event.id(),
                            event.type(),
                            true,
                            processor.processNow(event.id()).orElse(null));
                case STORE_UNAVAILABLE: // as the insert would have: Stripe delivers it again
                    throw new StoreUnavailableException(
                            "The store cannot be reached: webhook " + event.id() + " was not recorded");
                case NOT_DONE:
                    break; // recorded and processed as any other event
            }
        }
        EventInbox.Recorded recorded = inbox.recordLeased(event, clock.instant(), LeaseOwners.next(), lease);
        if (recorded.leased().isEmpty()) { // a redelivery: the event may be due again (an earlier attempt failed)
            return new WebhookReceipt(
                    event.id(),
                    event.type(),
                    true,
                    processor.processNow(event.id()).orElse(null));
        }
        processor.processAfterTheAnswer(InboxWork.received(recorded.leased().get(), verified.object()), processing);
        return new WebhookReceipt(event.id(), event.type(), false, null);
    }
}
