package dev.billing.emulator.wire;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Typed, Stripe-error-raising access to decoded request parameters. */
public final class Params {
    private final Map<String, Object> values;
    private final String prefix;

    public Params(Map<String, Object> values) {
        this(values, "");
    }

    private Params(Map<String, Object> values, String prefix) {
        this.values = values == null ? Map.of() : values;
        this.prefix = prefix;
    }

    public Map<String, Object> raw() {
        return values;
    }

    public String name(String key) {
        return prefix.isEmpty() ? key : prefix + "[" + key + "]";
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public Set<String> keys() {
        return values.keySet();
    }

    String str(String key) {
        Object v = values.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof String s) {
            return s;
        }
        throw ApiError.invalid("Invalid string: " + name(key) + " must be a string, not an object.", name(key));
    }

    /** A string where an empty value means "unset" (null). */
    public String strOrNull(String key) {
        String s = str(key);
        return s == null || s.isEmpty() ? null : s;
    }

    public String requireStr(String key) {
        String s = str(key);
        if (s == null || s.isEmpty()) {
            throw ApiError.missingParam(name(key));
        }
        return s;
    }

    public Long lng(String key) {
        String s = str(key);
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw ApiError.invalid("Invalid integer: " + s, name(key));
        }
    }

    public long lng(String key, long fallback) {
        Long v = lng(key);
        return v == null ? fallback : v;
    }

    public long requireLng(String key) {
        Long v = lng(key);
        if (v == null) {
            throw ApiError.missingParam(name(key));
        }
        return v;
    }

    public Double dbl(String key) {
        String s = str(key);
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw ApiError.invalid("Invalid decimal: " + s, name(key));
        }
    }

    public Boolean bool(String key) {
        String s = str(key);
        if (s == null || s.isEmpty()) {
            return null;
        }
        return switch (s) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw ApiError.invalid("Invalid boolean: " + s, name(key));
        };
    }

    public boolean bool(String key, boolean fallback) {
        Boolean b = bool(key);
        return b == null ? fallback : b;
    }

    public String oneOf(String key, String fallback, String... allowed) {
        String s = str(key);
        if (s == null || s.isEmpty()) {
            return fallback;
        }
        for (String a : allowed) {
            if (a.equals(s)) {
                return s;
            }
        }
        throw ApiError.invalid("Invalid " + name(key) + ": must be one of " + String.join(", ", allowed), name(key));
    }

    /** A nested hash; lists are accepted as index-keyed hashes. */
    @SuppressWarnings("unchecked")
    public Params sub(String key) {
        Object v = values.get(key);
        if (v == null || "".equals(v)) {
            return null;
        }
        if (v instanceof Map<?, ?> m) {
            return new Params((Map<String, Object>) m, name(key));
        }
        if (v instanceof List<?> list) {
            Map<String, Object> asMap = new LinkedHashMap<>();
            for (int i = 0; i < list.size(); i++) {
                asMap.put(Integer.toString(i), list.get(i));
            }
            return new Params(asMap, name(key));
        }
        throw ApiError.invalid("Invalid hash", name(key));
    }

    /** A nested array of hashes ({@code line_items[0][price]}). */
    @SuppressWarnings("unchecked")
    public List<Params> subList(String key) {
        Object v = values.get(key);
        List<Params> out = new ArrayList<>();
        if (v == null || "".equals(v)) {
            return out;
        }
        List<Object> items = asList(v, key);
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            if (!(item instanceof Map)) {
                throw ApiError.invalid("Invalid array", name(key));
            }
            out.add(new Params((Map<String, Object>) item, name(key) + "[" + i + "]"));
        }
        return out;
    }

    /** A nested array of strings ({@code expand[]=a}, {@code lookup_keys[0]=b}). */
    public List<String> strList(String key) {
        Object v = values.get(key);
        List<String> out = new ArrayList<>();
        if (v == null || "".equals(v)) {
            return out;
        }
        if (v instanceof String s) {
            out.add(s);
            return out;
        }
        for (Object item : asList(v, key)) {
            if (!(item instanceof String s)) {
                throw ApiError.invalid("Invalid array", name(key));
            }
            out.add(s);
        }
        return out;
    }

    private List<Object> asList(Object v, String key) {
        if (v instanceof List<?> list) {
            return new ArrayList<>(list);
        }
        if (v instanceof Map<?, ?> map) {
            return new ArrayList<>(map.values());
        }
        throw ApiError.invalid("Invalid array", name(key));
    }

    public List<String> expand() {
        return strList("expand");
    }

    /**
     * Applies Stripe metadata semantics onto {@code target}: {@code metadata[k]=v} sets, an empty
     * value deletes the key, {@code metadata=} clears everything.
     */
    @SuppressWarnings("unchecked")
    public void applyMetadata(Map<String, Object> target, String key) {
        if (!values.containsKey(key)) {
            return;
        }
        Object v = values.get(key);
        Map<String, Object> metadata = (Map<String, Object>) target.get(key);
        if (metadata == null) {
            metadata = new LinkedHashMap<>();
            target.put(key, metadata);
        }
        if ("".equals(v)) {
            metadata.clear();
            return;
        }
        Params sub = sub(key);
        if (sub == null) {
            return;
        }
        for (String k : sub.keys()) {
            Object value = sub.values.get(k);
            if (!(value instanceof String s)) {
                throw ApiError.invalid("Invalid metadata value for " + sub.name(k), sub.name(k));
            }
            if (s.isEmpty()) {
                metadata.remove(k);
            } else {
                metadata.put(k, s);
            }
        }
    }

    public static Map<String, Object> metadataFrom(Params p, String key) {
        Map<String, Object> target = new LinkedHashMap<>();
        target.put(key, new LinkedHashMap<String, Object>());
        if (p != null) {
            p.applyMetadata(target, key);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) target.get(key);
        return m;
    }
}
