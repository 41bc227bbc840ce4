package dev.billing.bench;

import dev.billing.server.ConfigException;
import dev.billing.server.Logs;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * {@code java -jar billing-bench.jar [options]}: the benchmark (docs/BENCHMARKS.md). Exit 0 when every exactly-once
 * check passed, 1 on any discrepancy or failure, 2 on a usage error. Targets are reported, not enforced (they
 * depend on the machine).
 */
public final class Main {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private Main() {}

    public static void main(String[] args) {
        int code = run(args, System.getenv(), System.out, System.err);
        Logs.flushAndStop();
        System.exit(code);
    }

    /** Runs the bench in-process and returns its exit code. */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new BenchCommand(env, out));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExitCodeExceptionMapper(e -> e instanceof ConfigException ? USAGE : FAILED);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException config) {
                err.println(config.getMessage());
                return USAGE;
            }
            err.println("billing-bench: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return FAILED;
        });
        cli.setParameterExceptionHandler((e, unused) -> {
            err.println(e.getMessage());
            e.getCommandLine().usage(err);
            return USAGE;
        });
        return cli.execute(args);
    }

    /** The jar's version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"billing-bench " + (v == null ? "dev" : v)};
        }
    }
}
