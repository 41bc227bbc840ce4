package dev.billing.core.migration;

import dev.billing.core.migration.MigrationPass.Counts;
import dev.billing.core.migration.MigrationRecords.Kind;
import dev.billing.core.model.Page;
import dev.billing.core.model.migration.MigrationRecordType;
import dev.billing.core.model.migration.MigrationReport;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.MigrationCheckpoint;
import dev.billing.core.port.MigrationCheckpoint.Position;
import dev.billing.core.port.MigrationListener;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Makes one {@link BillingStores} a copy of another through the ports (DESIGN §4.5), e.g. Supabase to Postgres:
 * customer links ({@code list} then {@code link}), subscriptions, invoices ({@code list*} then {@code upsert*},
 * versions kept), purchases ({@code recordPurchase}), inbox entries, usage counters, keys, meter reports,
 * memberships, guest purchases, the audit trail and the notice log ({@code list*} then {@code restore*}); and the
 * target's records the source does not have are removed ({@code remove*}).
 *
 * <ul>
 *   <li><b>A merge:</b> per record type, the source's and the target's listings are read side by side in their
 *       common order ({@link MigrationPass}): what only the source has is written, what differs (by canonical form,
 *       so also a change that kept its version, like an erasure's) is written again, what only the target has is
 *       removed. Any number of passes converge: after one, the target holds exactly the source's records.</li>
 *   <li><b>Batched:</b> the source is read a page of {@code batchSize} records at a time, the target alongside;
 *       a page's writes to the target run {@code writers} at a time (each a round trip or a few).</li>
 *   <li><b>Resumable:</b> after every batch the position of its record type (both sides) is saved in the
 *       {@link MigrationCheckpoint}; a new run with the same checkpoint continues that pass from there (types it
 *       finished are not read again; {@link #resumePositions}). A run over a checkpoint whose every type is done
 *       (the last run finished) is a new pass over everything.</li>
 *   <li><b>Safe to re-run:</b> records the target already holds as the source does are not written again, so a
 *       batch written twice (an interrupted run) is counted as already present, never duplicated.</li>
 *   <li><b>Dry run:</b> writes nothing (not even the checkpoint); it counts what a copy would write, change and
 *       remove, and verifies.</li>
 *   <li><b>Verified:</b> at the end, every record of every type is read again on both sides and counted and
 *       checksummed (order-independent; canonical forms in {@link CanonicalForms}), giving a
 *       {@link MigrationReport} whose {@link MigrationReport#matches()} says whether the target holds exactly the
 *       source's records.</li>
 * </ul>
 * Store failures ({@link dev.billing.core.error.StoreException}) propagate after the last finished batch has been
 * checkpointed. Records written to the source while the copy runs may be missed (listings are keyset-paged):
 * stop writes to the source first, or run again afterwards; the verification shows any difference.
 *
 * <p>Usage: {@code MigrationReport report = MigrateStores.from(supabase).to(postgres).batchSize(500)
 * .checkpoint(new FileMigrationCheckpoint(Path.of("migrate.checkpoint"))).listener(progress).run();}
 */
public final class MigrateStores {
    /** How many differing keys a report lists per record type at most. */
    public static final int MAX_DIFFERENCES = 20;
    /** Records per type up to which the verification keeps per-record digests to name what differs. */
    static final int MAX_RECORDS_COMPARED_BY_KEY = 200_000;
    /** A page's writes to the target run this many at a time unless told otherwise ({@link Builder#writers}). */
    public static final int DEFAULT_WRITERS = 8;
    /** The most writers a migration runs at once. */
    public static final int MAX_WRITERS = 64;

    private static final System.Logger LOG = System.getLogger(MigrateStores.class.getName());

    private final BillingStores source;
    /** Null for a dry run against a target that does not exist yet: it reads as empty. */
    private final BillingStores target;

    private final int batchSize;
    private final int writers;
    private final MigrationCheckpoint checkpoint;
    private final MigrationListener listener;
    private final boolean dryRun;
    private final Clock clock;

    private MigrateStores(Builder builder) {
        this.source = Objects.requireNonNull(builder.source, "source");
        this.target = builder.target;
        this.batchSize = builder.batchSize;
        this.writers = builder.writers;
        this.checkpoint = builder.checkpoint;
        this.listener = builder.listener;
        this.dryRun = builder.dryRun;
        this.clock = builder.clock;
    }

    /** Starts configuring a migration out of {@code source}. */
    public static Builder from(BillingStores source) {
        return new Builder(source);
    }

    /** Copies (unless a dry run) and verifies. */
    public MigrationReport run() {
        Instant started = clock.instant();
        List<Kind<?>> kinds = MigrationRecords.all();
        // A dry run plans a whole pass from the start and saves nothing.
        Map<MigrationRecordType, Position> resume = dryRun ? Map.of() : resumePositions(checkpoint);
        if (!dryRun && resume.isEmpty()) {
            // A new pass forgets the last one's positions: a stop in a type's first page then resumes that type,
            // instead of finding the finished pass's "done" on it and starting everything over.
            for (Kind<?> kind : kinds) {
                checkpoint.save(kind.type(), Position.START);
            }
        }
        List<Counts> copies = new ArrayList<>();
        try (PageWrites writes = new PageWrites(writers)) {
            for (Kind<?> kind : kinds) {
                Position position = resume.getOrDefault(kind.type(), Position.START);
                copies.add(position.done() ? Counts.NONE : copy(kind, position, writes));
            }
        }
        List<MigrationReport.TypeReport> reports = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i++) {
            MigrationReport.TypeReport report = verify(kinds.get(i), copies.get(i));
            listener.verified(report);
            reports.add(report);
        }
        MigrationReport report = new MigrationReport(dryRun, reports, Duration.between(started, clock.instant()));
        LOG.log(
                report.matches() ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                "Migration {0}: read {1}, written {2}, removed {3}, {4}",
                dryRun ? "dry run" : "run",
                report.read(),
                report.written(),
                report.removed(),
                report.matches()
                        ? "verified"
                        : "MISMATCH in " + report.mismatches().size() + " types");
        return report;
    }

    /**
     * Where a run with {@code checkpoint} resumes: the record types its pass finished or left part-copied, with their
     * saved positions. Every other type is copied from its start: all of them when the last pass finished (a new pass),
     * and those after the first unfinished one, which the pass has not reached (types are copied in order, so a "done"
     * such a type holds is an earlier pass's).
     */
    public static Map<MigrationRecordType, Position> resumePositions(MigrationCheckpoint checkpoint) {
        List<Kind<?>> kinds = MigrationRecords.all();
        Map<MigrationRecordType, Position> resume = new EnumMap<>(MigrationRecordType.class);
        for (Kind<?> kind : kinds) {
            Optional<Position> position = checkpoint.load(kind.type());
            if (position.isEmpty()) {
                break;
            }
            resume.put(kind.type(), position.get());
            if (!position.get().done()) {
                break;
            }
        }
        boolean finished =
                resume.size() == kinds.size() && resume.values().stream().allMatch(Position::done);
        return finished ? Map.of() : Collections.unmodifiableMap(resume);
    }

    private <T> Counts copy(Kind<T> kind, Position position, PageWrites writes) {
        return new MigrationPass<>(kind, source, target, batchSize, dryRun, checkpoint, listener, writes).run(position);
    }

    private <T> MigrationReport.TypeReport verify(Kind<T> kind, Counts copied) {
        Scan sourceScan = scan(kind, source);
        Scan targetScan = scan(kind, target);
        List<String> differences =
                sourceScan.tally().equals(targetScan.tally()) ? List.of() : differences(sourceScan, targetScan);
        return new MigrationReport.TypeReport(
                kind.type(),
                copied.read(),
                copied.written(),
                copied.changed(),
                copied.present(),
                copied.removed(),
                copied.conflicts(),
                sourceScan.tally(),
                targetScan.tally(),
                differences);
    }

    private <T> Scan scan(Kind<T> kind, BillingStores stores) {
        Checksum checksum = new Checksum();
        if (stores == null) {
            return new Scan(checksum.tally(), Map.of());
        }
        Map<String, String> digests = new HashMap<>();
        boolean complete = true;
        String cursor = null;
        Page<T> page;
        do {
            page = kind.lister().list(stores, cursor, batchSize);
            for (T record : page.items()) {
                byte[] digest = checksum.add(kind.canonical().apply(record));
                if (complete) {
                    if (digests.size() < MAX_RECORDS_COMPARED_BY_KEY) {
                        String previous = digests.put(
                                kind.key().apply(record), HexFormat.of().formatHex(digest));
                        if (previous != null) {
                            digests.put(kind.key().apply(record), "duplicate");
                        }
                    } else {
                        complete = false;
                        digests = Map.of();
                    }
                }
            }
            cursor = page.nextCursor();
        } while (page.hasMore());
        return new Scan(checksum.tally(), complete ? digests : null);
    }

    private static List<String> differences(Scan source, Scan target) {
        if (source.digests() == null || target.digests() == null) {
            return List.of(
                    "(too many records to list which ones differ: more than " + MAX_RECORDS_COMPARED_BY_KEY + ")");
        }
        List<String> differences = new ArrayList<>();
        source.digests().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String other = target.digests().get(e.getKey());
            if (other == null) {
                differences.add("missing in target: " + e.getKey());
            } else if (!other.equals(e.getValue())) {
                differences.add("different: " + e.getKey());
            }
        });
        target.digests().keySet().stream()
                .filter(k -> !source.digests().containsKey(k))
                .sorted()
                .forEach(k -> differences.add("only in target: " + k));
        if (differences.isEmpty()) {
            differences.add("(the same keys and records, listed a different number of times)");
        }
        return differences.size() <= MAX_DIFFERENCES
                ? differences
                : List.copyOf(differences.subList(0, MAX_DIFFERENCES));
    }

    /** A verification scan of one side: its tally, and per-key digests when there were few enough records. */
    private record Scan(MigrationReport.Tally tally, Map<String, String> digests) {}

    /** Count and sum modulo 2^256 of SHA-256 digests. */
    static final class Checksum {
        private final MessageDigest sha256;
        private final long[] sum = new long[4];
        private long count;

        Checksum() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
        }

        byte[] add(String canonical) {
            byte[] digest = sha256.digest(canonical.getBytes(StandardCharsets.UTF_8));
            long carry = 0;
            for (int word = 3; word >= 0; word--) {
                long value = 0;
                for (int b = 0; b < 8; b++) {
                    value = (value << 8) | (digest[word * 8 + b] & 0xFF);
                }
                long partial = sum[word] + value;
                long total = partial + carry;
                carry = (Long.compareUnsigned(partial, value) < 0 ? 1 : 0)
                        | (Long.compareUnsigned(total, partial) < 0 ? 1 : 0);
                sum[word] = total;
            }
            count++;
            return digest;
        }

        MigrationReport.Tally tally() {
            StringBuilder hex = new StringBuilder(64);
            for (long word : sum) {
                String part = Long.toHexString(word);
                hex.append("0".repeat(16 - part.length())).append(part);
            }
            return new MigrationReport.Tally(count, hex.toString());
        }
    }

    /** Configures a {@link MigrateStores}. */
    public static final class Builder {
        private final BillingStores source;
        private BillingStores target;
        private boolean emptyTarget;
        private int batchSize = 500;
        private int writers = DEFAULT_WRITERS;
        private MigrationCheckpoint checkpoint = new InMemoryMigrationCheckpoint();
        private MigrationListener listener = MigrationListener.NONE;
        private boolean dryRun;
        private Clock clock = Clock.systemUTC();

        private Builder(BillingStores source) {
            this.source = Objects.requireNonNull(source, "source");
        }

        /** The stores to copy into. */
        public Builder to(BillingStores target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        /**
         * A dry run against a target that does not exist yet (a database without the billing schema): it reads as
         * empty, so the report shows everything a copy would write.
         */
        public Builder toEmptyTarget() {
            this.emptyTarget = true;
            this.dryRun = true;
            return this;
        }

        /** Records per page read from the source (default 500). */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 10_000) {
                throw new IllegalArgumentException("batchSize must be between 1 and 10000, was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * How many of a page's writes to the target run at once (default {@value #DEFAULT_WRITERS}; 1 writes one
         * record at a time). Each writer holds a connection of the target's while it writes, so its pool needs as
         * many.
         */
        public Builder writers(int writers) {
            if (writers < 1 || writers > MAX_WRITERS) {
                throw new IllegalArgumentException("writers must be between 1 and " + MAX_WRITERS + ", was " + writers);
            }
            this.writers = writers;
            return this;
        }

        /** Where progress is saved (default: in memory, i.e. no resume across processes). */
        public Builder checkpoint(MigrationCheckpoint checkpoint) {
            this.checkpoint = Objects.requireNonNull(checkpoint, "checkpoint");
            return this;
        }

        public Builder listener(MigrationListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Writes nothing (target, checkpoint); counts what a copy would do, and verifies. */
        public Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        /** The clock that times the run (default UTC system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public MigrateStores build() {
            if (emptyTarget) {
                if (target != null || !dryRun) {
                    throw new IllegalStateException("an empty target is only for a dry run without to(...)");
                }
                return new MigrateStores(this);
            }
            if (target == null) {
                throw new IllegalStateException("a migration needs a target: call to(...)");
            }
            if (target.equals(source)) {
                throw new IllegalArgumentException("source and target are the same stores");
            }
            return new MigrateStores(this);
        }

        /** {@code build().run()}. */
        public MigrationReport run() {
            return build().run();
        }
    }
}
