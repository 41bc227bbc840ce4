package dev.billing.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Writes the machine's dirty page cache back to disk ({@code sync}) before a measured window, so the window's
 * durable commits do not queue behind the write-back of whatever ran before (a build, a test suite, the previous
 * scenario's data; docs/BENCHMARKS_HISTORY.md, "Checkpoints at the end of each run"). Records the longest wait, which
 * shows whether there was anything to write. Where there is no {@code sync} command, nothing is done.
 */
final class DiskSync {
    private static final long TIMEOUT_SECONDS = 120;
    private long longestMillis = -1;

    /** Runs {@code sync} and waits for it (at most two minutes); false when it could not be run. */
    boolean sync() {
        long start = System.nanoTime();
        try {
            Process sync = new ProcessBuilder("sync")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!sync.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                sync.destroyForcibly();
                return false;
            }
            longestMillis = Math.max(longestMillis, (System.nanoTime() - start) / 1_000_000);
            return sync.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The longest {@link #sync()} so far in milliseconds; -1 when none ran. */
    long longestMillis() {
        return longestMillis;
    }
}
