package dev.billing.core;

import dev.billing.core.model.Notification;
import dev.billing.core.port.Notifier;

/**
 * The default {@link Notifier}: writes one log line per notice (kind, event id, user), never the email address.
 *
 * <p>Usage: {@code Billing.builder().notifier(new LogNotifier())}
 */
public final class LogNotifier implements Notifier {
    private static final System.Logger LOG = System.getLogger(LogNotifier.class.getName());

    @Override
    public void send(Notification notification) {
        LOG.log(System.Logger.Level.INFO, "Notice {0} for user {1} (event {2})",
                notification.getClass().getSimpleName(), notification.userId(), notification.eventId());
    }
}
