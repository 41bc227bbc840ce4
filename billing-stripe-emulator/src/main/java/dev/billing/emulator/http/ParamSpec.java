package dev.billing.emulator.http;

import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.FormCodec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters one endpoint accepts, as a tree, and Stripe's check against it: a name the
 * endpoint does not accept is {@code 400 parameter_unknown}, "Received unknown parameter: x", with
 * nested names in Stripe's bracket form ({@code line_items[0][pricee]}).
 *
 * <p>Written as a compact declaration: names separated by commas; {@code name{a, b}} is a hash
 * whose keys are checked, {@code name[]{a, b}} an array of such hashes; a bare name accepts any
 * value (a string, or a hash whose keys are not checked, such as {@code metadata}).
 */
final class ParamSpec {
    private static final ParamSpec ANY = new ParamSpec(null, false);

    /** The accepted names and what each accepts; null when any value is accepted. */
    private final Map<String, ParamSpec> fields;

    private final boolean array;

    private ParamSpec(Map<String, ParamSpec> fields, boolean array) {
        this.fields = fields;
        this.array = array;
    }

    /** Parses a declaration such as {@code "email, address{city, line1}, items[]{price}"}. */
    static ParamSpec parse(String declaration) {
        Parser parser = new Parser(declaration);
        Map<String, ParamSpec> fields = parser.fields();
        if (parser.pos < declaration.length()) {
            throw new IllegalArgumentException(
                    "Unexpected '" + declaration.charAt(parser.pos) + "' at " + parser.pos + " in: " + declaration);
        }
        return new ParamSpec(fields, false);
    }

    /** The accepted names of a hash (empty for a value whose keys are not checked). */
    Map<String, ParamSpec> fields() {
        return fields == null ? Map.of() : Collections.unmodifiableMap(fields);
    }

    /** Whether the keys beneath are checked. */
    boolean checked() {
        return fields != null;
    }

    /** Whether this is an array of hashes ({@code name[]{...}}). */
    boolean array() {
        return array;
    }

    /**
     * Throws Stripe's {@code parameter_unknown} error for the first name in {@code params} (a
     * decoded form, see {@link FormCodec}) this spec does not accept.
     */
    void check(Map<String, Object> params) {
        checkHash(params, "");
    }

    @SuppressWarnings("unchecked")
    private void checkHash(Map<String, Object> params, String prefix) {
        for (Map.Entry<String, Object> e : params.entrySet()) {
            String name = prefix.isEmpty() ? e.getKey() : prefix + "[" + e.getKey() + "]";
            ParamSpec spec = fields.get(e.getKey());
            if (spec == null) {
                throw unknown(name);
            }
            if (spec.fields == null) {
                continue;
            }
            Object value = e.getValue();
            if (spec.array && value instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i) instanceof Map<?, ?> element) {
                        spec.checkHash((Map<String, Object>) element, name + "[" + i + "]");
                    }
                }
            } else if (!spec.array && value instanceof Map<?, ?> map) {
                spec.checkHash((Map<String, Object>) map, name);
            } else if (!spec.array && value instanceof List<?> list) {
                // A hash sent with index keys (address[0]=x): those keys are unknown too.
                Map<String, Object> indexed = new LinkedHashMap<>();
                for (int i = 0; i < list.size(); i++) {
                    indexed.put(Integer.toString(i), list.get(i));
                }
                spec.checkHash(indexed, name);
            }
            // Anything else (an empty string that unsets, a malformed array) is the handler's to refuse.
        }
    }

    /** Stripe's answer to a parameter the endpoint does not have. */
    static ApiError unknown(String name) {
        return ApiError.invalid("parameter_unknown", "Received unknown parameter: " + name, name);
    }

    /** A recursive-descent reader of the declaration syntax. */
    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        Map<String, ParamSpec> fields() {
            Map<String, ParamSpec> fields = new LinkedHashMap<>();
            skipBlanks();
            while (pos < text.length() && text.charAt(pos) != '}') {
                String name = name();
                boolean array = text.startsWith("[]", pos);
                if (array) {
                    pos += 2;
                }
                ParamSpec spec = ANY;
                skipBlanks();
                if (pos < text.length() && text.charAt(pos) == '{') {
                    pos++;
                    spec = new ParamSpec(fields(), array);
                    expect('}');
                } else if (array) {
                    throw new IllegalArgumentException("'" + name + "[]' needs '{...}' in: " + text);
                }
                if (fields.put(name, spec) != null) {
                    throw new IllegalArgumentException("'" + name + "' is declared twice in: " + text);
                }
                skipBlanks();
                if (pos < text.length() && text.charAt(pos) == ',') {
                    pos++;
                    skipBlanks();
                }
            }
            return fields;
        }

        private String name() {
            int start = pos;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
                pos++;
            }
            if (start == pos) {
                throw new IllegalArgumentException("A name is expected at " + pos + " in: " + text);
            }
            return text.substring(start, pos);
        }

        private void expect(char c) {
            skipBlanks();
            if (pos >= text.length() || text.charAt(pos) != c) {
                throw new IllegalArgumentException("'" + c + "' is expected at " + pos + " in: " + text);
            }
            pos++;
        }

        private void skipBlanks() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }
    }
}
