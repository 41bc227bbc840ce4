package dev.billing.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Compares an emulator object with Stripe's fixture of the same type: every fixture field must be
 * present with a compatible JSON type (null on either side fits anything), recursing where both
 * sides hold objects (and into the first element of arrays of objects). Fields on the allow-list
 * are counted as not covered but are not failures. The contents of {@code metadata} (the caller's
 * own keys) and of polymorphic fields such as an event's {@code data.object} (the fixture's example
 * is some other type) are not compared, only their presence and type.
 */
final class FixtureComparison {
    /** The outcome for one object type: fields compared, fields present, and what failed. */
    record Result(
            String type,
            int compared,
            int present,
            List<String> missing,
            List<String> mismatched,
            List<String> allowed) {
        double percent() {
            return compared == 0 ? 100.0 : 100.0 * present / compared;
        }

        String line() {
            return String.format(
                    java.util.Locale.ROOT,
                    "%-28s %4d/%-4d fields (%5.1f%%)%s",
                    type,
                    present,
                    compared,
                    percent(),
                    allowed.isEmpty() ? "" : "  not modelled: " + allowed);
        }
    }

    /** Polymorphic fields, as {@code type.path}: the object there is compared as its own type. */
    private static final java.util.Set<String> POLYMORPHIC = java.util.Set.of("event.data.object");

    private final Map<String, String> allowList;
    private final String type;
    private int compared;
    private int present;
    private final List<String> missing = new ArrayList<>();
    private final List<String> mismatched = new ArrayList<>();
    private final List<String> allowed = new ArrayList<>();

    private FixtureComparison(String type, Map<String, String> allowList) {
        this.type = type;
        this.allowList = allowList;
    }

    /** Compares {@code emulator} with {@code fixture}; allow-list keys are {@code type.path}. */
    static Result compare(String type, JsonNode fixture, JsonNode emulator, Map<String, String> allowList) {
        FixtureComparison c = new FixtureComparison(type, allowList);
        c.walk(fixture, emulator, "");
        return new Result(type, c.compared, c.present, c.missing, c.mismatched, c.allowed);
    }

    private void walk(JsonNode fixture, JsonNode emulator, String prefix) {
        for (Iterator<Map.Entry<String, JsonNode>> it = fixture.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            compared++;
            JsonNode expected = field.getValue();
            JsonNode actual = emulator.get(field.getKey());
            if (actual == null) {
                if (allowList.containsKey(type + "." + path)) {
                    allowed.add(path);
                } else {
                    missing.add(path);
                }
                continue;
            }
            present++;
            if (expected.isNull() || actual.isNull()) {
                continue;
            }
            if (!kind(expected).equals(kind(actual))) {
                mismatched.add(path + " (Stripe: " + kind(expected) + ", emulator: " + kind(actual) + ")");
                continue;
            }
            if (field.getKey().equals("metadata") || POLYMORPHIC.contains(type + "." + path)) {
                continue;
            }
            if (expected.isObject()) {
                walk(expected, actual, path);
            } else if (expected.isArray()
                    && !expected.isEmpty()
                    && !actual.isEmpty()
                    && expected.get(0).isObject()
                    && actual.get(0).isObject()) {
                walk(expected.get(0), actual.get(0), path + "[]");
            }
        }
    }

    /** The JSON type as the comparison sees it: integers and decimals are both numbers. */
    static String kind(JsonNode node) {
        if (node.isTextual()) {
            return "string";
        }
        if (node.isNumber()) {
            return "number";
        }
        if (node.isBoolean()) {
            return "boolean";
        }
        if (node.isObject()) {
            return "object";
        }
        if (node.isArray()) {
            return "array";
        }
        return "null";
    }
}
