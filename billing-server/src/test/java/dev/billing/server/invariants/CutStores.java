package dev.billing.server.invariants;

import dev.billing.core.error.StoreException;
import dev.billing.core.port.BillingStores;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.lang.reflect.RecordComponent;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real stores that fail from a given call on, as a store does when the process is stopped or the database goes away
 * mid-run: once {@link Cut#after} is called, its next {@code calls} calls to any port (reads and writes alike, counted
 * together) reach the real store and every later one throws a {@link StoreException}. The testkit's
 * {@code StoreSwitch} does this for the in-memory fakes; this does it for an adapter's stores, whatever their ports.
 */
final class CutStores {
    private CutStores() {}

    /** The stores, not cut until {@link Cut#after} says when. */
    static Cut of(BillingStores stores) {
        AtomicInteger left = new AtomicInteger(Integer.MAX_VALUE);
        AtomicInteger refused = new AtomicInteger();
        RecordComponent[] parts = BillingStores.class.getRecordComponents();
        Class<?>[] types = new Class<?>[parts.length];
        Object[] ports = new Object[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                types[i] = parts[i].getType();
                Object real = parts[i].getAccessor().invoke(stores);
                ports[i] = Proxy.newProxyInstance(
                        CutStores.class.getClassLoader(), new Class<?>[] {types[i]}, (proxy, method, args) -> {
                            if (method.getDeclaringClass() != Object.class && left.getAndDecrement() <= 0) {
                                refused.incrementAndGet();
                                throw new StoreException("the store was cut here (a test's interruption)");
                            }
                            try {
                                return method.invoke(real, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
            }
            BillingStores cut =
                    BillingStores.class.getDeclaredConstructor(types).newInstance(ports);
            return new Cut(cut, left, refused);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("BillingStores could not be wrapped", e);
        }
    }

    /** The cut stores (never close them: close the real ones). */
    record Cut(BillingStores stores, AtomicInteger left, AtomicInteger refused) {
        /** Lets {@code calls} more calls through, then refuses every one. */
        void after(int calls) {
            left.set(calls);
        }

        /** Whether a call was refused. */
        boolean happened() {
            return refused.get() > 0;
        }
    }
}
