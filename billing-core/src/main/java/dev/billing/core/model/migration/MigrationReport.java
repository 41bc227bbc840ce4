package dev.billing.core.model.migration;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link dev.billing.core.migration.MigrateStores} run did and whether the target now holds exactly what the source holds: per record
 * type, what was read, written, changed and removed (a dry run: what a copy would do), and the verification (count
 * and order-independent checksum of every record, on both sides). {@link #matches()} is false as soon as one type
 * differs; the CLI exits non-zero then.
 *
 * <p>Usage: {@code if (!report.matches()) { System.err.print(report.summary()); System.exit(3); }}
 *
 * @param dryRun  nothing was written; the counts say what a copy would do, the verification compares the stores as
 *                they are
 * @param types   one entry per record type, in copy order
 * @param elapsed wall time of the run
 */
public record MigrationReport(boolean dryRun, List<TypeReport> types, Duration elapsed) {
    public MigrationReport {
        types = List.copyOf(types);
        Objects.requireNonNull(elapsed, "elapsed");
    }

    /** Every record type has the same count and checksum on both sides. */
    public boolean matches() {
        return types.stream().allMatch(TypeReport::matches);
    }

    /** The record types that differ. */
    public List<TypeReport> mismatches() {
        return types.stream().filter(t -> !t.matches()).toList();
    }

    /** Records read from the source by the copy in this run (0 in a dry run). */
    public long read() {
        return types.stream().mapToLong(TypeReport::read).sum();
    }

    /** Records the target took in this run (a dry run: would take), new or rewritten. */
    public long written() {
        return types.stream().mapToLong(TypeReport::written).sum();
    }

    /** Of {@link #written()}, the records that replaced a different one under the same key. */
    public long changed() {
        return types.stream().mapToLong(TypeReport::changed).sum();
    }

    /** Records removed from the target in this run (a dry run: would remove) because the source does not have them. */
    public long removed() {
        return types.stream().mapToLong(TypeReport::removed).sum();
    }

    /** A plain-text table for a terminal: one line per record type, then the verdict. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                "%-15s %10s %10s %9s %10s %9s %9s %12s %12s  %s%n",
                "records",
                "read",
                "written",
                "changed",
                "present",
                "removed",
                "conflicts",
                "source",
                "target",
                "verified"));
        for (TypeReport t : types) {
            s.append(String.format(
                    "%-15s %10d %10d %9d %10d %9d %9d %12d %12d  %s%n",
                    t.type().wireName(),
                    t.read(),
                    t.written(),
                    t.changed(),
                    t.alreadyPresent(),
                    t.removed(),
                    t.conflicts(),
                    t.source().count(),
                    t.target().count(),
                    t.matches() ? "ok" : "MISMATCH"));
            if (!t.matches()) {
                s.append(String.format(
                        "    checksum source %s%n    checksum target %s%n",
                        t.source().checksum(), t.target().checksum()));
                t.differences().forEach(d -> s.append("    ").append(d).append(System.lineSeparator()));
            }
        }
        s.append(dryRun ? "Nothing was written. " : "")
                .append(matches() ? "Source and target hold the same records." : "Source and target DIFFER.")
                .append(String.format(" (%d ms)%n", elapsed.toMillis()));
        return s.toString();
    }

    /**
     * One record type.
     *
     * @param read           records read from the source by the copy in this run (records a checkpoint said were
     *                       done are not read again); in a dry run, by the comparison that says what a copy would do
     * @param written        records the target took (a dry run: would take): new ones, and those that replaced a
     *                       different record under the same key
     * @param changed        of {@code written}, those that replaced a different record under the same key (content
     *                       compared by canonical form, so also a change that kept its version)
     * @param alreadyPresent records the target already held exactly as the source does
     * @param removed        records the target held and the source does not (an erasure moved them, say): removed
     *                       (a dry run: would be)
     * @param conflicts      records the target refused to take even after removing what stood in their way: the
     *                       verification shows them
     * @param source         count and checksum of every record in the source
     * @param target         count and checksum of every record in the target
     * @param differences    when they differ, up to {@value dev.billing.core.migration.MigrateStores#MAX_DIFFERENCES} keys that differ
     *                       ("missing in target: ...", "different: ...", "only in target: ..."), when the type was
     *                       small enough to compare record by record
     */
    public record TypeReport(
            MigrationRecordType type,
            long read,
            long written,
            long changed,
            long alreadyPresent,
            long removed,
            long conflicts,
            Tally source,
            Tally target,
            List<String> differences) {
        public TypeReport {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(target, "target");
            differences = List.copyOf(differences);
        }

        public boolean matches() {
            return source.equals(target);
        }
    }

    /**
     * The count of a store's records of one type and their checksum: the sum, modulo 2^256, of the SHA-256 of
     * every record's canonical form (see {@link dev.billing.core.migration.MigrateStores}), in hex. Independent of listing order; a missing,
     * extra, duplicated or changed record changes it.
     */
    public record Tally(long count, String checksum) {
        public Tally {
            Objects.requireNonNull(checksum, "checksum");
        }
    }
}
