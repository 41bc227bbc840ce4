package dev.billing.emulator.state;

import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.Params;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Stripe list objects and cursor pagination ({@code limit}, {@code starting_after}, {@code ending_before}). */
public final class Lists {
    private Lists() {}

    /** One page of {@code newestFirst}, rendered, with {@code expand[]} applied to the list. */
    public static Map<String, Object> page(
            EmulatorState state, String url, List<Map<String, Object>> newestFirst, Params params) {
        long limit = limit(params);
        String startingAfter = params.strOrNull("starting_after");
        String endingBefore = params.strOrNull("ending_before");
        if (startingAfter != null && endingBefore != null) {
            throw ApiError.invalid(
                    "You may only specify one of these parameters: ending_before, starting_after.", "starting_after");
        }
        int from = 0;
        int to = newestFirst.size();
        boolean hasMore;
        List<Map<String, Object>> slice;
        if (endingBefore != null) {
            int idx = indexOf(newestFirst, endingBefore, "ending_before");
            to = idx;
            from = (int) Math.max(0, to - limit);
            slice = newestFirst.subList(from, to);
            hasMore = from > 0;
        } else {
            if (startingAfter != null) {
                from = indexOf(newestFirst, startingAfter, "starting_after") + 1;
            }
            to = (int) Math.min(newestFirst.size(), from + limit);
            slice = newestFirst.subList(from, to);
            hasMore = to < newestFirst.size();
        }
        Map<String, Object> list = listObject(state, url, slice, hasMore);
        return Expander.expand(state, list, params.expand());
    }

    static long limit(Params params) {
        Long limit = params.lng("limit");
        if (limit == null) {
            return 10;
        }
        if (limit < 1) {
            throw ApiError.invalid("This value must be greater than or equal to 1.", "limit");
        }
        if (limit > 100) {
            throw ApiError.invalid("This value must be less than or equal to 100.", "limit");
        }
        return limit;
    }

    private static int indexOf(List<Map<String, Object>> items, String id, String param) {
        for (int i = 0; i < items.size(); i++) {
            if (id.equals(items.get(i).get("id"))) {
                return i;
            }
        }
        throw ApiError.invalid("resource_missing", "No such object: '" + id + "'", param);
    }

    static Map<String, Object> listObject(
            EmulatorState state, String url, List<Map<String, Object>> items, boolean hasMore) {
        List<Object> data = new ArrayList<>();
        for (Map<String, Object> item : items) {
            data.add(state.render(item));
        }
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("object", "list");
        list.put("data", data);
        list.put("has_more", hasMore);
        list.put("url", url);
        return list;
    }

    /** A complete embedded list (e.g. subscription items), with {@code total_count}. */
    static Map<String, Object> fullList(EmulatorState state, String url, List<Map<String, Object>> items) {
        Map<String, Object> list = listObject(state, url, items, false);
        list.put("total_count", (long) items.size());
        return list;
    }

    /** A Stripe search result page; {@code page} is an opaque offset token. */
    public static Map<String, Object> searchPage(
            EmulatorState state, String url, List<Map<String, Object>> matches, Params params) {
        long limit = limit(params);
        int offset = 0;
        String page = params.strOrNull("page");
        if (page != null) {
            try {
                offset = Integer.parseInt(new String(Base64.getUrlDecoder().decode(page), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw ApiError.invalid("Invalid page token.", "page");
            }
        }
        int from = Math.min(offset, matches.size());
        int to = (int) Math.min(matches.size(), from + limit);
        List<Object> data = new ArrayList<>();
        for (Map<String, Object> item : matches.subList(from, to)) {
            data.add(state.render(item));
        }
        boolean hasMore = to < matches.size();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("object", "search_result");
        result.put("data", data);
        result.put("has_more", hasMore);
        result.put(
                "next_page",
                hasMore
                        ? Base64.getUrlEncoder()
                                .withoutPadding()
                                .encodeToString(Integer.toString(to).getBytes(StandardCharsets.UTF_8))
                        : null);
        result.put("url", url);
        return Expander.expand(state, result, params.expand());
    }
}
