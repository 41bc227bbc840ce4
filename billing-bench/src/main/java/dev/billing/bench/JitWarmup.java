package dev.billing.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Warm-up until the JIT has settled. On two busy cores the C2 compiler threads compete with the load for CPU, and a
 * fixed warm-up would measure code still running in the profiling tier. So after the minimum warm-up this waits,
 * second by second, until the JIT compiled for less than 2% of each of three seconds in a row, or the maximum is
 * reached.
 */
final class JitWarmup {
    static final Duration MAX = Duration.ofSeconds(120);
    private static final long QUIET_MILLIS_PER_SECOND = 20;
    private static final int QUIET_SECONDS = 3;

    /** Whether warm-ups wait for the JIT to settle: one setting for the whole run (--no-jit-settle turns it off). */
    private static volatile boolean settle = true;

    private JitWarmup() {}

    static void settle(boolean value) {
        settle = value;
    }

    /** Whether warm-ups wait to settle at all (false with --no-jit-settle: minimum warm-ups only). */
    static boolean settling() {
        return settle;
    }

    /** Sleeps at least {@code minimum}, then until the JIT is quiet (at most {@link #MAX} in all); returns how long. */
    static Duration await(Duration minimum) throws InterruptedException {
        long start = System.nanoTime();
        Thread.sleep(minimum.toMillis());
        long before = compileMillis();
        if (before < 0 || !settle) {
            return minimum;
        }
        long deadline = start + MAX.toNanos();
        int quietSeconds = 0;
        while (System.nanoTime() < deadline && quietSeconds < QUIET_SECONDS) {
            Thread.sleep(1_000);
            long now = compileMillis();
            quietSeconds = now - before < QUIET_MILLIS_PER_SECOND ? quietSeconds + 1 : 0;
            before = now;
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Whether the JIT compiled for less than 2% of the last {@code sample}. */
    static boolean quiet(Duration sample) throws InterruptedException {
        long before = compileMillis();
        if (before < 0 || !settle) {
            return true;
        }
        Thread.sleep(sample.toMillis());
        return (compileMillis() - before) * 1000 < QUIET_MILLIS_PER_SECOND * sample.toMillis();
    }

    /**
     * Milliseconds the JIT has compiled since the JVM started (the compiler threads' elapsed time, all together);
     * -1 when the JVM does not say.
     */
    static long compileMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit == null || !jit.isCompilationTimeMonitoringSupported() ? -1 : jit.getTotalCompilationTime();
    }
}
