package dev.billing.postgres;

import dev.billing.core.model.Page;
import java.util.List;
import java.util.function.Function;

/** Builds a {@link Page} from a query that fetched {@code limit + 1} rows (the extra row only says "there is more"). */
final class Pages {
    private Pages() {}

    static <T> Page<T> of(List<T> rows, int limit, Function<T, String> cursorOf) {
        if (rows.size() <= limit) {
            return new Page<>(rows, false, null);
        }
        List<T> items = rows.subList(0, limit);
        return new Page<>(items, true, cursorOf.apply(items.get(limit - 1)));
    }
}
