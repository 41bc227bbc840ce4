package dev.billing.core.usecase;

import dev.billing.core.error.StoreException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.InboxEntry;
import dev.billing.core.model.Notification;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.EventInbox;
import dev.billing.core.port.Notifier;
import dev.billing.core.port.Sleeper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * Sends an event's notice (trial ending, payment failed, receipt) at most once per event, as far as the store lets
 * it know: the notice goes out, then the inbox row is marked notified, and a retried event whose row is marked sends
 * nothing. Marking is retried while the event's lease lasts, so a store outage shorter than the rest of the lease
 * sends no second notice; a longer one can (SMTP offers no way to take a mail back, so the guarantee is at least
 * once).
 */
final class NoticeSender {
    private static final System.Logger LOG = System.getLogger(NoticeSender.class.getName());
    private static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(2);
    /** Also bounds the retries when the clock does not move (a test clock). */
    static final int MAX_MARK_ATTEMPTS = 40;
    /** Marking must end this long before the lease does, or another worker may claim the event meanwhile. */
    private static final Duration LEASE_MARGIN = Duration.ofSeconds(1);

    private final CustomerStore customers;
    private final EventInbox inbox;
    private final Notifier notifier;
    private final Sleeper sleeper;
    private final Clock clock;

    NoticeSender(CustomerStore customers, EventInbox inbox, Notifier notifier, Sleeper sleeper, Clock clock) {
        this.customers = customers;
        this.inbox = inbox;
        this.notifier = notifier;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    /** Sends the notice {@code build} makes for the user linked to {@code customer}, unless the event already did. */
    void sendOnce(InboxEntry entry, CustomerId customer, Function<CustomerLink, Notification> build) {
        if (entry.notifiedAt() != null) {
            return;
        }
        Optional<CustomerLink> link = customers.findByCustomerId(customer);
        if (link.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "No user is linked to customer {0}; event {1} notifies nobody",
                    customer, entry.eventId());
            return;
        }
        notifier.send(build.apply(link.get()));
        markNotified(entry);
    }

    private void markNotified(InboxEntry entry) {
        Instant deadline = entry.leaseExpiresAt() == null ? null : entry.leaseExpiresAt().minus(LEASE_MARGIN);
        Duration pause = FIRST_PAUSE;
        for (int attempt = 1; ; attempt++) {
            try {
                inbox.markNotified(entry.eventId(), clock.instant());
                return;
            } catch (StoreException e) {
                Instant next = clock.instant().plus(pause);
                if (attempt >= MAX_MARK_ATTEMPTS || deadline == null || next.isAfter(deadline)) {
                    LOG.log(System.Logger.Level.WARNING, "The notice of event {0} was sent but could not be "
                            + "marked ({1}); when the event is processed again it is sent again", entry.eventId(),
                            e.getMessage());
                    throw e;
                }
                pause(pause);
                pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
            }
        }
    }

    private void pause(Duration duration) {
        try {
            sleeper.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while marking a notice sent", e);
        }
    }
}
