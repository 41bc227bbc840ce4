package dev.billing.stripe;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.billing.core.error.WebhookRejectedException;
import dev.billing.core.error.WebhookRejectedException.Reason;
import java.io.IOException;
import java.util.Map;

/**
 * The parts of a JSON value to keep: a primitive or null is always kept; of an object, only the named fields, each
 * with its own pick (all fields when {@code fields} is null); of an array, every element (or only the first) with
 * the element pick. What is not kept is still read strictly, then dropped.
 */
record Pick(Map<String, Pick> fields, boolean firstOnly, Pick element) {
    static final Pick ALL = new Pick(null, false, null);
    /** Far deeper than the fields the decoders read (metadata, ids, amounts) ever nest. */
    static final int MAX_KEPT_DEPTH = 32;

    static Pick fields(Map<String, Pick> fields) {
        return new Pick(fields, false, null);
    }

    static Pick first(Pick element) {
        return new Pick(null, true, element);
    }

    static Pick each(Pick element) {
        return new Pick(null, false, element);
    }

    JsonElement read(JsonReader reader) throws IOException {
        return read(reader, 0);
    }

    private JsonElement read(JsonReader reader, int depth) throws IOException {
        if (this == ALL) {
            return strictTree(reader, depth);
        }
        switch (reader.peek()) {
            case BEGIN_OBJECT -> {
                JsonObject object = new JsonObject();
                reader.beginObject();
                while (reader.hasNext()) {
                    String name = reader.nextName();
                    Pick pick = fields == null ? element : fields.get(name);
                    if (pick == null) {
                        reader.skipValue();
                    } else if (object.has(name)) {
                        throw duplicate();
                    } else {
                        object.add(name, pick.read(reader, depth + 1));
                    }
                }
                reader.endObject();
                return object;
            }
            case BEGIN_ARRAY -> {
                JsonArray array = new JsonArray();
                reader.beginArray();
                while (reader.hasNext()) {
                    if (element == null || (firstOnly && !array.isEmpty())) {
                        reader.skipValue();
                    } else {
                        array.add(element.read(reader, depth + 1));
                    }
                }
                reader.endArray();
                return array;
            }
            default -> {
                return StripeJson.TREE.read(reader);
            }
        }
    }

    /**
     * A kept value as a tree, refusing a key named twice in any of its objects (metadata's {@code user_id}
     * decides which user a customer is linked to) and nesting deeper than {@value #MAX_KEPT_DEPTH}.
     */
    private static JsonElement strictTree(JsonReader reader, int depth) throws IOException {
        JsonToken token = reader.peek();
        if (token != JsonToken.BEGIN_OBJECT && token != JsonToken.BEGIN_ARRAY) {
            return StripeJson.TREE.read(reader);
        }
        if (depth >= MAX_KEPT_DEPTH) {
            throw new WebhookRejectedException(
                    Reason.MALFORMED_PAYLOAD,
                    "A field the event is read for nests deeper than " + MAX_KEPT_DEPTH + " levels.");
        }
        if (token == JsonToken.BEGIN_ARRAY) {
            JsonArray array = new JsonArray();
            reader.beginArray();
            while (reader.hasNext()) {
                array.add(strictTree(reader, depth + 1));
            }
            reader.endArray();
            return array;
        }
        JsonObject object = new JsonObject();
        reader.beginObject();
        while (reader.hasNext()) {
            String name = reader.nextName();
            if (object.has(name)) {
                throw duplicate();
            }
            object.add(name, strictTree(reader, depth + 1));
        }
        reader.endObject();
        return object;
    }

    private static WebhookRejectedException duplicate() {
        return new WebhookRejectedException(
                Reason.MALFORMED_PAYLOAD, "The event names the same key twice in " + "one object.");
    }
}
