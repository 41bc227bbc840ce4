package dev.billing.core.model;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list. {@code nextCursor} is opaque: pass it back to get the next page; it is null when
 * {@code hasMore} is false.
 */
public record Page<T>(List<T> items, boolean hasMore, String nextCursor) {
    public Page {
        Checks.noNulls(items, "items");
        items = List.copyOf(items);
        if (hasMore && (nextCursor == null || nextCursor.isBlank())) {
            throw new IllegalArgumentException("a page with more items needs a nextCursor");
        }
        if (!hasMore) {
            nextCursor = null;
        }
    }

    public static <T> Page<T> last(List<T> items) {
        return new Page<>(items, false, null);
    }

    public static <T> Page<T> empty() {
        return new Page<>(List.of(), false, null);
    }

    public <R> Page<R> map(Function<? super T, ? extends R> mapper) {
        return new Page<>(items.stream().<R>map(mapper).toList(), hasMore, nextCursor);
    }
}
