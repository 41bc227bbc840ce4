package dev.billing.emulator;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * The command line of {@code billing-stripe-emulator.jar}: starts a standalone emulator and runs it
 * until the process is stopped.
 *
 * <p>Usage: {@code java -jar billing-stripe-emulator.jar --port 12111 --sample-seed}
 */
public final class Main {
    /** The port a standalone emulator listens on when none is given (like stripe-mock). */
    static final int DEFAULT_PORT = 12111;

    static final String USAGE =
            """
      Usage: java -jar billing-stripe-emulator.jar [options]

      Runs a stateful Stripe API emulator until the process is stopped.

      Options:
        --port N            TCP port, 0 for a free one (default %d)
        --host HOST         interface to bind (default 127.0.0.1)
        --seed LOCATION     seed applied at start: a file path or classpath:<resource>
        --sample-seed       seed the shipped sample catalog
        --api-key KEY       the secret key clients must send (default %s)
        --state-file PATH   keep the state in this JSON file across restarts
        --upcoming-invoice-days N
                            send invoice.upcoming N days before each renewal, 0 for none
                            (default %d, as in Stripe's Dashboard)
        --help              print this help and exit

      Exit status: 0 after --help, 2 for a bad command line, 1 when the emulator cannot start.
      """.formatted(DEFAULT_PORT, EmulatorOptions.DEFAULT_API_KEY, EmulatorOptions.DEFAULT_UPCOMING_INVOICE_DAYS);

    private Main() {}

    /** A command line that cannot be run; the message is one line for stderr. */
    private static final class UsageException extends Exception {
        UsageException(String message) {
            super(message, null, false, false);
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the command line: prints usage for {@code --help}, rejects a bad command line, or starts
     * the emulator and blocks until the JVM stops (a shutdown hook closes it). Returns the exit code.
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, Main::awaitShutdown);
    }

    /**
     * Like {@link #run(String[], PrintStream, PrintStream)}, but hands the started emulator to
     * {@code serve} and closes it once {@code serve} returns, so a test can drive it in-process.
     */
    static int run(String[] args, PrintStream out, PrintStream err, Consumer<StripeEmulator> serve) {
        EmulatorOptions options;
        try {
            options = parse(args);
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            err.println();
            err.print(USAGE);
            err.flush();
            return 2;
        }
        if (options == null) {
            out.print(USAGE);
            out.flush();
            return 0;
        }
        StripeEmulator emulator;
        try {
            emulator = StripeEmulator.start(options);
        } catch (RuntimeException e) {
            err.println("error: " + describe(e));
            err.flush();
            return 1;
        }
        // Registered before the listening line, so a stop right after it still saves the state file.
        Thread hook = new Thread(emulator::close, "stripe-emulator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            out.println("Stripe emulator listening on " + emulator.baseUrl() + " (API key "
                    + EmulatorOptions.mask(emulator.apiKey()) + ")");
            out.flush();
            serve.accept(emulator);
        } finally {
            emulator.close();
            removeHook(hook);
        }
        return 0;
    }

    /**
     * The options the arguments ask for, or null for {@code --help}. Stops at the first problem,
     * before anything is started.
     */
    private static EmulatorOptions parse(String[] args) throws UsageException {
        EmulatorOptions options = EmulatorOptions.defaults().withPort(DEFAULT_PORT);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            try {
                switch (arg) {
                    case "--help" -> {
                        return null;
                    }
                    case "--sample-seed" -> options = options.withSampleSeed();
                    case "--port" -> options = options.withPort(port(value(args, ++i, arg)));
                    case "--host" -> options = options.withHost(value(args, ++i, arg));
                    case "--seed" -> options = options.withSeed(value(args, ++i, arg));
                    case "--api-key" -> options = options.withApiKey(value(args, ++i, arg));
                    case "--state-file" -> options = options.withStateFile(Path.of(value(args, ++i, arg)));
                    case "--upcoming-invoice-days" ->
                        options = options.withUpcomingInvoiceDays(days(value(args, ++i, arg)));
                    default ->
                        throw new UsageException(
                                arg.startsWith("-") ? "unknown option " + arg : "unexpected argument " + arg);
                }
            } catch (IllegalArgumentException e) {
                // EmulatorOptions and Path.of reject values such as a blank API key.
                throw new UsageException("invalid value for " + arg + ": " + e.getMessage());
            }
        }
        return options;
    }

    /** The value after option {@code name}; another option in its place means it is missing. */
    private static String value(String[] args, int index, String name) throws UsageException {
        if (index >= args.length || args[index].startsWith("--")) {
            throw new UsageException("missing value for " + name);
        }
        return args[index];
    }

    private static int port(String value) throws UsageException {
        int port;
        try {
            port = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new UsageException("--port must be a number from 0 to 65535, not " + value);
        }
        return port;
    }

    private static int days(String value) throws UsageException {
        try {
            return EmulatorOptions.checkUpcomingInvoiceDays(Integer.parseInt(value));
        } catch (IllegalArgumentException e) { // NumberFormatException included
            throw new UsageException("--upcoming-invoice-days must be a number from 0 to "
                    + EmulatorOptions.MAX_UPCOMING_INVOICE_DAYS + ", not " + value);
        }
    }

    /** The message and its causes' messages on one line (a bind error names the port, its cause why). */
    private static String describe(Throwable e) {
        StringBuilder line = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && !line.toString().contains(cause.getMessage())) {
                line.append(": ").append(cause.getMessage());
            }
        }
        return line.toString();
    }

    /** Blocks until the JVM stops; the shutdown hook closes the emulator then. */
    private static void awaitShutdown(StripeEmulator emulator) {
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is already stopping and runs the hook itself; closing twice is harmless.
        }
    }
}
