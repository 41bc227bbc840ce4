package dev.billing.supabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.billing.core.error.StoreException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Reading PostgREST rows (JSON objects) and writing row values. */
final class Rows {
    private Rows() {}

    static ObjectNode object() {
        return PostgrestClient.JSON.createObjectNode();
    }

    /**
     * An instant as Postgres stores it: {@code timestamptz} keeps microseconds (and would round finer values), so
     * the value is truncated here and reads back equal.
     */
    static String timestamp(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS).toString();
    }

    static void put(ObjectNode row, String field, Instant value) {
        if (value == null) {
            row.putNull(field);
        } else {
            row.put(field, timestamp(value));
        }
    }

    /**
     * A value inside PostgREST's list and logic filters ({@code in.(...)}, {@code or=(...)}), where commas, dots,
     * colons, parentheses and quotes are syntax: double-quoted, {@code \} and {@code "} escaped with a backslash, so
     * any text is taken as it is. (The simple operators, {@code eq.} and the like, take the rest of the parameter
     * literally and need no quoting.)
     */
    static String quoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    static String text(JsonNode row, String field) {
        JsonNode value = row.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    static String requiredText(JsonNode row, String field) {
        String value = text(row, field);
        if (value == null) {
            throw new StoreException("Supabase row without " + field);
        }
        return value;
    }

    static long longValue(JsonNode row, String field) {
        JsonNode value = row.get(field);
        if (value == null || value.isNull() || !value.canConvertToLong()) {
            throw new StoreException("Supabase row without a whole number in " + field);
        }
        return value.longValue();
    }

    static int intValue(JsonNode row, String field) {
        return Math.toIntExact(longValue(row, field));
    }

    static boolean bool(JsonNode row, String field) {
        JsonNode value = row.get(field);
        return value != null && value.asBoolean(false);
    }

    /** A {@code timestamptz} as PostgREST writes it ({@code 2026-11-21T10:00:00.123456+00:00}), or null. */
    static Instant instant(JsonNode row, String field) {
        String value = text(row, field);
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new StoreException("Supabase row has an unreadable time in " + field + ": " + value);
        }
    }

    static Instant requiredInstant(JsonNode row, String field) {
        Instant value = instant(row, field);
        if (value == null) {
            throw new StoreException("Supabase row without " + field);
        }
        return value;
    }

    /** Maps every element of a JSON array; a row the model refuses becomes a {@link StoreException}. */
    static <T> List<T> map(JsonNode array, Function<JsonNode, T> mapper) {
        if (array == null || !array.isArray()) {
            throw new StoreException("Supabase answered something other than a list of rows");
        }
        List<T> items = new ArrayList<>(array.size());
        for (JsonNode row : array) {
            items.add(mapOne(row, mapper));
        }
        return items;
    }

    static <T> T mapOne(JsonNode row, Function<JsonNode, T> mapper) {
        try {
            return mapper.apply(row);
        } catch (IllegalArgumentException | NullPointerException | ArithmeticException e) {
            throw new StoreException("A Supabase row cannot be read: " + e.getMessage(), e);
        }
    }
}
