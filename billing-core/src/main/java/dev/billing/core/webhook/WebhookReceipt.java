package dev.billing.core.webhook;

import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;

/**
 * What receiving a webhook did: the event is durable in the inbox. {@code inlineStatus} is the status after inline
 * processing, or null when it was left to the worker.
 */
public record WebhookReceipt(String eventId, String type, boolean duplicate, InboxStatus inlineStatus) {

    /** A redelivery of an event this process completed lately ({@link DoneEvents}): a duplicate, nothing processed. */
    static WebhookReceipt doneAlready(StripeEvent event) {
        return new WebhookReceipt(event.id(), event.type(), true, null);
    }
}
