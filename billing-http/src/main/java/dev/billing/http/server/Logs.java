package dev.billing.http.server;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** The CLI's logging life cycle: log lines are written by an asynchronous appender (logback.xml). */
final class Logs {
    private Logs() {
    }

    /**
     * Writes every queued line and stops logging: the last thing a command does before the JVM exits (a daemon
     * writer thread would otherwise die with lines still queued).
     */
    static void flushAndStop() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }
}
