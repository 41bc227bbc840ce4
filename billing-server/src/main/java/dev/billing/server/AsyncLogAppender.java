package dev.billing.server;

import java.time.Duration;
import net.logstash.logback.appender.LoggingEventAsyncDisruptorAppender;

/**
 * logstash-logback-encoder's ring-buffer appender (logback.xml): callers publish their lines, one thread hands them to
 * the {@link StdoutAppender} and flushes it at the end of every batch. This subclass only adds
 * {@link #awaitDrained(Duration)}, for code that must know the lines logged so far were written (the bench, before
 * it gives stdout back).
 */
public final class AsyncLogAppender extends LoggingEventAsyncDisruptorAppender {
    /**
     * Waits until the writer has taken every line published so far (and so written and flushed them: the flush is
     * part of handling a batch's last line).
     *
     * @return false when {@code timeout} passed first, or when the appender is not running
     */
    public boolean awaitDrained(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (isStarted() && !isRingBufferEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return isStarted();
    }
}
