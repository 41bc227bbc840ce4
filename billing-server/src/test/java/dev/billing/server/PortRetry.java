package dev.billing.server;

import java.net.BindException;
import java.util.function.Supplier;

/**
 * Starts a server again (at most three times) when another process took its port between the port's choice and the
 * bind: on a machine running several test JVMs at once that happens, and says nothing about the code under test.
 * {@code start} chooses the port anew on each call.
 */
public final class PortRetry {
    private static final int ATTEMPTS = 3;

    private PortRetry() {}

    public static <T> T start(Supplier<T> start) {
        for (int attempt = 1; ; attempt++) {
            try {
                return start.get();
            } catch (RuntimeException e) {
                if (attempt == ATTEMPTS || !portTaken(e)) {
                    throw e;
                }
            }
        }
    }

    private static boolean portTaken(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }
}
