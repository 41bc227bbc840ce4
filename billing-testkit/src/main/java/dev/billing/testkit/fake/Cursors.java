package dev.billing.testkit.fake;

import dev.billing.core.model.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Keyset paging over an already sorted list: the cursor is the last item's sort key. */
final class Cursors {
    private Cursors() {}

    static <T> Page<T> page(List<T> sorted, Function<T, String> key, String cursor, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        List<T> items = new ArrayList<>();
        boolean started = cursor == null;
        for (T item : sorted) {
            if (!started) {
                started = key.apply(item).compareTo(cursor) > 0;
                if (!started) {
                    continue;
                }
            }
            if (items.size() == limit) {
                return new Page<>(items, true, key.apply(items.get(items.size() - 1)));
            }
            items.add(item);
        }
        return new Page<>(items, false, null);
    }
}
