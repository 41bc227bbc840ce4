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
    /** Guarded by this: when Stripe was last asked (billing time), and when on the machine's monotonic clock. */
    private Instant stripeCheckedAt;

    private long stripeAskedNanos;
    /** Guarded by this: the ping running now, null when none. */
    private CountDownLatch pinging;

    private volatile String stripe = "unknown";

    private final long storeWaitNanos;
    /** Guarded by this: the store's ask running now, null when none. */
    private StoreAsk storeAsk;

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

    /** One ask of the store: its answer once it has one. */
    private static final class StoreAsk {
        final CountDownLatch done = new CountDownLatch(1);
        final long askedNanos = System.nanoTime();
        volatile String answer;
    }

    /** The store's answer to an ask, this check's or the one still running, waiting for it at most its bound. */
    private String store() {
        StoreAsk ask;
        synchronized (this) {
            if (storeAsk == null) {
                StoreAsk started = new StoreAsk();
                Thread asker = new Thread(() -> ask(started), "billing-health-store");
                asker.setDaemon(true); // a store that never answers never holds the JVM's exit
                storeAsk = started;
                asker.start();
            }
            ask = storeAsk;
        }
        long waitNanos = storeWaitNanos - (System.nanoTime() - ask.askedNanos);
        try {
            if (waitNanos > 0) {
                ask.done.await(waitNanos, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String answer = ask.answer;
        return answer != null
                ? answer
                : "down: no answer within " + Duration.ofNanos(storeWaitNanos).toMillis() + " ms";
    }

    private void ask(StoreAsk ask) {
        try {
            stores.ping();
            ask.answer = "up";
        } catch (RuntimeException e) {
            ask.answer = "down: " + e.getClass().getSimpleName();
        } finally {
            synchronized (this) {
                storeAsk = null;
            }
            ask.done.countDown();
        }
    }

    /** Stripe's last answer, after asking again when a minute has passed, waiting for that at most a second. */
    private String stripe() {
        CountDownLatch ping;
        long waitNanos;
        synchronized (this) {
            Instant now = clock.instant();
            if (pinging == null && (stripeCheckedAt == null || !now.isBefore(stripeCheckedAt.plus(STRIPE_EVERY)))) {
                stripeCheckedAt = now;
                stripeAskedNanos = System.nanoTime();
                CountDownLatch done = new CountDownLatch(1);
                Thread asker = new Thread(() -> ping(done), "billing-health-stripe");
                asker.setDaemon(true); // a ping Stripe never answers never holds the JVM's exit
                asker.start();
                pinging = done;
            }
            ping = pinging;
            waitNanos = stripeWaitNanos - (System.nanoTime() - stripeAskedNanos);
        }
        if (ping != null && waitNanos > 0) {
            try {
                ping.await(waitNanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return stripe;
    }

    private void ping(CountDownLatch done) {
        try {
            gateway.ping();
            stripe = "up";
        } catch (RuntimeException e) {
            stripe = "down: " + e.getClass().getSimpleName();
        } finally {
            synchronized (this) {
                pinging = null;
            }
            done.countDown();
        }
    }
}
