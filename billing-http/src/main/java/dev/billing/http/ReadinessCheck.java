package dev.billing.http;

/**
 * One dependency {@code GET /health/ready} checks. {@link #check()} returns normally when the dependency can serve,
 * and throws otherwise. A required check that fails makes the instance not ready (503); an informational one is
 * reported in the answer and in {@code billing.dependency.up} but leaves the instance ready.
 *
 * <p>Usage: {@code ReadinessCheck.of("store", stores::ping)}, {@code ReadinessCheck.informational("stripe", gateway::ping)}
 */
public interface ReadinessCheck {
    String name();

    void check() throws Exception;

    /** Whether a failure of this check makes the instance not ready. */
    default boolean required() {
        return true;
    }

    /** A check the instance cannot serve without. */
    static ReadinessCheck of(String name, CheckedRunnable check) {
        return create(name, check, true);
    }

    /** A check that is reported but does not take the instance out of the load balancer. */
    static ReadinessCheck informational(String name, CheckedRunnable check) {
        return create(name, check, false);
    }

    private static ReadinessCheck create(String name, CheckedRunnable check, boolean required) {
        return new ReadinessCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void check() throws Exception {
                check.run();
            }

            @Override
            public boolean required() {
                return required;
            }
        };
    }

    /** A check body. */
    @FunctionalInterface
    interface CheckedRunnable {
        void run() throws Exception;
    }
}
