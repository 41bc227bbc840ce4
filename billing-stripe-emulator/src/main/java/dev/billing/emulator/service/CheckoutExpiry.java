package dev.billing.emulator.service;

import dev.billing.emulator.state.EmulatorState;
import java.util.Map;

/**
 * A checkout session expiring: the same when its {@code expires_at} passes on the clock and when the
 * API expires it early.
 */
public final class CheckoutExpiry {
    private CheckoutExpiry() {}

    public static void expire(EmulatorState s, Map<String, Object> session) {
        session.put("status", "expired");
        session.put("url", null);
        s.emit("checkout.session.expired", session);
    }
}
