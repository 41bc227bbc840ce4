package dev.billing.server;

import dev.billing.core.model.migration.MigrationRecordType;
import dev.billing.core.model.migration.MigrationReport;
import dev.billing.core.port.MigrationCheckpoint;
import dev.billing.core.port.MigrationListener;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;

/**
 * {@code migrate-supabase}'s progress: one progress bar per record type while copying, and one for the
 * verification. At a terminal the bars are drawn on standard error; without one (CI, a pipe, a file, no stdin) the
 * copy's bars are written as plain log lines, at most one every {@value #LOG_EVERY_MS} ms per bar and only when it
 * moved, plus a last line per bar, and the verification as one log line per record type. Also checks, after every
 * checkpointed batch, whether a signal asked the run to stop.
 */
final class MigrationProgress implements MigrationListener, AutoCloseable {
    static final int LOG_EVERY_MS = 3_000;
    private static final int TERMINAL_EVERY_MS = 200;

    private final boolean terminal;
    private final Logger log;
    /** Where the run resumes each type it resumes (its bar starts there); the others start from nothing. */
    private final Map<MigrationRecordType, MigrationCheckpoint.Position> resumed;

    private final MigrateSupabaseCommand.StopSignal stop;
    private final long startedNanos = System.nanoTime();
    private long copyEndedNanos;
    private long verifyEndedNanos;
    private ProgressBar bar;
    private MigrationRecordType current;
    private int verifiedTypes;

    private MigrationProgress(
            boolean terminal,
            Logger log,
            Map<MigrationRecordType, MigrationCheckpoint.Position> resumed,
            MigrateSupabaseCommand.StopSignal stop) {
        this.terminal = terminal;
        this.log = log;
        this.resumed = resumed;
        this.stop = stop;
    }

    static MigrationProgress create(
            boolean terminal,
            Logger log,
            Map<MigrationRecordType, MigrationCheckpoint.Position> resumed,
            MigrateSupabaseCommand.StopSignal stop) {
        return new MigrationProgress(terminal, log, Map.copyOf(resumed), stop);
    }

    @Override
    public void copied(MigrationRecordType type, long copied, long total) {
        // Called after the batch was checkpointed: stopping here loses nothing.
        if (stop.requested()) {
            throw new MigrateSupabaseCommand.Stopped();
        }
        if (type != current) {
            closeBar();
            current = type;
            MigrationCheckpoint.Position earlier = resumed.get(type);
            long from = earlier == null ? 0 : earlier.copied();
            if (total == 0 && copied == 0) {
                log.info("{}: nothing to copy", type.wireName());
                return;
            }
            bar = bar(type.wireName(), total < 0 ? -1 : Math.max(total, copied), from);
        }
        if (bar != null) {
            if (!bar.isIndefinite() && copied > bar.getMax()) {
                bar.maxHint(copied); // the source grew since it was counted
            }
            bar.stepTo(copied);
        }
    }

    @Override
    public void verified(MigrationReport.TypeReport report) {
        if (copyEndedNanos == 0) {
            copyEndedNanos = System.nanoTime();
            closeBar();
            current = null;
            if (terminal) {
                bar = bar("verify", MigrationRecordType.values().length, 0);
            }
        }
        verifiedTypes++;
        if (bar != null) {
            bar.setExtraMessage(" " + report.type().wireName() + " " + (report.matches() ? "ok" : "MISMATCH"));
            bar.stepTo(verifiedTypes);
        } else {
            log.info(
                    "verified {}: {} records in Supabase, {} in Postgres, {}",
                    report.type().wireName(),
                    report.source().count(),
                    report.target().count(),
                    report.matches() ? "ok" : "MISMATCH");
        }
        if (verifiedTypes == MigrationRecordType.values().length) {
            verifyEndedNanos = System.nanoTime();
            closeBar();
        }
        if (stop.requested()) {
            throw new MigrateSupabaseCommand.Stopped();
        }
    }

    private ProgressBar bar(String task, long max, long from) {
        ProgressBarBuilder builder = new ProgressBarBuilder()
                .setTaskName(String.format(Locale.ROOT, "%-15s", task))
                .setInitialMax(max)
                .showSpeed()
                .setUnit(" rec", 1)
                .startsFrom(from, Duration.ZERO);
        if (terminal) {
            builder.setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(TERMINAL_EVERY_MS);
        } else {
            builder.setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(LOG_EVERY_MS)
                    .setConsumer(new DelegatingProgressBarConsumer(new LogLines(log), 100));
        }
        if (task.equals("verify")) {
            builder.setUnit(" types", 1);
        }
        return builder.build();
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    /** Bars as log lines: without carriage returns, and a line identical to the one before is not repeated. */
    private static final class LogLines implements java.util.function.Consumer<String> {
        private final Logger log;
        private String last;

        LogLines(Logger log) {
            this.log = log;
        }

        @Override
        public synchronized void accept(String rendered) {
            String line = rendered.replace("\r", "").strip();
            if (!line.equals(last)) {
                last = line;
                log.info(line);
            }
        }
    }

    /** One line: records copied per second in this run, and the verification's rate (both sides). */
    String throughput(MigrationReport report) {
        long end = verifyEndedNanos != 0 ? verifyEndedNanos : System.nanoTime();
        long copyEnd = copyEndedNanos != 0 ? copyEndedNanos : end;
        double copySeconds = (copyEnd - startedNanos) / 1e9;
        double verifySeconds = (end - copyEnd) / 1e9;
        long compared = report.types().stream()
                .mapToLong(t -> t.source().count() + t.target().count())
                .sum();
        String verify = String.format(
                Locale.ROOT,
                "compared %,d records (both sides) in %.1f s (%,.0f records/s)",
                compared,
                verifySeconds,
                verifySeconds > 0 ? compared / verifySeconds : 0);
        if (report.dryRun()) {
            return String.format(
                    Locale.ROOT,
                    "Read and compared both sides: a copy would write %,d records (%,d of "
                            + "them changed) and remove %,d; %s.%n",
                    report.written(),
                    report.changed(),
                    report.removed(),
                    verify);
        }
        return String.format(
                Locale.ROOT,
                "Copied %,d records (%,d written, %,d of them changed, %,d already there, "
                        + "%,d removed) in %.1f s (%,.0f records/s); %s.%n",
                report.read(),
                report.written(),
                report.changed(),
                report.types().stream()
                        .mapToLong(MigrationReport.TypeReport::alreadyPresent)
                        .sum(),
                report.removed(),
                copySeconds,
                copySeconds > 0 ? report.read() / copySeconds : 0,
                verify);
    }

    @Override
    public void close() {
        closeBar();
    }
}
