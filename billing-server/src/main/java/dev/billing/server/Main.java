package dev.billing.server;

import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code billing-server}: the standalone server's command line.
 *
 * <pre>
 *   serve            run the HTTP API and the worker (configuration from environment variables)
 *   local            run everything locally: embedded Postgres, the Stripe emulator, a local token issuer
 *   check-config     print OK and the effective settings, or every configuration problem (exit 2)
 *   reconcile        re-read subscriptions and invoices from Stripe (--user, --customer or --all)
 *   schema migrate   apply the Postgres migrations to DATABASE_URL
 *   supabase-sql     print the SQL that prepares a Supabase project
 *   migrate-supabase copy every record from Supabase into Postgres, resumably, and verify (exit 3: they differ)
 *   stripe plan      print what differs between the plan file and Stripe (products, prices, meters, portal, webhook)
 *   stripe apply     make Stripe match the plan file; re-run to finish after an interruption
 * </pre>
 *
 * Exit codes: 0 done, 1 failed, 2 configuration or usage error. {@link #run} is the in-process entry point (tests
 * pass their own environment map and streams).
 */
// The help and version options are inherited, so every subcommand answers --help.
@Command(
        name = "billing-server",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Main.Version.class,
        description = "Stripe-first billing: the HTTP API server and its tools.",
        subcommands = {
            Main.Serve.class,
            Main.Local.class,
            Main.CheckConfig.class,
            Main.Reconcile.class,
            Main.Export.class,
            Main.Erase.class,
            Main.Schema.class,
            Main.SupabaseSqlCommand.class,
            MigrateSupabaseCommand.class,
            ReportCommand.class,
            ServiceKeysCommand.class,
            StripeCommand.class
        })
public final class Main implements Callable<Integer> {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int CONFIG = 2;

    Map<String, String> env;
    PrintStream out;
    PrintStream err;
    /** What a person types, when a command asks (a live {@code stripe apply}); null without a terminal. */
    BufferedReader terminal;

    public static void main(String[] args) {
        BufferedReader terminal = isTerminal(System.console())
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : null;
        int code = run(args, System.getenv(), terminal, System.out, System.err);
        Logs.flushAndStop();
        System.exit(code);
    }

