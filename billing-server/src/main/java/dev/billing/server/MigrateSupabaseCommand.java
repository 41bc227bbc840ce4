package dev.billing.server;

import dev.billing.core.error.StoreException;
import dev.billing.core.migration.MigrateStores;
import dev.billing.core.model.migration.MigrationRecordType;
import dev.billing.core.model.migration.MigrationReport;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.MigrationCheckpoint;
import dev.billing.postgres.PostgresBillingStores;
import dev.billing.postgres.PostgresConfig;
import dev.billing.supabase.SupabaseBillingStores;
import dev.billing.supabase.SupabaseConfig;
import dev.billing.supabase.SupabaseConfigurationException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code billing-server migrate-supabase}: makes the Postgres store ({@code DATABASE_URL}) a copy of the Supabase
 * store ({@code SUPABASE_URL}, {@code SUPABASE_SERVICE_ROLE_KEY}) with the core's {@link MigrateStores}: copies every
 * billing record, rewrites what changed since an earlier pass and removes what Supabase no longer has, batched and
 * resumable from a checkpoint file, then verifies both sides and prints the report (docs/MIGRATION.md).
 *
 * <p>Exit codes (Main's convention, plus one): 0 copied and verified (a dry run: both stores were read), 1 a store
 * failed or the run was stopped (run the same command again: it resumes from the checkpoint), 2 configuration or
 * usage error, 3 the stores differ.
 */
@Command(
        name = "migrate-supabase",
        sortOptions = false,
        description = {
            "Make Postgres (DATABASE_URL) a copy of Supabase (SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY): "
                    + "copy every billing record, rewrite what changed and remove what Supabase no longer has, "
                    + "resumably, then verify both sides (docs/MIGRATION.md).",
            "Exit codes: 0 verified (dry run: both stores read), 1 a store failed or the run was stopped (run it "
                    + "again to resume), 2 configuration or usage error, 3 the stores differ."
        })
final class MigrateSupabaseCommand implements Callable<Integer> {
    static final int MISMATCH = 3;
    static final String DEFAULT_CHECKPOINT = ".billing/migrate-supabase.checkpoint";
    static final int MAX_BATCH_SIZE = 10_000;
    /** How long a SIGTERM/Ctrl-C waits for the batch being written to finish and be checkpointed. */
    static final Duration STOP_GRACE = Duration.ofSeconds(20);

    @ParentCommand
    Main main;

    @Option(
            names = "--batch-size",
            paramLabel = "<n>",
            defaultValue = "500",
            description = "Records read from Supabase per page, 1-10000; Supabase answers at most 500 per page "
                    + "(default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--writers",
            paramLabel = "<n>",
            defaultValue = "" + MigrateStores.DEFAULT_WRITERS,
            description =
                    "Writes to Postgres run at once, 1-" + MigrateStores.MAX_WRITERS + ", each a round trip or a few; "
                            + "more help most when Postgres is far away (default: ${DEFAULT-VALUE}).")
    int writers;

    @Option(
            names = "--checkpoint",
            paramLabel = "<file>",
            defaultValue = DEFAULT_CHECKPOINT,
            description = "Where progress is saved after every batch; a run with the same file resumes "
                    + "(default: ${DEFAULT-VALUE}). Delete it to start over.")
    Path checkpoint;

    @Option(
            names = "--dry-run",
            description = "Read both stores and compare them, counting what a copy would "
                    + "write, change and remove; write nothing (not the target, not the checkpoint). Exits 0 when both could "
                    + "be read, whether or not they match yet.")
    boolean dryRun;

    @Option(
            names = "--verify-only",
            description = "Only compare the stores (count and checksum per record "
                    + "type); write nothing. Exits 0 when they match, 3 when they differ.")
    boolean verifyOnly;

    /** Which of the three things the command does. */
    enum Mode {
        COPY,
        DRY_RUN,
        VERIFY_ONLY;

        boolean writes() {
            return this == COPY;
        }
    }

    @Override
    public Integer call() {
        Main.logFormat(main.env, "TEXT");
        Settings settings = settings();
        PrintStream out = main.out;
        // SIGTERM / Ctrl-C: the run stops after the batch being written has been checkpointed; the hook keeps the
        // JVM alive (up to STOP_GRACE) until this method has said so.
        StopSignal stop = new StopSignal();
        Thread hook = new Thread(() -> stop.requestAndAwait(STOP_GRACE), "migrate-supabase-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        String resume = settings.mode().writes()
                ? "Progress up to the last finished batch is saved in " + settings.checkpoint()
                        + ": run the same command again to resume."
                : "Nothing was written.";
        try (CheckpointLock lock = settings.mode().writes() ? CheckpointLock.acquire(settings.checkpoint()) : null;
                Stores stores = Stores.open(settings)) {
            out.print(header(settings, stores));
            out.flush();
            return run(settings, stores, stop);
        } catch (SupabaseConfigurationException e) {
            throw new ConfigException(List.of(SupabaseSettings.BOTH + e.getMessage()));
        } catch (StoreException | UncheckedIOException e) {
            main.err.println("migrate-supabase: " + failure(e));
            main.err.println(resume);
            return Main.FAILED;
        } catch (Stopped e) {
            main.err.println("migrate-supabase: stopped by a signal. " + resume);
            return Main.FAILED;
        } finally {
            main.out.flush();
            main.err.flush();
            stop.finished();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it returns now that finished() was called
            }
        }
    }

    private int run(Settings settings, Stores stores, StopSignal stop) {
        // A dry run or a verification writes no checkpoint, and so resumes from none.
        MigrationCheckpoint checkpoint =
                settings.mode().writes() ? new FileMigrationCheckpoint(settings.checkpoint()) : null;
        Map<MigrationRecordType, MigrationCheckpoint.Position> before = new EnumMap<>(MigrationRecordType.class);
        if (checkpoint != null) {
            for (MigrationRecordType type : MigrationRecordType.values()) {
                checkpoint.load(type).ifPresent(position -> before.put(type, position));
            }
        }
        // Not every saved position is resumed: after a finished pass, or past the type a pass stopped in, it is an
        // earlier pass's.
        Map<MigrationRecordType, MigrationCheckpoint.Position> resumed =
                checkpoint == null ? Map.of() : MigrateStores.resumePositions(checkpoint);
        if (allDone(before)) {
            main.out.println("The last run finished: copying everything again, updating what changed since.");
        } else if (!resumed.isEmpty()) {
            main.out.println(resumeNote(resumed));
        }
        MigrationReport report;
        // The logger only now: picocli creates this command before call() has chosen the log format.
        Logger log = LoggerFactory.getLogger(MigrateSupabaseCommand.class);
        try (MigrationProgress progress = MigrationProgress.create(terminal(), log, resumed, stop)) {
            MigrateStores.Builder migration = MigrateStores.from(stores.source());
            migration = stores.targetMissing() ? migration.toEmptyTarget() : migration.to(stores.target());
            if (checkpoint != null) {
                migration = migration.checkpoint(checkpoint);
            }
            report = migration
                    .batchSize(settings.batchSize())
                    .writers(settings.writers())
                    .dryRun(!settings.mode().writes())
                    .listener(progress)
                    .run();
            progress.close();
            main.out.println();
            main.out.print(report.summary());
            main.out.print(progress.throughput(report));
        }
        return verdict(settings, report, before);
    }

    private int verdict(
            Settings settings, MigrationReport report, Map<MigrationRecordType, MigrationCheckpoint.Position> before) {
        PrintStream out = main.out;
        List<String> differing =
                report.mismatches().stream().map(t -> t.type().wireName()).toList();
        switch (settings.mode()) {
            case DRY_RUN -> {
                out.println(
                        report.matches()
                                ? "Dry run: Postgres already holds exactly what Supabase holds."
                                : String.format(
                                        Locale.ROOT,
                                        "Dry run: %s differ; a copy would write %,d records (%,d of "
                                                + "them changed) and remove %,d. Nothing was written.",
                                        String.join(", ", differing),
                                        report.written(),
                                        report.changed(),
                                        report.removed()));
                return Main.OK;
            }
            case VERIFY_ONLY -> {
                if (report.matches()) {
                    out.println("Verified: Postgres holds exactly what Supabase holds.");
                    return Main.OK;
                }
                out.println("MISMATCH in " + String.join(", ", differing) + ".");
                return MISMATCH;
            }
            default -> {
                if (report.matches()) {
                    out.println("Verified: Postgres holds exactly what Supabase holds. Switch the server to "
                            + "BILLING_STORE=postgres.");
                    return Main.OK;
                }
                out.println("MISMATCH in " + String.join(", ", differing) + ": read the report above.");
                if (before.isEmpty() || allDone(before)) {
                    out.println("This run made Postgres a copy of Supabase; what still differs changed in Supabase "
                            + "while it ran, or Postgres refused it (the conflicts above). Stop writes to Supabase "
                            + "and run it again.");
                }
                return MISMATCH;
            }
        }
    }

    private static boolean allDone(Map<MigrationRecordType, MigrationCheckpoint.Position> positions) {
        return positions.size() == MigrationRecordType.values().length
                && positions.values().stream().allMatch(MigrationCheckpoint.Position::done);
    }

    private String resumeNote(Map<MigrationRecordType, MigrationCheckpoint.Position> resumed) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<MigrationRecordType, MigrationCheckpoint.Position> e : resumed.entrySet()) {
            parts.add(e.getKey().wireName() + " "
                    + (e.getValue().done() ? "done" : e.getValue().copied() + " copied"));
        }
        return "Resuming from the checkpoint: " + String.join(", ", parts) + ".";
    }

    private String header(Settings settings, Stores stores) {
        String mode = switch (settings.mode()) {
            case COPY -> "copy, then verify (checkpoint " + settings.checkpoint() + ")";
            case DRY_RUN -> "dry run: read and compare, write nothing";
            case VERIFY_ONLY -> "verify only: compare, write nothing";
        };
        return String.format(
                Locale.ROOT,
                "migrate-supabase: %s, batch size %d, %d writers%n  source  Supabase %s%n"
                        + "  target  Postgres %s, schema %s%s%n",
                mode,
                settings.batchSize(),
                settings.writers(),
                settings.supabase().url(),
                settings.postgres().describe(),
                settings.postgres().schema(),
                stores.targetMissing() ? " (does not exist yet: counted as empty)" : "");
    }

    /** Whether to draw progress bars: only for a person at a terminal, never in CI or into a file. */
    private boolean terminal() {
        return main.err == System.err && System.console() != null;
    }

    /** The environment and flags, checked together: every problem in one {@link ConfigException}. */
    private Settings settings() {
        EnvReader r = new EnvReader(main.env);
        SupabaseSettings source = SupabaseSettings.read(r, "the Supabase project's service_role key (the source)");
        SupabaseConfig supabase = source == null ? null : source.config();
        String databaseUrl = r.required(
                "DATABASE_URL", "postgres://user:password@host:5432/db (the Postgres " + "database to copy into)");
        PostgresConfig postgres = null;
        if (databaseUrl != null) {
            try {
                postgres = PostgresConfig.fromDatabaseUrl(databaseUrl).toBuilder()
                        .poolName("billing-migrate")
                        // A connection per writer, and one for the merge's reads of the target.
                        .maximumPoolSize(Math.max(4, writers + 1))
                        .minimumIdle(1)
                        .build();
            } catch (IllegalArgumentException e) {
                r.problem("DATABASE_URL: " + e.getMessage());
            }
        }
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            r.problem("--batch-size: must be a whole number from 1 to " + MAX_BATCH_SIZE + ", was " + batchSize);
        }
        if (writers < 1 || writers > MigrateStores.MAX_WRITERS) {
            r.problem("--writers: must be a whole number from 1 to " + MigrateStores.MAX_WRITERS + ", was " + writers);
        }
        if (dryRun && verifyOnly) {
            r.problem("--dry-run and --verify-only: give one of them (both write nothing; --verify-only exits 3 "
                    + "when the stores differ)");
        }
        Mode mode = dryRun ? Mode.DRY_RUN : verifyOnly ? Mode.VERIFY_ONLY : Mode.COPY;
        Path file = checkpoint.toAbsolutePath().normalize();
        if (mode.writes()) {
            if (Files.isDirectory(file)) {
                r.problem("--checkpoint: " + file + " is a directory; give a file");
            } else {
                try {
                    new FileMigrationCheckpoint(file);
                } catch (IllegalArgumentException e) {
                    r.problem("--checkpoint: " + e.getMessage());
                } catch (UncheckedIOException e) {
                    r.problem("--checkpoint: " + file + " cannot be read ("
                            + e.getCause().getMessage() + ")");
                }
            }
        }
        r.failIfAny();
        return new Settings(supabase, postgres, batchSize, writers, file, mode);
    }

    private static String failure(RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return e instanceof UncheckedIOException io && io.getCause() != null
                ? message + " (" + io.getCause().getMessage() + ")"
                : message;
    }

    /** What the command was asked to do, checked. */
    record Settings(
            SupabaseConfig supabase, PostgresConfig postgres, int batchSize, int writers, Path checkpoint, Mode mode) {}

    /** Thrown out of the progress listener when SIGTERM or Ctrl-C asked the run to stop (after a checkpoint). */
    static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("stopped by a signal", null, false, false);
        }
    }

    /**
     * A shutdown hook's request to stop, and the run's answer that it has. The hook waits (up to a limit) so that
     * the JVM does not exit while the batch being written is still unsaved; the checkpoint file is replaced
     * atomically, so even a hard kill leaves a usable one.
     */
    static final class StopSignal {
        private volatile boolean requested;
        private final java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);

        boolean requested() {
            return requested;
        }

        void requestAndAwait(Duration grace) {
            requested = true;
            try {
                finished.await(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void finished() {
            finished.countDown();
        }
    }

    /**
     * An exclusive lock next to the checkpoint ({@code <file>.lock}) for the whole run: two copies with the same
     * checkpoint would overwrite each other's progress. The operating system releases it when the process dies.
     */
    static final class CheckpointLock implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        private CheckpointLock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        static CheckpointLock acquire(Path checkpoint) {
            Path file = checkpoint.resolveSibling(checkpoint.getFileName() + ".lock");
            FileChannel channel = null;
            try {
                Files.createDirectories(file.getParent());
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    channel.close();
                    throw new ConfigException(List.of("--checkpoint: another migrate-supabase run is using "
                            + checkpoint + " (it holds " + file + "); wait for it or stop it"));
                }
                return new CheckpointLock(channel, lock);
            } catch (OverlappingFileLockException e) {
                closeQuietly(channel);
                throw new ConfigException(List.of(
                        "--checkpoint: another migrate-supabase run in this process is " + "using " + checkpoint));
            } catch (IOException e) {
                closeQuietly(channel);
                throw new ConfigException(List.of("--checkpoint: cannot create " + file + " (" + e.getMessage() + ")"));
            }
        }

        /** Releases the lock. The file stays: deleting it would let two later runs lock two different files. */
        @Override
        public void close() {
            try {
                lock.release();
            } catch (IOException ignored) {
                // released with the channel anyway
            } finally {
                closeQuietly(channel);
            }
        }

        private static void closeQuietly(FileChannel channel) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }
    }

    /**
     * The two stores. The target is the Postgres store, migrated first when copying from a source that answered and
     * was accepted; otherwise, and in a dry run or a verification, it is opened without migrating, on sessions that
     * Postgres itself keeps read-only, and a database without the billing schema yet is compared as an empty store
     * (creating the schema would be a write).
     */
    record Stores(BillingStores source, BillingStores target, boolean targetMissing) implements AutoCloseable {

        static Stores open(Settings settings) {
            List<String> problems = new ArrayList<>();
            List<String> down = new ArrayList<>();
            StoreException failure = null;
            BillingStores source = SupabaseBillingStores.create(settings.supabase());
            BillingStores target = null;
            boolean missing = false;
            try {
                source.ping();
            } catch (SupabaseConfigurationException e) {
                problems.add(SupabaseSettings.BOTH + e.getMessage());
            } catch (StoreException e) {
                down.add("source: " + e.getMessage());
                failure = e;
            }
            try {
                // A refused or unreachable source leaves the target as it was: its own problems are still found.
                if (settings.mode().writes() && problems.isEmpty() && failure == null) {
                    target = PostgresBillingStores.create(settings.postgres());
                } else {
                    PostgresConfig readOnly = readOnly(settings.postgres());
                    missing = !schemaExists(readOnly);
                    target = missing ? null : PostgresBillingStores.create(readOnly);
                }
            } catch (StoreException e) {
                Optional<String> refusal = DatabaseRefusal.of(e);
                if (refusal.isPresent()) {
                    problems.add("DATABASE_URL: " + e.getMessage() + ": " + refusal.get());
                } else {
                    down.add("target: " + e.getMessage());
                    failure = failure == null ? e : failure;
                }
            }
            if (!problems.isEmpty() || failure != null) {
                close(source);
                close(target);
                if (!problems.isEmpty()) {
                    throw new ConfigException(problems);
                }
                throw down.size() == 1 ? failure : new StoreException(String.join("; ", down), failure);
            }
            return new Stores(source, target, missing);
        }

        /**
         * The same database with {@code default_transaction_read_only} on for every session and no migrations: a
         * dry run or verification cannot write, whatever happens.
         */
        static PostgresConfig readOnly(PostgresConfig config) {
            String options = config.properties().get("options");
            String readOnly = "-c default_transaction_read_only=on";
            return config.toBuilder()
                    .runMigrations(false)
                    .property("options", options == null || options.isBlank() ? readOnly : options + " " + readOnly)
                    .build();
        }

        /** Whether the billing schema's migration history exists (one connection, closed at once). */
        static boolean schemaExists(PostgresConfig config) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setURL(config.jdbcUrl());
            ds.setUser(config.user());
            ds.setPassword(config.password());
            ds.setConnectTimeout((int) Math.max(1, config.connectionTimeout().toSeconds()));
            ds.setLoginTimeout((int) Math.max(1, config.connectionTimeout().toSeconds()));
            ds.setLogServerErrorDetail(false);
            try {
                for (Map.Entry<String, String> property : config.properties().entrySet()) {
                    ds.setProperty(property.getKey(), property.getValue());
                }
                try (Connection connection = ds.getConnection();
                        Statement statement = connection.createStatement();
                        ResultSet rows = statement.executeQuery(
                                "SELECT to_regclass('" + config.schema() + ".billing_schema_history') IS NOT NULL")) {
                    rows.next();
                    return rows.getBoolean(1);
                }
            } catch (SQLException e) {
                String state = e.getSQLState();
                String suffix = state == null ? "" : " (SQLState " + state + ")";
                if (state != null && state.startsWith("08")) {
                    throw new dev.billing.core.error.StoreUnavailableException(
                            "Postgres is unavailable: connecting " + "to " + config.describe() + " failed" + suffix, e);
                }
                throw new StoreException(
                        "Postgres store error: connecting to " + config.describe() + " failed" + suffix, e);
            }
        }

        private static void close(BillingStores stores) {
            if (stores != null) {
                try {
                    stores.close();
                } catch (RuntimeException ignored) {
                    // closing after a failure
                }
            }
        }

        @Override
        public void close() {
            close(source);
            close(target);
        }
    }
}
