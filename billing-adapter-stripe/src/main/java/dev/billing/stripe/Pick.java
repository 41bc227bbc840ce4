package dev.billing.stripe;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
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

    /** Reads the value at the parser's current token, leaving the parser on its last token. */
    JsonElement read(JsonParser parser) throws IOException {
        return read(parser, 0);
    }

    private JsonElement read(JsonParser parser, int depth) throws IOException {
        if (this == ALL) {
            return strictTree(parser, depth);
        }
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            JsonObject object = new JsonObject();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                Pick pick = fields == null ? element : fields.get(name);
                if (pick == null) {
                    parser.skipChildren();
                } else if (object.has(name)) {
                    throw duplicate();
                } else {
                    object.add(name, pick.read(parser, depth + 1));
                }
            }
            return object;
        }
        if (token == JsonToken.START_ARRAY) {
            JsonArray array = new JsonArray();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                if (element == null || (firstOnly && !array.isEmpty())) {
                    parser.skipChildren();
                } else {
                    array.add(element.read(parser, depth + 1));
                }
            }
            return array;
        }
        return StrictJson.scalar(parser);
    }

    /**
     * A kept value as a tree, refusing a key named twice in any of its objects (metadata's {@code user_id}
     * decides which user a customer is linked to) and nesting deeper than {@value #MAX_KEPT_DEPTH}.
     */
    private static JsonElement strictTree(JsonParser parser, int depth) throws IOException {
        JsonToken token = parser.currentToken();
        if (token != JsonToken.START_OBJECT && token != JsonToken.START_ARRAY) {
            return StrictJson.scalar(parser);
        }
        if (depth >= MAX_KEPT_DEPTH) {
            throw new WebhookRejectedException(
                    Reason.MALFORMED_PAYLOAD,
                    "A field the event is read for nests deeper than " + MAX_KEPT_DEPTH + " levels.");
        }
        if (token == JsonToken.START_ARRAY) {
            JsonArray array = new JsonArray();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                array.add(strictTree(parser, depth + 1));
            }
            return array;
        }
        JsonObject object = new JsonObject();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            if (object.has(name)) {
                throw duplicate();
            }
            parser.nextToken();
            object.add(name, strictTree(parser, depth + 1));
        }
        return object;
    }

    private static WebhookRejectedException duplicate() {
        return new WebhookRejectedException(
                Reason.MALFORMED_PAYLOAD, "The event names the same key twice in " + "one object.");
    }
}
