package dev.billing.emulator.wire;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes Stripe's {@code application/x-www-form-urlencoded} bracket notation
 * ({@code metadata[user_id]=u1}, {@code line_items[0][price]=p}, {@code expand[]=customer}) into
 * nested maps and lists of strings.
 */
public final class FormCodec {
    private FormCodec() {}

    /** The raw key/value pairs, decoded, in order. */
    public static List<Map.Entry<String, String>> pairs(String encoded) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        if (encoded == null || encoded.isEmpty()) {
            return pairs;
        }
        for (String part : encoded.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String key = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            pairs.add(Map.entry(decode(key), decode(value)));
        }
        return pairs;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** Decodes into a tree of {@code Map<String,Object>}, {@code List<Object>} and strings. */
    public static Map<String, Object> decodeTree(String encoded) {
        return tree(pairs(encoded));
    }

    public static Map<String, Object> tree(List<Map.Entry<String, String>> pairs) {
        Map<String, Object> root = new LinkedHashMap<>();
        for (Map.Entry<String, String> pair : pairs) {
            List<String> path = parseKey(pair.getKey());
            if (path.isEmpty()) {
                continue;
            }
            insert(root, path, pair.getValue());
        }
        return normalize(root);
    }

    static List<String> parseKey(String key) {
        List<String> segments = new ArrayList<>();
        int bracket = key.indexOf('[');
        if (bracket < 0) {
            segments.add(key);
            return segments;
        }
        segments.add(key.substring(0, bracket));
        int i = bracket;
        while (i < key.length() && key.charAt(i) == '[') {
            int close = key.indexOf(']', i);
            if (close < 0) {
                // Malformed: treat the rest literally.
                segments.add(key.substring(i + 1));
                break;
            }
            segments.add(key.substring(i + 1, close));
            i = close + 1;
        }
        return segments;
    }

    /** Appends ("[]") are keyed with a marker so they can be turned into list positions. */
    @SuppressWarnings("unchecked")
    private static void insert(Map<String, Object> node, List<String> path, String value) {
        Map<String, Object> current = node;
        for (int i = 0; i < path.size(); i++) {
            String segment = path.get(i);
            boolean last = i == path.size() - 1;
            if (segment.isEmpty()) {
                segment = "\u0000" + current.size();
            }
            if (last) {
                current.put(segment, value);
                return;
            }
            Object child = current.get(segment);
            if (!(child instanceof Map)) {
                child = new LinkedHashMap<String, Object>();
                current.put(segment, child);
            }
            current = (Map<String, Object>) child;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> normalize(Map<String, Object> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, v instanceof Map ? normalizeValue((Map<String, Object>) v) : v));
        return out;
    }

    /** A map whose keys are all indexes (or appends) becomes a list ordered by index. */
    @SuppressWarnings("unchecked")
    private static Object normalizeValue(Map<String, Object> map) {
        boolean allIndexes = !map.isEmpty();
        for (String key : map.keySet()) {
            if (!(key.startsWith("\u0000") || (key.length() <= 9 && key.chars().allMatch(Character::isDigit)))
                    || key.isEmpty()) {
                allIndexes = false;
                break;
            }
        }
        if (!allIndexes) {
            return normalize(map);
        }
        List<Map.Entry<String, Object>> entries = new ArrayList<>(map.entrySet());
        boolean anyAppend = map.keySet().stream().anyMatch(k -> k.startsWith("\u0000"));
        if (!anyAppend) {
            entries.sort((a, b) -> Long.compare(Long.parseLong(a.getKey()), Long.parseLong(b.getKey())));
        }
        List<Object> list = new ArrayList<>();
        for (Map.Entry<String, Object> e : entries) {
            Object v = e.getValue();
            list.add(v instanceof Map ? normalizeValue((Map<String, Object>) v) : v);
        }
        return list;
    }
}
