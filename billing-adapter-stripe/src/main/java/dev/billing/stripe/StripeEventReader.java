package dev.billing.stripe;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.billing.core.error.WebhookRejectedException;
import dev.billing.core.error.WebhookRejectedException.Reason;
import dev.billing.core.model.StripeEvent;

import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads a v1 event's envelope ({@code id}, {@code type}, {@code created}, {@code livemode}, {@code api_version},
 * {@code data.object.id} and {@code data.object.object}) in one streaming pass, skipping everything else without
 * building a tree. Used for verified webhook bodies and for events fetched by id, so both give the same
 * {@link StripeEvent}.
 *
 * <p>Not a v1 event: {@code MALFORMED_PAYLOAD}. A v2 event or a "thin" event (no {@code data.object}, a
 * {@code related_object} instead): {@code UNSUPPORTED_EVENT}. Never any other exception.
 *
 * <p>The whole document is walked, not only the envelope: a key named twice in one object, at any depth, is
 * {@code MALFORMED_PAYLOAD}, since a reader that keeps the first value and one that keeps the last would see two
 * different events under one signature (Stripe never sends such a body). Nesting deeper than
 * {@value #MAX_DEPTH} levels is refused too, so the walk needs no more stack than that.
 */
final class StripeEventReader {
    /** 9999-12-31T23:59:59Z: anything later is not a Stripe timestamp. */
    private static final long MAX_EPOCH_SECOND = 253_402_300_799L;
    private static final Object INVALID = new Object();
    /** Far deeper than any Stripe object nests. */
    static final int MAX_DEPTH = 64;

    private StripeEventReader() {
    }

    static StripeEvent read(String payload) {
        Envelope envelope = new Envelope();
        try (JsonReader reader = new JsonReader(new StringReader(payload))) {
            reader.setLenient(false);
            if (reader.peek() != JsonToken.BEGIN_OBJECT) {
                throw malformed("the payload is not a JSON object");
            }
            readEnvelope(reader, envelope);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw malformed("the payload has content after the event");
            }
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            // MalformedJsonException and EOFException are IOExceptions; a wrong token is an IllegalStateException.
            throw malformed("the payload is not valid JSON");
        }
        return envelope.toEvent(payload);
    }

    private static void readEnvelope(JsonReader reader, Envelope e) throws IOException {
        reader.beginObject();
        Set<String> names = new HashSet<>();
        while (reader.hasNext()) {
            switch (uniqueName(reader, names)) {
                case "id" -> e.id = string(reader);
                case "object" -> e.object = string(reader);
                case "type" -> e.type = string(reader);
                case "api_version" -> e.apiVersion = string(reader);
                case "created" -> e.created = integer(reader);
                case "livemode" -> e.livemode = bool(reader);
                case "related_object" -> {
                    e.relatedObject = true;
                    skip(reader, 1);
                }
                case "data" -> readData(reader, e);
                default -> skip(reader, 1);
            }
        }
        reader.endObject();
    }

    private static void readData(JsonReader reader, Envelope e) throws IOException {
        if (reader.peek() != JsonToken.BEGIN_OBJECT) {
            skip(reader, 1);
            return;
        }
        reader.beginObject();
        Set<String> names = new HashSet<>();
        while (reader.hasNext()) {
            if (uniqueName(reader, names).equals("object") && reader.peek() == JsonToken.BEGIN_OBJECT) {
                e.hasDataObject = true;
                reader.beginObject();
                Set<String> fields = new HashSet<>();
                while (reader.hasNext()) {
                    switch (uniqueName(reader, fields)) {
                        case "id" -> e.objectId = string(reader);
                        case "object" -> e.objectType = string(reader);
                        default -> skip(reader, 3);
                    }
                }
                reader.endObject();
            } else {
                skip(reader, 2);
            }
        }
        reader.endObject();
    }

    private static String uniqueName(JsonReader reader, Set<String> seen) throws IOException {
        String name = reader.nextName();
        if (!seen.add(name)) {
            throw malformed("an object names the same key twice");
        }
        return name;
    }

    /** Skips one value at nesting {@code depth}, checking its objects' keys are unique. */
    private static void skip(JsonReader reader, int depth) throws IOException {
        JsonToken token = reader.peek();
        if (token != JsonToken.BEGIN_OBJECT && token != JsonToken.BEGIN_ARRAY) {
            reader.skipValue();
            return;
        }
        if (depth >= MAX_DEPTH) {
            throw malformed("it nests deeper than " + MAX_DEPTH + " levels");
        }
        if (token == JsonToken.BEGIN_ARRAY) {
            reader.beginArray();
            while (reader.hasNext()) {
                skip(reader, depth + 1);
            }
            reader.endArray();
            return;
        }
        reader.beginObject();
        Set<String> names = null;
        while (reader.hasNext()) {
            String name = reader.nextName();
            if (names == null) {
                names = new HashSet<>();
            }
            if (!names.add(name)) {
                throw malformed("an object names the same key twice");
            }
            skip(reader, depth + 1);
        }
        reader.endObject();
    }

    /** A string, null for JSON null, {@link #INVALID} for anything else. */
    private static Object string(JsonReader reader) throws IOException {
        JsonToken token = reader.peek();
        if (token == JsonToken.STRING) {
            return reader.nextString();
        }
        if (token == JsonToken.NULL) {
            reader.nextNull();
            return null;
        }
        skip(reader, 2);
        return INVALID;
    }

    private static Object integer(JsonReader reader) throws IOException {
        if (reader.peek() != JsonToken.NUMBER) {
            skip(reader, 2);
            return INVALID;
        }
        String digits = reader.nextString();
        if (digits.isEmpty() || digits.length() > 18) {
            return INVALID;
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return INVALID;
            }
        }
        return Long.parseLong(digits);
    }

    private static Object bool(JsonReader reader) throws IOException {
        if (reader.peek() != JsonToken.BOOLEAN) {
            skip(reader, 2);
            return INVALID;
        }
        return reader.nextBoolean();
    }

    private static WebhookRejectedException malformed(String why) {
        return new WebhookRejectedException(Reason.MALFORMED_PAYLOAD, "Not a Stripe event: " + why + ".");
    }

    private static final class Envelope {
        Object id;
        Object object;
        Object type;
        Object apiVersion;
        Object created;
        Object livemode;
        boolean relatedObject;
        boolean hasDataObject;
        Object objectId;
        Object objectType;

        StripeEvent toEvent(String payload) {
            if (object instanceof String kind && kind.startsWith("v2.")) {
                throw new WebhookRejectedException(Reason.UNSUPPORTED_EVENT, "A " + kind + " (API v2) event is not "
                        + "supported: configure the endpoint for v1 snapshot events.");
            }
            if (relatedObject && !hasDataObject) {
                throw new WebhookRejectedException(Reason.UNSUPPORTED_EVENT, "A thin event (related_object, no "
                        + "data.object) is not supported: configure the endpoint for v1 snapshot events.");
            }
            if (object != null && !"event".equals(object)) {
                throw malformed("object is not \"event\"");
            }
            if (!(id instanceof String eventId) || eventId.isBlank()) {
                throw malformed("id is missing");
            }
            if (!(type instanceof String eventType) || eventType.isBlank()) {
                throw malformed("type is missing");
            }
            if (!(created instanceof Long seconds) || seconds > MAX_EPOCH_SECOND) {
                throw malformed("created is missing or not a Unix timestamp");
            }
            if (!hasDataObject) {
                throw malformed("data.object is missing");
            }
            if (livemode == INVALID || apiVersion == INVALID || objectId == INVALID || objectType == INVALID) {
                throw malformed("livemode, api_version or data.object's id/object has the wrong type");
            }
            try {
                return new StripeEvent(eventId, eventType, Instant.ofEpochSecond(seconds),
                        Boolean.TRUE.equals(livemode), (String) apiVersion, (String) objectId, (String) objectType,
                        payload);
            } catch (IllegalArgumentException e) {
                throw malformed(e.getMessage());
            }
        }
    }
}