    /** Runs one command in-process, with no terminal to ask on (as in CI), and returns its exit code. */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        return run(args, env, null, out, err);
    }

    /**
     * Runs one command in-process and returns its exit code; {@code terminal} is where a command that asks for a
     * confirmation reads the answer, null when nobody can answer (no terminal: such a command refuses instead).
     */
    public static int run(
            String[] args, Map<String, String> env, BufferedReader terminal, PrintStream out, PrintStream err) {
        Main main = new Main();
        main.env = env;
        main.out = out;
        main.err = err;
        main.terminal = terminal;
        CommandLine cli = new CommandLine(main);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExitCodeExceptionMapper(e -> e instanceof ConfigException ? CONFIG : FAILED);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException config) {
                err.println(config.getMessage());
                return CONFIG;
            }
            err.println("billing-server: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return FAILED;
        });
        cli.setParameterExceptionHandler((e, args2) -> {
            err.println(e.getMessage());
            e.getCommandLine().usage(err);
            return CONFIG;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(out);
        return CONFIG;
    }

    /**
     * Picks the log format (logback.xml: JSON, logback-text.xml: text) before the first logger exists, and sends
     * java.util.logging there too, so that every line of every library has the same format.
     *
     * @return whether the lines are JSON
     */
    public static boolean logFormat(Map<String, String> env, String fallback) {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        String configured = System.getProperty("logback.configurationFile");
        if (configured != null) {
            return !configured.contains("text");
        }
        String value = env.get("BILLING_LOG_FORMAT");
        String format =
                value == null || value.isBlank() ? fallback : value.strip().toUpperCase(Locale.ROOT);
        if (format.equals("TEXT")) {
            System.setProperty("logback.configurationFile", "logback-text.xml");
            return false;
        }
        return true;
    }

    /**
     * Whether a person is at the keyboard: Java 22 and later give a console even when stdin and stdout are
     * redirected, and say with {@code Console.isTerminal()} (looked up by name: this compiles for Java 17).
     */
    static boolean isTerminal(Console console) {
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // before Java 22 a console exists only on a terminal
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    private static void checkPort(List<String> problems, String option, int port) {
        if (port < 1 || port > 65535) {
            problems.add(option + ": a port between 1 and 65535, not " + port);
        }
    }

    /** The jar's version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"billing-server " + version()};
        }
    }

    public static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Command(
            name = "serve",
            description = "Run the HTTP API and the background worker. Settings come from "
                    + "environment variables (see the README); startup fails listing every missing or invalid one.")
    static final class Serve implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Override
        public Integer call() throws Exception {
            logFormat(main.env, "JSON");
            ServerConfig config = ServerConfig.fromEnv(main.env);
            BillingServer server = ServeMode.start(config, version(), TracingSettings.from(main.env));
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                server.stop(config.shutdownDelay());
                                Logs.flushAndStop();
                                stopped.countDown();
                            },
                            "billing-shutdown"));
            stopped.await();
            return OK;
        }
    }

    @Command(
            name = "local",
            description = "Run locally with no network and no accounts: embedded Postgres, the "
                    + "Stripe emulator delivering signed webhooks, and a local session-token issuer.")
    static final class Local implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Option(
                names = "--data-dir",
                description = "Where Postgres data, the Stripe emulator's state and the local signing key live "
                        + "(default: ${DEFAULT-VALUE}).",
                defaultValue = ".billing")
        Path dataDir;

        @Option(names = "--port", description = "The API's port (default: ${DEFAULT-VALUE}).", defaultValue = "8080")
        int port;

        @Option(
                names = "--stripe-port",
                description = "The Stripe emulator's port (default: ${DEFAULT-VALUE}).",
                defaultValue = "12111")
        int stripePort;

        @Override
        public Integer call() throws Exception {
            List<String> problems = new ArrayList<>();
            checkPort(problems, "--port", port);
            checkPort(problems, "--stripe-port", stripePort);
            if (port == stripePort) {
                problems.add("--port and --stripe-port: two different ports, not both " + port);
            }
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            boolean json = logFormat(main.env, "TEXT");
            LocalMode local = LocalMode.start(new LocalMode.Options(dataDir, port, stripePort, main.env), version());
            // With JSON logs, stdout holds only JSON lines: the banner goes to stderr.
            (json ? main.err : main.out).println(local.banner());
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                local.close();
                                Logs.flushAndStop();
                                stopped.countDown();
                            },
                            "billing-shutdown"));
            stopped.await();
            return OK;
        }
    }

    @Command(
            name = "check-config",
            description = "Check the environment: print OK and the effective settings "
                    + "(secrets masked), or every problem (exit 2).")
    static final class CheckConfig implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Override
        public Integer call() {
            try {
                ServerConfig config = ServerConfig.fromEnv(main.env);
                main.out.println("OK");
                main.out.print(config.describe());
                return OK;
            } catch (ConfigException e) {
                main.err.println(e.getMessage());
                return CONFIG;
            }
        }
    }

    @Command(name = "reconcile", description = "Re-read subscriptions and invoices from Stripe into the store.")
    static final class Reconcile implements Callable<Integer> {
        @ParentCommand
        Main main;

        @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        static final class Target {
            @Option(names = "--user", description = "One user's customer.")
            String user;

            @Option(names = "--customer", description = "One Stripe customer.")
            String customer;

            @Option(names = "--all", description = "Every customer.")
            boolean all;
        }

        @Override
        public Integer call() {
            logFormat(main.env, "TEXT");
            ServerConfig config = ServerConfig.fromEnv(main.env);
            var report = ServeMode.reconcile(config, target.user, target.customer);
            main.out.printf(
                    Locale.ROOT,
                    "customers %d, subscriptions %d seen / %d applied, invoices %d seen / %d "
                            + "applied, failed customers %d%n",
                    report.customers(),
                    report.subscriptionsSeen(),
                    report.subscriptionsApplied(),
                    report.invoicesSeen(),
                    report.invoicesApplied(),
                    report.failedCustomers());
            return report.failedCustomers() == 0 ? OK : FAILED;
        }
    }

    @Command(
            name = "export",
            description =
                    "Print everything the store holds about one user or organization as "
                            + "JSON (the document of GET /me/export). Only the document is printed on stdout; log lines go to stderr.")
    static final class Export implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Option(names = "--user", required = true, description = "The user's (or organization's) id.")
        String user;

        @Option(
                names = "--email",
                description = "The account holder's email, when it may differ from their Stripe "
                        + "customer's: guest purchases paid with it are theirs too.")
        String email;

        @Override
        public Integer call() {
            Logs.toStderr(); // stdout is the document: `export --user u | jq`
            logFormat(main.env, "TEXT");
            main.out.println(ServeMode.export(ServerConfig.fromEnv(main.env), user, email));
            return OK;
        }
    }

    @Command(
            name = "erase",
            description = "Erase one account's personal data from the store (financial records "
                    + "stay under a pseudonym); BILLING_ERASE_* say what happens at Stripe.")
    static final class Erase implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Option(names = "--user", required = true, description = "The user's (or organization's) id.")
        String user;

        @Option(
                names = "--email",
                description = "The account holder's email, when it may differ from their Stripe "
                        + "customer's: guest purchases paid with it are erased too.")
        String email;

        @Option(names = "--yes", description = "Confirm: this cannot be undone.")
        boolean yes;

        @Override
        public Integer call() {
            logFormat(main.env, "TEXT");
            if (!yes) {
                main.err.println("erase cannot be undone: repeat with --yes to erase " + user);
                return CONFIG;
            }
            var erased = ServeMode.erase(ServerConfig.fromEnv(main.env), user, email);
            main.out.printf(
                    Locale.ROOT,
                    "erased: now %s; link %s, events %d, subscriptions %d, usage rows %d, "
                            + "memberships %d, guest purchases %d, canceled at Stripe %d, Stripe customer deleted %s%n",
                    erased.pseudonym().value(),
                    erased.linkErased() ? "erased" : "already erased",
                    erased.events(),
                    erased.subscriptions(),
                    erased.usageRows(),
                    erased.memberships(),
                    erased.guestPurchases(),
                    erased.canceledSubscriptions(),
                    erased.stripeCustomerDeleted());
            return OK;
        }
    }

    @Command(name = "schema", description = "Database schema tools.", subcommands = Schema.Migrate.class)
    static final class Schema implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Override
        public Integer call() {
            new CommandLine(this).usage(main.out);
            return CONFIG;
        }

        @Command(name = "migrate", description = "Apply the Postgres migrations to DATABASE_URL.")
        static final class Migrate implements Callable<Integer> {
            @ParentCommand
            Schema schema;

            @Override
            public Integer call() {
                Main main = schema.main;
                logFormat(main.env, "TEXT");
                int applied = ServeMode.migrate(main.env);
                main.out.println("Applied " + applied + " migration(s).");
                return OK;
            }
        }
    }

    @Command(
            name = "supabase-sql",
            description = "Print the SQL that prepares a Supabase project for the "
                    + "billing tables (run it in the Supabase SQL editor).")
    static final class SupabaseSqlCommand implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Override
        public Integer call() {
            main.out.print(ServeMode.supabaseSql());
            return OK;
        }
    }
}
