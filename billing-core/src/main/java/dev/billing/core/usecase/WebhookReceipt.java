package dev.billing.core.usecase;

import dev.billing.core.model.InboxStatus;

/**
 * What receiving a webhook did: the event is durable in the inbox. {@code inlineStatus} is the status after inline
 * processing, or null when it was left to the worker.
 */
public record WebhookReceipt(String eventId, String type, boolean duplicate, InboxStatus inlineStatus) {
}
