package dev.billing.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed sign-ins per client address in a one-minute window: guessing the admin token through the form is as slow
 * as guessing it against the API's rate-limited admin routes. The address is the client's, behind a trusted proxy
 * too ({@link AdminDashboard.Builder#trustForwardedFor}), so one client's guesses never lock the others out.
 */
final class SignInLimiter {
    static final int MAX_FAILURES = 10;
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final int MAX_ADDRESSES = 10_000;

    private record Window(Instant start, int failures) {}

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private final Clock clock;

    SignInLimiter(Clock clock) {
        this.clock = clock;
    }

    boolean allowed(String ip) {
        Window w = windows.get(ip);
        return w == null || w.failures() < MAX_FAILURES || expired(w, clock.instant());
    }

    void failed(String ip) {
        Instant now = clock.instant();
        if (windows.size() > MAX_ADDRESSES) {
            windows.values().removeIf(w -> expired(w, now));
        }
        windows.merge(
                ip,
                new Window(now, 1),
                (old, one) -> expired(old, now) ? one : new Window(old.start(), old.failures() + 1));
    }

    private static boolean expired(Window w, Instant now) {
        return !now.isBefore(w.start().plus(WINDOW));
    }
}
