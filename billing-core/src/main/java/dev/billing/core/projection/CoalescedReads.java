package dev.billing.core.projection;

import dev.billing.core.annotation.Internal;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.port.PaymentGateway;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Re-fetches of subscriptions shared between the events they answer (DESIGN §4.3): an event is answered by any read
 * of its subscription that started after the event was received, because Stripe sent the event after the change it
 * tells, so such a read shows that change or a newer state. A burst of events about one subscription (its update, its
 * invoice's events, a redelivery) then costs one read however the events are batched: a later event joins the read in
 * flight, or takes the one just done, when that read started after its own receipt; otherwise it reads anew.
 *
 * <p>Usage: {@code try (CoalescedReads.Receipt r = CoalescedReads.receivedAt(entry.receivedAt())) { ... reads
 * .subscription(id) ... }}: a read outside such a scope (a user's request) always goes to Stripe.
 *
 * <p>Start times are taken on the clock the inbox records receipts with. Reads are kept for {@link #KEPT} (a newer
 * event is received later, so an older read could only answer events already received then); a failed read is never
 * shared with a later caller.
 */
@Internal
public final class CoalescedReads {
    /** How long a finished read may still answer an event received before it started. */
    static final Duration KEPT = Duration.ofSeconds(30);
    /** Past this many kept reads, the ones older than {@link #KEPT} are dropped. */
    static final int SWEEP_ABOVE = 10_000;

    private static final ThreadLocal<Instant> RECEIVED = new ThreadLocal<>();

    private final PaymentGateway gateway;
    private final Clock clock;
    private final Map<String, Read> reads = new ConcurrentHashMap<>();

    public CoalescedReads(PaymentGateway gateway, Clock clock) {
        this.gateway = gateway;
        this.clock = clock;
    }

    /** The event this thread processes was received at {@code receivedAt}, until the scope closes. */
    public static Receipt receivedAt(Instant receivedAt) {
        Instant outer = RECEIVED.get();
        RECEIVED.set(receivedAt);
        return () -> {
            if (outer == null) {
                RECEIVED.remove();
            } else {
                RECEIVED.set(outer);
            }
        };
    }

    /** Stripe's subscription for the event this thread processes (a fresh read outside a {@link Receipt}). */
    public Optional<Subscription> subscription(String id) {
        Instant received = RECEIVED.get();
        return received == null ? gateway.getSubscription(id) : subscription(id, received);
    }

    /**
     * Stripe's subscription as a read started after {@code receivedAt} shows it: one in flight or just done, else a
     * new one.
     */
    public Optional<Subscription> subscription(String id, Instant receivedAt) {
        while (true) {
            Read existing = reads.get(id);
            if (existing != null
                    && existing.startedAt().isAfter(receivedAt)
                    && existing.startedAt().isAfter(clock.instant().minus(KEPT))
                    && !existing.failed()) {
                try {
                    return existing.result().join();
                } catch (CompletionException e) {
                    continue; // it failed meanwhile: read anew (its own caller reports the failure)
                }
            }
            Read mine = new Read(clock.instant(), new CompletableFuture<>());
            boolean claimed =
                    existing == null ? reads.putIfAbsent(id, mine) == null : reads.replace(id, existing, mine);
            if (!claimed) {
                continue; // another caller started a read first: look at it again
            }
            if (reads.size() > SWEEP_ABOVE) {
                sweep(mine.startedAt());
            }
            try {
                Optional<Subscription> result = gateway.getSubscription(id);
                mine.result().complete(result);
                return result;
            } catch (RuntimeException e) {
                reads.remove(id, mine);
                mine.result().completeExceptionally(e);
                throw e;
            }
        }
    }

    private void sweep(Instant now) {
        Instant oldest = now.minus(KEPT);
        reads.entrySet()
                .removeIf(e -> e.getValue().result().isDone()
                        && e.getValue().startedAt().isBefore(oldest));
    }

    /** Reads kept now (tests). */
    int kept() {
        return reads.size();
    }

    /** Closes a {@link #receivedAt} scope. */
    @FunctionalInterface
    public interface Receipt extends AutoCloseable {
        @Override
        void close();
    }

    private record Read(Instant startedAt, CompletableFuture<Optional<Subscription>> result) {
        boolean failed() {
            return result.isCompletedExceptionally();
        }
    }
}
