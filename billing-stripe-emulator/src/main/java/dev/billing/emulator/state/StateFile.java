package dev.billing.emulator.state;

import dev.billing.emulator.wire.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The emulator's state as one JSON document, and back. The emulated objects are plain maps and
 * lists, some of them shared (a subscription's {@code items.data} holds the very maps stored as
 * {@code si_} objects, the event log holds the stored events), so the encoding keeps identity: a
 * map or list reachable more than once is written once under {@code shared} and referenced as
 * {@code {"$emulator_ref": n}} everywhere, and decoding hands out one instance per reference again.
 * Numbers come back as {@code Long} (or {@code Double}), as the emulator stores them.
 *
 * <p>Usage: {@code String json = StateFile.encode(roots); Map<String, Object> roots =
 * StateFile.decode(json);}
 */
final class StateFile {
    static final String FORMAT = "billing-stripe-emulator-state";
    static final long VERSION = 1;
    private static final String REF = "$emulator_ref";

    private StateFile() {}

    /** Encodes a tree of roots (a map of name to value) with shared containers written once. */
    static String encode(Map<String, Object> roots) {
        IdentityHashMap<Object, Integer> seen = new IdentityHashMap<>();
        count(roots, seen);
        Encoder encoder = new Encoder(seen);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", FORMAT);
        doc.put("version", VERSION);
        Map<String, Object> encodedRoots = new LinkedHashMap<>();
        roots.forEach((k, v) -> encodedRoots.put(k, encoder.encode(v)));
        doc.put("roots", encodedRoots);
        doc.put("shared", encoder.shared);
        return Json.write(doc);
    }

    /** Decodes what {@link #encode} wrote; shared containers become shared instances again. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> decode(String json) {
        Map<String, Object> doc = Json.parseObject(json);
        if (!FORMAT.equals(doc.get("format"))) {
            throw new IllegalArgumentException("not an emulator state file (format " + doc.get("format") + ")");
        }
        if (!Long.valueOf(VERSION).equals(doc.get("version"))) {
            throw new IllegalArgumentException("unsupported emulator state version " + doc.get("version")
                    + " (this emulator reads version " + VERSION + ")");
        }
        Object shared = doc.get("shared");
        Object roots = doc.get("roots");
        if (!(shared instanceof Map) || !(roots instanceof Map)) {
            throw new IllegalArgumentException("an emulator state file needs roots and shared");
        }
        Decoder decoder = new Decoder((Map<String, Object>) shared);
        Map<String, Object> out = new LinkedHashMap<>();
        ((Map<String, Object>) roots).forEach((k, v) -> out.put(k, decoder.decode(v)));
        return out;
    }

    /** Writes {@code text} to {@code file} through a temporary file and a rename, so a crash never leaves half a file. */
    static void write(Path file, String text) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write emulator state to " + file, e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read emulator state from " + file, e);
        }
    }

    private static void count(Object value, IdentityHashMap<Object, Integer> seen) {
        if (!(value instanceof Map) && !(value instanceof List)) {
            return;
        }
        Integer before = seen.merge(value, 1, Integer::sum);
        if (before > 1) {
            return; // its content is counted once
        }
        if (value instanceof Map<?, ?> map) {
            map.values().forEach(v -> count(v, seen));
        } else {
            ((List<?>) value).forEach(v -> count(v, seen));
        }
    }

    private static final class Encoder {
        private final IdentityHashMap<Object, Integer> counts;
        private final IdentityHashMap<Object, String> refs = new IdentityHashMap<>();
        private final Map<String, Object> shared = new LinkedHashMap<>();

        Encoder(IdentityHashMap<Object, Integer> counts) {
            this.counts = counts;
        }

        Object encode(Object value) {
            if (!(value instanceof Map) && !(value instanceof List)) {
                if (value != null
                        && !(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                    throw new IllegalStateException("the emulator holds a value JSON cannot keep: "
                            + value.getClass().getName());
                }
                return value;
            }
            if (counts.getOrDefault(value, 1) < 2) {
                return content(value);
            }
            String ref = refs.get(value);
            if (ref == null) {
                ref = Integer.toString(refs.size() + 1);
                refs.put(value, ref);
                shared.put(ref, null); // reserve the slot before the content (cycles)
                shared.put(ref, content(value));
            }
            return Map.of(REF, ref);
        }

        private Object content(Object value) {
            if (value instanceof Map<?, ?> map) {
                Map<String, Object> out = new LinkedHashMap<>();
                map.forEach((k, v) -> out.put((String) k, encode(v)));
                return out;
            }
            List<Object> out = new ArrayList<>();
            ((List<?>) value).forEach(v -> out.add(encode(v)));
            return out;
        }
    }

    private static final class Decoder {
        private final Map<String, Object> shared;
        private final Map<String, Object> instances = new HashMap<>();

        Decoder(Map<String, Object> shared) {
            this.shared = shared;
        }

        @SuppressWarnings("unchecked")
        Object decode(Object value) {
            if (value instanceof Map<?, ?> map) {
                if (map.size() == 1 && map.get(REF) instanceof String ref) {
                    return resolve(ref);
                }
                Map<String, Object> out = new LinkedHashMap<>();
                fill(out, (Map<String, Object>) map);
                return out;
            }
            if (value instanceof List<?> list) {
                List<Object> out = new ArrayList<>(list.size());
                fill(out, list);
                return out;
            }
            return value;
        }

        @SuppressWarnings("unchecked")
        private Object resolve(String ref) {
            Object instance = instances.get(ref);
            if (instance != null) {
                return instance;
            }
            Object raw = shared.get(ref);
            if (raw instanceof Map<?, ?> map) {
                Map<String, Object> out = new LinkedHashMap<>();
                instances.put(ref, out);
                fill(out, (Map<String, Object>) map);
                return out;
            }
            if (raw instanceof List<?> list) {
                List<Object> out = new ArrayList<>(list.size());
                instances.put(ref, out);
                fill(out, list);
                return out;
            }
            throw new IllegalArgumentException("the emulator state refers to a missing shared value " + ref);
        }

        private void fill(Map<String, Object> out, Map<String, Object> raw) {
            raw.forEach((k, v) -> out.put(k, decode(v)));
        }

        private void fill(List<Object> out, List<?> raw) {
            raw.forEach(v -> out.add(decode(v)));
        }
    }
}
