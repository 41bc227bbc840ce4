package dev.billing.testkit.fake;

import dev.billing.core.model.notice.Notification;
import dev.billing.core.port.Notifier;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Notifier} that keeps what it was asked to send, and can fail the next sends.
 *
 * <p>Usage: {@code RecordingNotifier notices = new RecordingNotifier(); ... assertThat(notices.sent()).hasSize(1);}
 */
public final class RecordingNotifier implements Notifier {
    private final List<Notification> sent = new CopyOnWriteArrayList<>();
    private final AtomicInteger failNext = new AtomicInteger();

    public void failNext(int sends) {
        failNext.set(sends);
    }

    public List<Notification> sent() {
        return List.copyOf(sent);
    }

    @Override
    public void send(Notification notification) {
        if (failNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            throw new IllegalStateException("notifier failed (test switch)");
        }
        sent.add(notification);
    }
}
