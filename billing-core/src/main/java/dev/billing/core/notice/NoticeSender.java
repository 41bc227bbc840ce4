package dev.billing.core.notice;

import dev.billing.core.annotation.Internal;
import dev.billing.core.audit.AuditContext;
import dev.billing.core.error.StoreException;
import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.CustomerRecord;
import dev.billing.core.model.UserId;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.notice.NoticeDelivery;
import dev.billing.core.model.notice.NoticeRecord;
import dev.billing.core.model.notice.NoticeStatus;
import dev.billing.core.model.notice.Notification;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.EventInbox;
import dev.billing.core.port.NoticeLog;
import dev.billing.core.port.Notifier;
import dev.billing.core.port.PaymentGateway;
import dev.billing.core.port.ProjectionListener;
import dev.billing.core.port.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Sends an event's notice (trial ending, payment failed, receipt) at most once per event, as far as the store lets
 * it know: the notice goes out, then the inbox row is marked notified, and a retried event whose row is marked sends
 * nothing. Marking is retried while the event's lease lasts, so a store outage shorter than the rest of the lease
 * sends no second notice; after a longer one the notice log (written before the mark) stops the retry, unless its own
 * write failed too (SMTP offers no way to take a mail back, so the guarantee is at least once). Before sending, the
 * event's lease is renewed ({@link EventInbox#renewLease}): work slowed past its lease (Stripe answering slowly) may
 * have lost the event to another worker's claim, and then sends nothing, since that worker sends the notice unless
 * this one's mark stops it; the renewed lease leaves the whole lease for the send and the mark. A store failure of
 * the renewal or the mark is retried while the lease lasts. The notice log is asked first ({@link NoticeLog#wentOut}):
 * it keeps its rows longer than the inbox, so an event Stripe sends again after retention deleted its inbox row (the
 * row that was marked), or whose mark was lost, is not mailed twice.
 *
 * <p>The notice goes to the user linked to the event's customer. An event processed before the customer's own
 * {@code customer.created} linked it (events arrive in any order) finds the user in the customer's metadata at
 * Stripe instead, and links the customer as that event would have; Stripe unreachable fails the event, which is
 * retried on the inbox's schedule, so the notice is sent later rather than dropped.
 *
 * <p>Every attempt is written to the {@link NoticeLog} (sent, skipped, or failed with the error); a log that cannot
 * be written is only warned about, since the log must never cost a user their notice.
 */
@Internal
public final class NoticeSender {
    private static final System.Logger LOG = System.getLogger(NoticeSender.class.getName());
    private static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(2);
    /** Also bounds the retries when the clock does not move (a test clock). */
    static final int MAX_ATTEMPTS = 40;
    /** Marking must end this long before the lease does, or another worker may claim the event meanwhile. */
    private static final Duration LEASE_MARGIN = Duration.ofSeconds(1);

    private final CustomerStore customers;
    private final PaymentGateway gateway;
    private final ProjectionListener listener;
    private final EventInbox inbox;
    private final Notifier notifier;
    private final NoticeLog log;
    private final Sleeper sleeper;
    private final Clock clock;
    /** The inbox's clock, which its leases are on (see {@link dev.billing.core.UseCases}). */
    private final Clock workClock;

    private final Duration lease;

    public NoticeSender(
            CustomerStore customers,
            PaymentGateway gateway,
            ProjectionListener listener,
            EventInbox inbox,
            Notifier notifier,
            NoticeLog log,
            Sleeper sleeper,
            Clock clock,
            Clock workClock,
            Duration lease) {
        this.log = log;
        this.customers = customers;
        this.gateway = gateway;
        this.listener = listener;
        this.inbox = inbox;
        this.notifier = notifier;
        this.sleeper = sleeper;
        this.clock = clock;
        this.workClock = workClock;
        this.lease = lease;
    }

    /** Sends the notice {@code build} makes for the user linked to {@code customer}, unless the event already did. */
    public void sendOnce(InboxEntry entry, CustomerId customer, Function<CustomerLink, Notification> build) {
        if (entry.notifiedAt() != null) {
            return;
        }
        // A customer deleted at Stripe still notifies its account (its subscriptions ending, a late refund).
        Optional<CustomerLink> link = customers.findByCustomerId(customer).map(CustomerLink::ofAccount);
        if (link.isEmpty()) {
            link = linkFromStripe(customer);
        }
        if (link.isEmpty()) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "Customer {0} names no user, at Stripe or here; event {1} notifies " + "nobody",
                    customer,
                    entry.eventId());
            return;
        }
        Notification notice = build.apply(link.get());
        if (log.wentOut(entry.eventId(), notice.userId())) {
            // The row is unmarked but the log has the notice: Stripe sent the event again after retention deleted
            // its marked row, or an earlier attempt's mark was lost. Marked now, so the inbox agrees with the log.
            LOG.log(
                    System.Logger.Level.INFO,
                    "The {0} notice of event {1} went out before (the notice log has it): not sent again",
                    notice.kind().wireName(),
                    entry.eventId());
            markNotified(entry, entry.leaseExpiresAt());
            return;
        }
        Instant leaseEnds = entry.leaseExpiresAt();
        if (entry.leaseOwner() != null) {
            leaseEnds = renewLease(entry);
            if (leaseEnds == null) {
                LOG.log(
                        System.Logger.Level.INFO,
                        "Event {0} was claimed again while this worker processed it (its lease ran out): the {1}"
                                + " notice is left to that claim",
                        entry.eventId(),
                        notice.kind().wireName());
                return;
            }
        }
        NoticeDelivery delivery;
        try {
            delivery = notifier.deliver(notice);
        } catch (RuntimeException e) {
            record(notice, customer, NoticeStatus.FAILED, null, e.getClass().getSimpleName() + ": " + e.getMessage());
            throw e;
        }
        record(notice, customer, delivery.status(), delivery.messageId(), delivery.detail());
        markNotified(entry, leaseEnds);
    }

    private void record(Notification notice, CustomerId customer, NoticeStatus status, String messageId, String error) {
        try {
            log.record(new NoticeRecord(
                    notice.eventId(),
                    notice.kind(),
                    notice.userId(),
                    customer,
                    status,
                    messageId,
                    error,
                    clock.instant()));
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Could not log the {0} notice of event {1} as {2}: {3}",
                    notice.kind().wireName(),
                    notice.eventId(),
                    status.wireName(),
                    e.getMessage());
            return;
        }
        try {
            pseudonymiseIfErasedMeanwhile(notice.userId(), customer);
        } catch (RuntimeException e) {
            // No user id in the line: the account may be the one just erased.
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Could not check whether the account notified by event {0} was erased meanwhile ({1}); if it"
                            + " was, erasing it again moves the notice's row to its pseudonym",
                    notice.eventId(),
                    e.getMessage());
        }
    }

    /**
     * An erasure that ran while the notice went out (it may end a subscription at Stripe, whose event is this one)
     * moved the log's rows to the pseudonym before this row was written. The erasure moves the link first and the
     * log's rows after it, and this reads the link after writing, so one of the two always sees the other's write.
     */
    private void pseudonymiseIfErasedMeanwhile(UserId user, CustomerId customer) {
        if (user.isPseudonym()) {
            return;
        }
        Optional<UserId> now = customers.findByCustomerId(customer).map(CustomerLink::userId);
        if (now.isPresent() && user.hasPseudonym(now.get())) {
            log.pseudonymise(user, now.get());
        }
    }

    /**
     * The user the customer's metadata names, linked as its {@code customer.created} would link it (unless the user
     * already has a customer: the notice still goes to them); empty when Stripe names nobody.
     */
    private Optional<CustomerLink> linkFromStripe(CustomerId customer) {
        Optional<CustomerRecord> atStripe = gateway.getCustomer(customer);
        if (atStripe.isEmpty() || atStripe.get().userId() == null) {
            return Optional.empty();
        }
        CustomerLink named = new CustomerLink(
                atStripe.get().userId(), customer, atStripe.get().email(), clock.instant());
        CustomerStore.LinkResult result = customers.link(named, AuditContext.current());
        if (result instanceof CustomerStore.LinkResult.Linked) {
            listener.projectionChanged(customer);
            return Optional.of(result.link());
        }
        if (result instanceof CustomerStore.LinkResult.CustomerAlreadyLinked linkedMeanwhile) {
            return Optional.of(linkedMeanwhile.link());
        }
        return Optional.of(named);
    }

    /**
     * The end of the renewed lease, or null when another claim took the event. A store failure is retried while the
     * lease held now lasts, so a blip does not cost the notice the event's next attempt, seconds or minutes later.
     */
    private Instant renewLease(InboxEntry entry) {
        return whileLeaseLasts(
                entry.leaseExpiresAt(),
                () -> {
                    Instant until = workClock.instant().plus(lease);
                    return inbox.renewLease(entry.eventId(), entry.leaseOwner(), until) ? until : null;
                },
                e -> LOG.log(
                        System.Logger.Level.WARNING,
                        "Could not renew the lease of event {0} before sending its notice ({1}); the notice is sent"
                                + " when the event is retried",
                        entry.eventId(),
                        e.getMessage()));
    }

    /**
     * Marks the event notified, retrying a store failure while the lease ending at {@code leaseEnds} (if any) lasts.
     */
    private void markNotified(InboxEntry entry, Instant leaseEnds) {
        whileLeaseLasts(
                leaseEnds,
                () -> inbox.markNotified(entry.eventId(), workClock.instant()),
                e -> LOG.log(
                        System.Logger.Level.WARNING,
                        "The notice of event {0} went out but could not be marked ({1}); the event is retried, and"
                                + " sends it again only if the notice log could not record it either",
                        entry.eventId(),
                        e.getMessage()));
    }

    /**
     * Calls {@code call}, retrying a store failure with growing pauses while the lease ending at {@code leaseEnds}
     * lasts (less a margin, so no other worker can claim the event meanwhile); with no lease, once. The last failure
     * is told to {@code givingUp}, then thrown.
     */
    private <T> T whileLeaseLasts(Instant leaseEnds, Supplier<T> call, Consumer<StoreException> givingUp) {
        Instant deadline = leaseEnds == null ? null : leaseEnds.minus(LEASE_MARGIN);
        Duration pause = FIRST_PAUSE;
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (StoreException e) {
                Instant next = workClock.instant().plus(pause);
                if (attempt >= MAX_ATTEMPTS || deadline == null || next.isAfter(deadline)) {
                    givingUp.accept(e);
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
            throw new IllegalStateException("interrupted while retrying a notice's store write", e);
        }
    }
}
