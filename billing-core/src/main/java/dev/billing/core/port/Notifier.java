package dev.billing.core.port;

import dev.billing.core.model.notice.NoticeDelivery;
import dev.billing.core.model.notice.Notification;

/**
 * Sends notices to users (the {@link dev.billing.core.model.notice.NoticeKind}s). Throwing makes the causing event retry;
 * the core marks an event notified after a successful send, so a notice goes out once per event.
 *
 * <p>Usage: {@code notifier.send(new Notification.TrialEnding(eventId, user, email, subId, trialEnd));}
 */
@FunctionalInterface
public interface Notifier {

    void send(Notification notification);

    /**
     * Sends the notice and says what became of it, for the notice log: a notifier that can tell a skipped notice
     * (no address) or the mail's message id overrides this. Throws as {@link #send} does.
     */
    default NoticeDelivery deliver(Notification notification) {
        send(notification);
        return NoticeDelivery.sent(null);
    }
}
