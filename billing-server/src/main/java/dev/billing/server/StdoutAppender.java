package dev.billing.server;

import ch.qos.logback.core.OutputStreamAppender;
import java.io.BufferedOutputStream;
import java.io.OutputStream;

/**
 * Writes log lines to standard output through a 64 KiB buffer: with {@code immediateFlush} false it reaches stdout
 * only when something flushes it. logback.xml puts it behind logstash-logback-encoder's
 * {@code LoggingEventAsyncDisruptorAppender}, which flushes its appenders at the end of every batch it drains, so a
 * burst of lines costs one {@code write} system call instead of one per line (ConsoleAppender writes through
 * {@code System.out}, which flushes every write), and a quiet moment still flushes at once.
 *
 * <p>It writes to whatever {@link System#out} is at the time of the write (the bench points it at a file, tests
 * capture it), and stopping it flushes but never closes stdout. A command whose standard output is a document
 * ({@code report}, {@code export}) sends the lines to {@link System#err} instead ({@link Logs#toStderr()}), so that
 * {@code billing-server report > r.json} holds only the report.
 *
 * @param <E> the event type
 */
public final class StdoutAppender<E> extends OutputStreamAppender<E> {
    static final int BUFFER_BYTES = 64 * 1024;
    /** Set once by a command that prints a document; the process writes its log lines to stderr from then on. */
    private static volatile boolean toStderr;

    /** From now on, lines go to {@link System#err}: call it before the first line is logged. */
    static void useStderr() {
        toStderr = true;
    }

    @Override
    public void start() {
        setOutputStream(new BufferedOutputStream(new CurrentStdout(), BUFFER_BYTES));
        super.start();
    }

    /** {@link System#out} (or {@link System#err}) as it is now; {@code close} only flushes. */
    private static final class CurrentStdout extends OutputStream {
        private static java.io.PrintStream target() {
            return toStderr ? System.err : System.out;
        }

        @Override
        public void write(int b) {
            target().write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            target().write(b, off, len);
        }

        @Override
        public void flush() {
            target().flush();
        }

        @Override
        public void close() {
            target().flush();
        }
    }
}
