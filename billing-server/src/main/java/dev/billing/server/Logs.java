package dev.billing.server;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** The CLI's logging life cycle: log lines are written by an asynchronous appender (logback.xml). */
public final class Logs {
    private Logs() {}

    /**
     * Writes every queued line and stops logging: the last thing a command does before the JVM exits (a daemon
     * writer thread would otherwise die with lines still queued).
     */
    public static void flushAndStop() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }

    /**
     * Sends this process's log lines to stderr: for a command whose stdout is a document ({@code report},
     * {@code export}), so that it can be redirected or piped whole. Call it before anything is logged.
     */
    public static void toStderr() {
        StdoutAppender.useStderr();
    }

    /** Waits (up to {@code timeout}) until the lines logged so far were written. */
    public static void awaitWritten(java.time.Duration timeout) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context
                && context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("ASYNC")
                        instanceof AsyncLogAppender async) {
            async.awaitDrained(timeout);
        }
    }
}
