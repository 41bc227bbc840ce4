package dev.billing.spring;

import dev.billing.core.port.BillingStores;
import dev.billing.core.port.PaymentGateway;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What {@code billing} reports in Actuator's health: DOWN when the store cannot serve requests (billing's work needs
 * it), with Stripe's state as a detail only, so a Stripe blip does not take every instance out of the load balancer
 * (the standalone server's readiness decides the same). Stripe is asked at most once a minute, on a thread of its
 * own: a check waits at most {@link #STRIPE_WAIT} for that answer, then reports the last one. A Stripe that does not
 * answer would otherwise hold every check for its read timeout, longer than a load balancer's or Kubernetes' probe
 * waits, and take every instance out at once. The store is asked at every check, also on a thread of its own, and a
 * check waits at most {@link #STORE_WAIT} for it (the standalone server's readiness bound): a store that does not
 * answer by then is down, however long the host's pool would wait for a connection (Hikari's default is 30 s). While
 * one ask hangs, later checks wait on it instead of starting another. Free of Actuator's
 * types, which Spring Boot 4 moved: each Boot line's {@code BillingHealthIndicator} turns a {@link Report} into its
 * own {@code Health}.
 */
final class BillingHealth {
    static final Duration STRIPE_EVERY = Duration.ofMinutes(1);
    /** The longest a check waits for Stripe's answer; Stripe answers a ping in well under that. */
    static final Duration STRIPE_WAIT = Duration.ofSeconds(1);
    /** The longest a check waits for the store; the standalone server's readiness waits as long. */
    static final Duration STORE_WAIT = Duration.ofMillis(2_500);

    private final BillingStores stores;
    private final PaymentGateway gateway;
    private final Clock clock;
    private final long stripeWaitNanos;
    private final long storeWaitNanos;
    /** Guarded by this: when Stripe was last asked (billing time). */
    private Instant stripeCheckedAt;
    /** Guarded by this: the last ask of Stripe, and of the store (each running or answered), null before the first. */
    private Ask stripeAsk;

    private Ask storeAsk;

    private volatile String stripe = "unknown";

    BillingHealth(BillingStores stores, PaymentGateway gateway, Clock clock) {
        this(stores, gateway, clock, STRIPE_WAIT, STORE_WAIT);
    }

    /** With other waits: tests that read the answers, not timing, wait for every ping. */
    BillingHealth(BillingStores stores, PaymentGateway gateway, Clock clock, Duration stripeWait, Duration storeWait) {
        this.stores = stores;
        this.gateway = gateway;
        this.clock = clock;
        this.stripeWaitNanos = stripeWait.toNanos();
        this.storeWaitNanos = storeWait.toNanos();
    }

    /** One check: whether the store is up, and the details ({@code stripe}, {@code store}) in that order. */
    record Report(boolean up, Map<String, Object> details) {
        Report {
            details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }
    }

    Report check() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("stripe", stripe());
        String store = store();
        details.put("store", store);
        return new Report(store.equals("up"), details);
    }

    /**
     * One ping on a daemon thread of its own (one that never answers never holds the JVM's exit): "up", or "down: "
     * and the failure's kind, once answered.
     */
    private static final class Ask {
        private final CountDownLatch done = new CountDownLatch(1);
        private final long askedNanos = System.nanoTime();
        private volatile String answer;

        static Ask start(String thread, Runnable ping) {
            Ask ask = new Ask();
            Thread asker = new Thread(
                    () -> {
                        try {
                            ping.run();
                            ask.answer = "up";
                        } catch (RuntimeException e) {
                            ask.answer = "down: " + e.getClass().getSimpleName();
                        } finally {
                            ask.done.countDown();
                        }
                    },
                    thread);
            asker.setDaemon(true);
            asker.start();
            return ask;
        }

        boolean running() {
            return done.getCount() > 0;
        }

        /** The answer, waiting for it until {@code waitNanos} after the ask began; null when it has none by then. */
        String await(long waitNanos) {
            long left = waitNanos - (System.nanoTime() - askedNanos);
            try {
                if (left > 0) {
                    done.await(left, TimeUnit.NANOSECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return answer;
        }
    }

    /** Stripe's last answer, after asking again when a minute has passed, waiting for that at most its bound. */
    private String stripe() {
        Ask ask;
        synchronized (this) {
            Instant now = clock.instant();
            boolean due = stripeCheckedAt == null || !now.isBefore(stripeCheckedAt.plus(STRIPE_EVERY));
            if (due && (stripeAsk == null || !stripeAsk.running())) {
                stripeCheckedAt = now;
                stripeAsk = Ask.start("billing-health-stripe", gateway::ping);
            }
            ask = stripeAsk;
        }
        String answer = ask.await(stripeWaitNanos);
        if (answer != null) {
            stripe = answer;
        }
        return stripe;
    }

    /** The store's answer to an ask, this check's or the one still running, waiting for it at most its bound. */
    private String store() {
        Ask ask;
        synchronized (this) {
            if (storeAsk == null || !storeAsk.running()) {
                storeAsk = Ask.start("billing-health-store", stores::ping);
            }
            ask = storeAsk;
        }
        String answer = ask.await(storeWaitNanos);
        return answer != null
                ? answer
                : "down: no answer within " + Duration.ofNanos(storeWaitNanos).toMillis() + " ms";
    }
}
