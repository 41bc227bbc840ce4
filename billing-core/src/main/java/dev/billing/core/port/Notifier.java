package dev.billing.core.port;

import dev.billing.core.model.Notification;

/**
 * Sends notices to users (trial ending, payment failed, receipts). Throwing makes the causing event retry; the
 * core marks an event notified after a successful send, so a notice goes out once per event.
 *
 * <p>Usage: {@code notifier.send(new Notification.TrialEnding(eventId, user, email, subId, trialEnd));}
 */
@FunctionalInterface
public interface Notifier {

    void send(Notification notification);
}
