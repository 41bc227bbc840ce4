package dev.billing.supabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.Page;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Keyset paging: a page asks for one row more than it returns (to know whether more follow), and its cursor is
 * the last row's sort key, opaque to callers (base64url of a JSON array of the key's parts).
 */
final class Keyset {
    /** Rows per request, below PostgREST's {@code db-max-rows} (1000 on Supabase) so the extra row always fits. */
    static final int MAX_PAGE = 500;

    /**
     * The order of {@code COLLATE "C"} on UTF-8 text (bytes, i.e. code points), which is how every billing listing
     * is sorted in the database whatever its collation.
     */
    static final java.util.Comparator<String> BYTE_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    };

    private Keyset() {}

    /** What to return for a requested limit; the request asks for one more. */
    static int pageSize(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        return Math.min(limit, MAX_PAGE);
    }

    static <T> Page<T> page(List<T> fetched, int pageSize, Function<T, String> cursorOf) {
        if (fetched.size() <= pageSize) {
            return new Page<>(fetched, false, null);
        }
        List<T> items = fetched.subList(0, pageSize);
        return new Page<>(items, true, cursorOf.apply(items.get(pageSize - 1)));
    }

    /**
     * Every row of a keyset-ordered read, up to {@code max}, asked for {@code pageSize} rows at a time: {@code next}
     * gets the last row so far (null at first) and how many rows to ask for, and answers those after it. A short
     * answer is the last. For reads that return all of something, since PostgREST cuts every answer at
     * {@code db-max-rows} without saying so.
     */
    static <T> List<T> collect(int max, int pageSize, BiFunction<T, Integer, List<T>> next) {
        List<T> rows = new ArrayList<>();
        T last = null;
        while (rows.size() < max) {
            int ask = Math.min(pageSize, max - rows.size());
            List<T> page = next.apply(last, ask);
            rows.addAll(page);
            if (page.size() < ask) {
                break;
            }
            last = page.get(page.size() - 1);
        }
        return rows;
    }

    static String encode(String... parts) {
        ArrayNode array = PostgrestClient.JSON.createArrayNode();
        for (String part : parts) {
            array.add(part);
        }
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(array.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The parts of a cursor this store made, or an {@link InvalidRequestException} for anything else. */
    static List<String> decode(String cursor, int parts) {
        try {
            JsonNode array =
                    PostgrestClient.JSON.readTree(Base64.getUrlDecoder().decode(cursor));
            if (array != null && array.isArray() && array.size() == parts) {
                List<String> values = new ArrayList<>(parts);
                for (JsonNode part : array) {
                    if (!part.isTextual()) {
                        throw new IllegalArgumentException("not text");
                    }
                    values.add(part.asText());
                }
                return values;
            }
        } catch (IOException | IllegalArgumentException e) {
            // fall through
        }
        throw new InvalidRequestException("invalid_cursor", "cursor", "The cursor is not one this list returned.");
    }
}
