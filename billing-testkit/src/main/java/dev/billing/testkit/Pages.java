package dev.billing.testkit;

import dev.billing.core.model.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Every item of a keyset listing of the ports ({@code (cursor, limit) -> Page}), read page by page from the start.
 *
 * <p>Usage: {@code List<MeterReport> all = Pages.all(usage::listReports, 500);}
 */
public final class Pages {
    private Pages() {}

    public static <T> List<T> all(BiFunction<String, Integer, Page<T>> list, int pageSize) {
        List<T> all = new ArrayList<>();
        String cursor = null;
        do {
            Page<T> page = list.apply(cursor, pageSize);
            all.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }
}
