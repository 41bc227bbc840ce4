package dev.billing.core.webhook;

import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.port.EventInbox;
import dev.billing.core.port.MembershipWebhookVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The Clerk webhook endpoint's logic (membership sync): verify the Svix signature on the raw bytes (a rejection
 * throws before any store is touched), record the event in the same durable inbox as Stripe's (a redelivery of
 * one {@code svix-id} is a no-op, answered without the store when this process completed it lately), answer once it
 * is durable, and process it inline; a processing failure leaves it to the inbox worker's retries.
 *
 * <p>Usage: {@code WebhookReceipt r = receive.receive(svixId, svixTimestamp, svixSignature, rawBody);}
 */
public final class ReceiveMembershipWebhook {
    private final MembershipWebhookVerifier verifier;
    private final EventInbox inbox;
    private final ProcessInboxEvent processor;
    private final Duration lease;
    private final Clock clock;

    public ReceiveMembershipWebhook(
            MembershipWebhookVerifier verifier,
            EventInbox inbox,
            ProcessInboxEvent processor,
            Duration lease,
            Clock clock) {
        this.verifier = verifier;
        this.inbox = inbox;
        this.processor = processor;
        this.lease = lease;
        this.clock = clock;
    }

    /** @throws dev.billing.core.error.WebhookRejectedException for a delivery that is not Clerk's; nothing stored */
    public WebhookReceipt receive(String svixId, String svixTimestamp, String svixSignature, byte[] payload) {
        Instant now = clock.instant();
        StripeEvent event = verifier.verify(svixId, svixTimestamp, svixSignature, payload, now);
        if (processor.completedLately(event.id())) { // done and durable: nothing for the store to do
            return WebhookReceipt.doneAlready(event);
        }
        EventInbox.Recorded recorded = inbox.recordLeased(event, now, LeaseOwners.next(), lease);
        boolean duplicate = recorded.outcome() == EventInbox.RecordOutcome.DUPLICATE;
        InboxStatus inline = recorded.leased().isPresent()
                ? processor.processLeased(InboxWork.stored(recorded.leased().get()))
                // a redelivery: the event may be due again (an earlier attempt failed)
                : processor.processNow(event.id()).orElse(null);
        return new WebhookReceipt(event.id(), event.type(), duplicate, inline);
    }
}
