package dev.billing.core.port;

/** Health and shutdown of a store as a whole (its pool, its HTTP client). */
public interface StoreLifecycle extends AutoCloseable {

    /** Nothing to check, nothing to close: in-memory stores. */
    StoreLifecycle NONE = new StoreLifecycle() {
        @Override
        public void ping() {}

        @Override
        public void close() {}
    };

    /** Throws a {@link dev.billing.core.error.StoreException} when the store cannot serve requests. */
    void ping();

    @Override
    void close();
}
