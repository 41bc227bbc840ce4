package dev.billing.http;

/**
 * One dependency {@code GET /health/ready} checks (the store, Stripe). {@link #check()} returns normally when the
 * dependency can serve, and throws otherwise.
 *
 * <p>Usage: {@code ReadinessCheck.of("store", () -> stores.ping())}
 */
public interface ReadinessCheck {
    String name();

    void check() throws Exception;

    static ReadinessCheck of(String name, CheckedRunnable check) {
        return new ReadinessCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void check() throws Exception {
                check.run();
            }
        };
    }

    /** A check body. */
    @FunctionalInterface
    interface CheckedRunnable {
        void run() throws Exception;
    }
}
