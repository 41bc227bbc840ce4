package dev.billing.core.migration;

import dev.billing.core.migration.MigrationRecords.Kind;
import dev.billing.core.migration.MigrationRecords.Outcome;
import dev.billing.core.model.Page;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.MigrationCheckpoint;
import dev.billing.core.port.MigrationCheckpoint.Position;
import dev.billing.core.port.MigrationListener;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One record type's pass of {@link MigrateStores}: the source's and the target's listings, which both stores sort
 * by the same order ({@link Kind#order()}), are read side by side a page at a time, like a merge join. A record only
 * the source has is written; one both have is compared by its canonical form and, when it differs, written again
 * (removed first when the target's port will not overwrite it: a same-version change, an insert-once row); one only
 * the target has is removed. So after a pass the target holds exactly the source's records, whatever changed or
 * disappeared in the source since the last one, and any number of passes converge.
 *
 * <p>Memory holds one page of each side. After every page of the source the position is saved: the source's cursor,
 * the cursor of the target page being read and the order key of the last record done, so a resumed pass reads that
 * target page again and skips what it had passed. In a dry run nothing is written or removed: the pass only counts
 * what it would do.
 *
 * <p>A page's writes and removals are decided first and then run side by side ({@link PageWrites}), before its
 * position is saved: each touches its own key, and the target's listing has already been read past every one of
 * them, so their order does not matter. A write that would have to remove another record standing in its way (a link
 * whose customer another user holds) is done again alone once the others have finished
 * ({@link Outcome#HELD_BY_ANOTHER}).
 */
final class MigrationPass<T> {
    private static final System.Logger LOG = System.getLogger(MigrationPass.class.getName());

    private final Kind<T> kind;
    private final BillingStores source;
    /** Null: a target that does not exist yet (a dry run), read as empty. */
    private final BillingStores target;

    private final int batchSize;
    private final boolean dryRun;
    private final MigrationCheckpoint checkpoint;
    private final MigrationListener listener;
    private final PageWrites writes;

    private long read;
    private long written;
    private long changed;
    private long present;
    private long removed;
    private long conflicts;

    MigrationPass(
            Kind<T> kind,
            BillingStores source,
            BillingStores target,
            int batchSize,
            boolean dryRun,
            MigrationCheckpoint checkpoint,
            MigrationListener listener,
            PageWrites writes) {
        this.kind = kind;
        this.source = source;
        this.target = target;
        this.batchSize = batchSize;
        this.dryRun = dryRun;
        this.checkpoint = checkpoint;
        this.listener = listener;
        this.writes = writes;
    }

    /** What the pass of one type did (a dry run: would do). */
    record Counts(long read, long written, long changed, long present, long removed, long conflicts) {
        static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0);
    }

    /**
     * What one write or removal did, added to the pass's counts once its page is done; or, with {@code alone} set,
     * the write to do again once the page's other writes have finished.
     */
    private record Done(long written, long changed, long present, long removed, long conflicts, Supplier<Done> alone) {
        static final Done NOTHING = new Done(0, 0, 0, 0, 0, null);

        Done(long written, long changed, long present, long removed, long conflicts) {
            this(written, changed, present, removed, conflicts, null);
        }

        static Done later(Supplier<Done> alone) {
            return new Done(0, 0, 0, 0, 0, alone);
        }
    }

    /** Runs the pass from {@code from} (its start, or where an interrupted run stopped) to the end. */
    Counts run(Position from) {
        Resume at = Resume.decode(from.cursor());
        long copied = from.copied();
        if (at == null) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "Migration: the checkpoint of {0} was written by an earlier version; " + "that type starts over",
                    kind.type().wireName());
            at = Resume.START;
            copied = 0;
        }
        long total = kind.total().applyAsLong(source);
        Side targetSide = new Side(target, at.target(), at.last());
        String cursor = at.source();
        List<String> last = at.last();
        Page<T> page;
        do {
            page = kind.lister().list(source, cursor, batchSize);
            List<Supplier<Done>> pending = new ArrayList<>();
            for (T record : page.items()) {
                List<String> order = kind.order().apply(record);
                last = checkAscending(last, order, "source");
                T head = targetSide.peek();
                while (head != null && MigrationRecords.compare(kind.order().apply(head), order) < 0) {
                    targetSide.take();
                    targetOnly(head, pending);
                    head = targetSide.peek();
                }
                if (head != null && MigrationRecords.compare(kind.order().apply(head), order) == 0) {
                    targetSide.take();
                    if (kind.canonical().apply(head).equals(kind.canonical().apply(record))) {
                        present++;
                    } else {
                        rewrite(record, head, pending);
                    }
                } else {
                    write(record, pending);
                }
            }
            read += page.items().size();
            copied += page.items().size();
            cursor = page.nextCursor();
            if (!page.hasMore()) {
                for (T head = targetSide.take(); head != null; head = targetSide.take()) {
                    targetOnly(head, pending);
                }
            }
            List<Supplier<Done>> alone = new ArrayList<>();
            List<Done> results = new ArrayList<>(writes.runAll(pending));
            for (Done done : results) {
                if (done.alone() != null) {
                    alone.add(done.alone());
                }
            }
            for (Supplier<Done> write : alone) {
                results.add(write.get());
            }
            for (Done done : results) {
                written += done.written();
                changed += done.changed();
                present += done.present();
                removed += done.removed();
                conflicts += done.conflicts();
            }
            if (!dryRun) {
                checkpoint.save(
                        kind.type(),
                        new Position(
                                new Resume(cursor, targetSide.resumeCursor(), last).encode(), copied, !page.hasMore()));
            }
            listener.copied(kind.type(), copied, total);
        } while (page.hasMore());
        if (removed > 0 && !dryRun) {
            // Counts only: the keys name people (an erased user's id is what an erasure removes).
            LOG.log(
                    System.Logger.Level.INFO,
                    "Migration: removed {0} {1} records the source does not have",
                    removed,
                    kind.type().wireName());
        }
        return new Counts(read, written, changed, present, removed, conflicts);
    }

    /** A record the target lacks. */
    private void write(T record, List<Supplier<Done>> pending) {
        if (dryRun) {
            written++;
            return;
        }
        pending.add(() -> {
            Outcome outcome = kind.writer().write(target, record, false);
            return outcome == Outcome.HELD_BY_ANOTHER
                    ? Done.later(() -> done(kind.writer().write(target, record, true), false))
                    : done(outcome, false);
        });
    }

    /** A record the target holds otherwise: written over it, or in its place once it is removed. */
    private void rewrite(T record, T held, List<Supplier<Done>> pending) {
        if (dryRun) {
            written++;
            changed++;
            return;
        }
        pending.add(() -> replace(record, held, false));
    }

    private Done replace(T record, T held, boolean alone) {
        Outcome outcome = kind.writer().write(target, record, alone);
        if (outcome != Outcome.WRITTEN
                && outcome != Outcome.WRITTEN_AFTER_REMOVING
                && outcome != Outcome.HELD_BY_ANOTHER) {
            kind.remover().remove(target, held);
            outcome = kind.writer().write(target, record, alone);
        }
        return outcome == Outcome.HELD_BY_ANOTHER && !alone
                ? Done.later(() -> replace(record, held, true))
                : done(outcome, true);
    }

    private Done done(Outcome outcome, boolean replacing) {
        return switch (outcome) {
            case WRITTEN -> new Done(1, replacing ? 1 : 0, 0, 0, 0);
            case WRITTEN_AFTER_REMOVING -> new Done(1, replacing ? 1 : 0, 0, 1, 0);
            case ALREADY_PRESENT -> new Done(0, 0, 1, 0, 0);
            case CONFLICT, HELD_BY_ANOTHER -> {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "Migration: the target refused a {0} record even after removing " + "what stood in its way",
                        kind.type().wireName());
                yield new Done(0, 0, 0, 0, 1);
            }
        };
    }

    /** A record only the target holds: the source no longer has it (or never had it). */
    private void targetOnly(T record, List<Supplier<Done>> pending) {
        if (dryRun) {
            if (kind.inSource() == null || !kind.inSource().has(source, record)) {
                removed++;
            }
            return;
        }
        pending.add(() -> {
            if (kind.inSource() != null && kind.inSource().has(source, record)) {
                return Done.NOTHING; // listed elsewhere by the source: written (or found) where the source lists it
            }
            return kind.remover().remove(target, record) ? new Done(0, 0, 0, 1, 0) : Done.NOTHING;
        });
    }

    /**
     * The listings must agree on the order, or a record would look missing from one side; a store that lists
     * otherwise stops the copy before it removes anything it should not. The inbox's order is checked by lookups
     * instead ({@link Kind#inSource()}).
     */
    private List<String> checkAscending(List<String> previous, List<String> next, String side) {
        if (kind.inSource() == null && previous != null && MigrationRecords.compare(previous, next) >= 0) {
            throw new IllegalStateException(
                    "The " + side + " store lists " + kind.type().wireName()
                            + " out of the order the migration compares them in (byte order of their keys); it cannot tell "
                            + "which records one side lacks");
        }
        return next;
    }

    /** The target's listing, read a page at a time as the merge needs it. */
    private final class Side {
        private final BillingStores stores;
        /** Records at or before this key were done by an earlier run: skipped once, at the start. */
        private List<String> skipThrough;

        private List<T> buffer = List.of();
        private int index;
        private String bufferCursor;
        private String nextCursor;
        private boolean more;
        private List<String> previous;

        Side(BillingStores stores, String cursor, List<String> skipThrough) {
            this.stores = stores;
            this.skipThrough = skipThrough;
            this.nextCursor = cursor;
            this.more = stores != null;
        }

        T peek() {
            while (true) {
                while (index < buffer.size()) {
                    T head = buffer.get(index);
                    List<String> order = kind.order().apply(head);
                    if (skipThrough != null && MigrationRecords.compare(order, skipThrough) <= 0) {
                        index++;
                        continue;
                    }
                    skipThrough = null;
                    return head;
                }
                if (!more) {
                    return null;
                }
                Page<T> page = kind.lister().list(stores, nextCursor, batchSize);
                for (T record : page.items()) {
                    previous = checkAscending(previous, kind.order().apply(record), "target");
                }
                bufferCursor = nextCursor;
                buffer = new ArrayList<>(page.items());
                index = 0;
                nextCursor = page.nextCursor();
                more = page.hasMore();
            }
        }

        T take() {
            T head = peek();
            if (head != null) {
                index++;
            }
            return head;
        }

        /** Where a resumed run reads the target again: the page being read, or the next one. */
        String resumeCursor() {
            return index < buffer.size() || !more ? bufferCursor : nextCursor;
        }
    }

    /**
     * Where a pass stands, as the checkpoint's cursor: the source's cursor, the target's and the order key of the
     * last record done, each part {@code <length>:<text>;} or {@code -;} for none, after a version tag.
     */
    record Resume(String source, String target, List<String> last) {
        static final Resume START = new Resume(null, null, null);
        private static final String TAG = "pass1;";

        String encode() {
            StringBuilder s = new StringBuilder(TAG);
            part(s, source);
            part(s, target);
            s.append(last == null ? -1 : last.size()).append(';');
            if (last != null) {
                last.forEach(p -> part(s, p));
            }
            return s.toString();
        }

        /** Null when the text is not one {@link #encode} wrote (a checkpoint of an earlier version). */
        static Resume decode(String text) {
            if (text == null) {
                return START;
            }
            if (!text.startsWith(TAG)) {
                return null;
            }
            try {
                int[] at = {TAG.length()};
                String source = part(text, at);
                String target = part(text, at);
                int end = text.indexOf(';', at[0]);
                int parts = Integer.parseInt(text.substring(at[0], end));
                at[0] = end + 1;
                List<String> last = null;
                if (parts >= 0) {
                    last = new ArrayList<>(parts);
                    for (int i = 0; i < parts; i++) {
                        last.add(part(text, at));
                    }
                }
                return at[0] == text.length() ? new Resume(source, target, last) : null;
            } catch (RuntimeException e) {
                return null;
            }
        }

        private static void part(StringBuilder s, String value) {
            if (value == null) {
                s.append("-;");
            } else {
                s.append(value.length()).append(':').append(value).append(';');
            }
        }

        private static String part(String text, int[] at) {
            if (text.startsWith("-;", at[0])) {
                at[0] += 2;
                return null;
            }
            int colon = text.indexOf(':', at[0]);
            int length = Integer.parseInt(text.substring(at[0], colon));
            String value = text.substring(colon + 1, colon + 1 + length);
            if (text.charAt(colon + 1 + length) != ';') {
                throw new IllegalArgumentException("not a pass position");
            }
            at[0] = colon + 2 + length;
            return value;
        }
    }
}
