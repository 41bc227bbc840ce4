package dev.billing.spring;

import dev.billing.core.Billing;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the core's background work (inbox retries, notices, meter reports) while the context runs. Its phase puts it
 * before the web server: started first, stopped after the server has stopped taking requests, so webhooks accepted
 * during a graceful shutdown are still processed by the background threads.
 */
public class BillingLifecycle implements SmartLifecycle {
    /** Below the web server's phases ({@code DEFAULT_PHASE - 1024} and {@code - 2048}). */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final Billing billing;

    public BillingLifecycle(Billing billing) {
        this.billing = billing;
    }

    @Override
    public void start() {
        billing.start();
    }

    /** Waits for the work in flight up to the background options' close timeout. */
    @Override
    public void stop() {
        billing.close();
    }

    @Override
    public boolean isRunning() {
        return billing.isRunning();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
