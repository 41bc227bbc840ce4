package dev.billing.core;

import dev.billing.core.model.notice.NoticeDelivery;
import dev.billing.core.model.notice.Notification;
import dev.billing.core.port.Notifier;

/**
 * The default {@link Notifier}: writes one log line per notice (kind, event id, user), never the email address. The
 * notice log records these notices as skipped: nobody was told.
 *
 * <p>Usage: {@code Billing.builder().notifier(new LogNotifier())}
 */
public final class LogNotifier implements Notifier {
    private static final System.Logger LOG = System.getLogger(LogNotifier.class.getName());

    @Override
    public void send(Notification notification) {
        LOG.log(
                System.Logger.Level.INFO,
                "Notice {0} for user {1} (event {2})",
                notification.kind().wireName(),
                notification.userId(),
                notification.eventId());
    }

    @Override
    public NoticeDelivery deliver(Notification notification) {
        send(notification);
        return NoticeDelivery.skipped("mail is off: the notice was only logged");
    }
}
