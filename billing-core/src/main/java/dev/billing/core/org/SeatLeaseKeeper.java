package dev.billing.core.org;

import dev.billing.core.port.MembershipStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a process's seat lease while one quantity update is on its way to Stripe: a thread of its own renews it each
 * time a third of the lease has passed on the work clock, until the update returns. A Stripe call has no bound the
 * core knows (the adapter's timeouts and retries, its wait under a rate limit, the gateway retry's budget, several
 * requests in one call), so a lease of fixed length renewed only before the call could run out while it is on its
 * way, and another process would send its count first. A process that dies stops renewing, and its lease runs out.
 *
 * <p>Usage: {@code try (SeatLeaseKeeper kept = SeatLeaseKeeper.start(...)) { gateway.change...(...); }}
 */
final class SeatLeaseKeeper implements AutoCloseable {
    /** How often the keeper looks at the work clock; real time, so that a test's clock moves it too. */
    static final Duration POLL = Duration.ofMillis(500);

    private static final System.Logger LOG = System.getLogger(SeatLeaseKeeper.class.getName());

    private final MembershipStore memberships;
    private final String orgId;
    private final String customer;
    private final String holder;
    private final Clock clock;
    private final Duration lease;
    private final Thread thread;
    /** Counted down when the update returned: wakes the keeper without interrupting a renewal in the store. */
    private final CountDownLatch done = new CountDownLatch(1);
    /** When the lease was last taken or renewed; read on the caller's thread first (the keeper may start late). */
    private Instant renewed;

    private SeatLeaseKeeper(
            MembershipStore memberships, String orgId, String customer, String holder, Clock clock, Duration lease) {
        this.memberships = memberships;
        this.orgId = orgId;
        this.customer = customer;
        this.holder = holder;
        this.clock = clock;
        this.lease = lease;
        this.renewed = clock.instant();
        this.thread = new Thread(this::keep, "billing-seat-lease");
        thread.setDaemon(true);
    }

    /** Starts keeping the lease {@code holder} took or renewed just now for {@code lease}. */
    static SeatLeaseKeeper start(
            MembershipStore memberships, String orgId, String customer, String holder, Clock clock, Duration lease) {
        SeatLeaseKeeper keeper = new SeatLeaseKeeper(memberships, orgId, customer, holder, clock, lease);
        keeper.thread.start();
        return keeper;
    }

    private void keep() {
        while (true) {
            try {
                if (done.await(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                    return; // the update returned
                }
            } catch (InterruptedException e) {
                return;
            }
            Instant now = clock.instant();
            if (now.isBefore(renewed.plus(lease.dividedBy(3)))) {
                continue;
            }
            try {
                if (!memberships.renewSeats(customer, holder, now.plus(lease))) {
                    // Only a store that refused every renewal for a whole lease gets here.
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "Auto-seats: the seat lease of {0} was taken by another process while Stripe answered",
                            orgId);
                    return;
                }
                renewed = now;
            } catch (RuntimeException e) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "Auto-seats: renewing the seat lease of {0} failed ({1}); trying again",
                        orgId,
                        e.toString());
            }
        }
    }

    /** Stops renewing, and returns once no renewal is on its way (so none lands after the lease is given back). */
    @Override
    public void close() {
        done.countDown();
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
