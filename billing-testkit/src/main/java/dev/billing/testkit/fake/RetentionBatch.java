package dev.billing.testkit.fake;

import java.util.Collection;
import java.util.Iterator;
import java.util.function.Predicate;

/** The fakes' retention batch: what the stores' one-statement deletes do, in iteration order. */
final class RetentionBatch {
    private RetentionBatch() {}

    /** Removes the first {@code max} rows that {@code expired} accepts; how many it removed. */
    static <T> int remove(Collection<T> rows, Predicate<? super T> expired, int max) {
        int removed = 0;
        for (Iterator<T> it = rows.iterator(); it.hasNext() && removed < max; ) {
            if (expired.test(it.next())) {
                it.remove();
                removed++;
            }
        }
        return removed;
    }
}
