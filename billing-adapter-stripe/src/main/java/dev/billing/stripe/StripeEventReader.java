package dev.billing.stripe;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.billing.core.error.WebhookRejectedException;
import dev.billing.core.error.WebhookRejectedException.Reason;
import dev.billing.core.model.event.StripeEvent;
import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads a v1 event's envelope ({@code id}, {@code type}, {@code created}, {@code livemode}, {@code api_version},
 * {@code data.object.id}, {@code data.object.object}, and the customer, invoice or payment intent the object names,
 * for the event's {@link StripeEvent#subjectId}) in one streaming pass, skipping everything else without
 * building a tree ({@link #readKeeping} also keeps {@code data.object} as the decoders read it, in the same pass).
 * Used for verified webhook bodies and for events fetched by id, so both give the same {@link StripeEvent}.
 *
 * <p>Not a v1 event: {@code MALFORMED_PAYLOAD}. A v2 event or a "thin" event (no {@code data.object}, a
 * {@code related_object} instead): {@code UNSUPPORTED_EVENT}. Never any other exception.
 *
 * <p>A key named twice in the event, in {@code data} or in {@code data.object} is {@code MALFORMED_PAYLOAD}: a
 * reader keeping the first value and one keeping the last would see two events under one signature (Stripe never
 * sends such a body). The fields the decoders read deeper down get the same check when they are read
 * ({@link StripeJson}); the rest is skipped without being looked at.
 */
final class StripeEventReader {
    /** 9999-12-31T23:59:59Z: anything later is not a Stripe timestamp. */
    private static final long MAX_EPOCH_SECOND = 253_402_300_799L;

    private static final Object INVALID = new Object();

    private StripeEventReader() {}

    static StripeEvent read(String payload) {
        return read(payload, false).event();
    }

    /**
     * What one pass read: the event, and {@code data.object} and {@code data.previous_attributes} as
     * {@link StripeJson#decode(StripeEvent, JsonObject, JsonObject)} keeps them (null when not kept).
     */
    record Read(StripeEvent event, JsonObject object, JsonObject previous) {}

    /**
     * Like {@link #read(String)}, and keeps {@code data.object} and its previous attributes in the same pass, so the
     * event can be decoded without reading the payload again. Rejects exactly what {@link #read(String)} rejects: a
     * payload whose kept parts fail (a key named twice deep down, say, which only decoding refuses) is read again
     * without keeping, and its object is left for processing to decode and park with the reason.
     */
    static Read readKeeping(String payload) {
        try {
            return read(payload, true);
        } catch (RuntimeException e) {
            return new Read(read(payload), null, null);
        }
    }

    private static Read read(String payload, boolean keep) {
        Envelope envelope = new Envelope(keep);
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
        return new Read(envelope.toEvent(payload), envelope.kept, envelope.previous);
    }

    private static void readEnvelope(JsonReader reader, Envelope e) throws IOException {
        reader.beginObject();
        Set<String> names = new HashSet<>();
        while (reader.hasNext()) {
            switch (unique(reader, names)) {
                case "id" -> e.id = string(reader);
                case "object" -> e.object = string(reader);
                case "type" -> e.type = string(reader);
                case "api_version" -> e.apiVersion = string(reader);
                case "created" -> e.created = integer(reader);
                case "livemode" -> e.livemode = bool(reader);
                case "related_object" -> {
                    e.relatedObject = true;
                    reader.skipValue();
                }
                case "data" -> readData(reader, e);
                default -> reader.skipValue();
            }
        }
        reader.endObject();
    }

    private static void readData(JsonReader reader, Envelope e) throws IOException {
        if (reader.peek() != JsonToken.BEGIN_OBJECT) {
            reader.skipValue();
            return;
        }
        reader.beginObject();
        Set<String> names = new HashSet<>();
        while (reader.hasNext()) {
            String name = unique(reader, names);
            if (name.equals("object") && reader.peek() == JsonToken.BEGIN_OBJECT) {
                e.hasDataObject = true;
                if (e.keep) {
                    readObjectKeeping(reader, e);
                    continue;
                }
                reader.beginObject();
                Set<String> fields = new HashSet<>();
                while (reader.hasNext()) {
                    switch (unique(reader, fields)) {
                        case "id" -> e.objectId = string(reader);
                        case "object" -> e.objectType = string(reader);
                        case "customer" -> e.customer = idOf(reader);
                        case "invoice" -> e.invoice = idOf(reader);
                        case "payment_intent" -> e.paymentIntent = idOf(reader);
                        default -> reader.skipValue();
                    }
                }
                reader.endObject();
            } else if (e.keep && name.equals("previous_attributes")) {
                JsonElement previous = StripeJson.PREVIOUS.read(reader);
                e.previous = previous.isJsonObject() ? previous.getAsJsonObject() : null;
                e.previousCustomer = e.previous == null ? null : keptId(e.previous, "customer");
            } else if (name.equals("previous_attributes") && reader.peek() == JsonToken.BEGIN_OBJECT) {
                readPreviousCustomer(reader, e);
            } else {
                reader.skipValue();
            }
        }
        reader.endObject();
    }

    /** The customer {@code data.previous_attributes} names (a detached payment method's), skipping the rest. */
    private static void readPreviousCustomer(JsonReader reader, Envelope e) throws IOException {
        reader.beginObject();
        Set<String> fields = new HashSet<>();
        while (reader.hasNext()) {
            if (unique(reader, fields).equals("customer")) {
                e.previousCustomer = idOf(reader);
            } else {
                reader.skipValue();
            }
        }
        reader.endObject();
    }

    /** {@code data.object} checked as {@link #readData} checks it, keeping what the decoders read. */
    private static void readObjectKeeping(JsonReader reader, Envelope e) throws IOException {
        reader.beginObject();
        Set<String> fields = new HashSet<>();
        JsonObject kept = new JsonObject();
        while (reader.hasNext()) {
            String name = unique(reader, fields);
            Pick pick = StripeJson.WANTED.fields().get(name);
            if (pick == null) {
                reader.skipValue();
            } else {
                kept.add(name, pick.read(reader));
            }
        }
        reader.endObject();
        e.objectId = string(kept.get("id"));
        e.objectType = string(kept.get("object"));
        e.customer = keptId(kept, "customer");
        e.invoice = keptId(kept, "invoice");
        e.paymentIntent = keptId(kept, "payment_intent");
        e.kept = kept;
    }

    /** An id field as the decoders read it, or null when it is not one (decoding reports that, not the subject). */
    private static String keptId(JsonObject kept, String name) {
        try {
            return StripeJson.idOf(kept, name);
        } catch (IllegalArgumentException notAnId) {
            return null;
        }
    }

    /** A kept value as {@link #string(JsonReader)} reads it: a string, null when absent or null, else invalid. */
    private static Object string(JsonElement value) {
        if (value == null || value.isJsonNull()) {
            return null;
        }
        return value.isJsonPrimitive() && value.getAsJsonPrimitive().isString() ? value.getAsString() : INVALID;
    }

    /**
     * An expandable field of {@code data.object} ({@code customer}, {@code invoice}, {@code payment_intent}): an id,
     * or an expanded object's id; null for anything else (only the subject depends on it, never whether the event is
     * accepted).
     */
    private static String idOf(JsonReader reader) throws IOException {
        JsonToken token = reader.peek();
        if (token == JsonToken.STRING) {
            return reader.nextString();
        }
        if (token != JsonToken.BEGIN_OBJECT) {
            reader.skipValue();
            return null;
        }
        String id = null;
        reader.beginObject();
        while (reader.hasNext()) {
            // Not checked for repeated keys: what this pass accepts stays what it accepted before it read this.
            if (reader.nextName().equals("id") && id == null && reader.peek() == JsonToken.STRING) {
                id = reader.nextString();
            } else {
                reader.skipValue();
            }
        }
        reader.endObject();
        return id;
    }

    private static String unique(JsonReader reader, Set<String> seen) throws IOException {
        String name = reader.nextName();
        if (!seen.add(name)) {
            throw malformed("an object names the same key twice");
        }
        return name;
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
        reader.skipValue();
        return INVALID;
    }

    private static Object integer(JsonReader reader) throws IOException {
        if (reader.peek() != JsonToken.NUMBER) {
            reader.skipValue();
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
            reader.skipValue();
            return INVALID;
        }
        return reader.nextBoolean();
    }

    private static WebhookRejectedException malformed(String why) {
        return new WebhookRejectedException(Reason.MALFORMED_PAYLOAD, "Not a Stripe event: " + why + ".");
    }

    /**
     * Whom an event is about ({@link StripeEvent#subjectId}): a customer object itself; else the first its object
     * names of the customer, the customer it had before the event (a detached payment method's, whose billing details
     * are the person's), the invoice (an invoice payment's) and the payment intent (a refund's, a guest's charge);
     * else the object (a product, a coupon). The migrations compute the same for stored events (Postgres V19 and V28
     * {@code inbox_subject_of}, Supabase 018 and 032).
     */
    static String subjectOf(
            String objectType,
            String objectId,
            String customer,
            String previousCustomer,
            String invoice,
            String paymentIntent) {
        if ("customer".equals(objectType)) {
            return objectId;
        }
        for (String owner : new String[] {customer, previousCustomer, invoice, paymentIntent}) {
            if (owner != null && !owner.isBlank()) {
                return owner;
            }
        }
        return objectId;
    }

    private static final class Envelope {
        final boolean keep;
        JsonObject kept;
        JsonObject previous;
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
        String customer;
        String previousCustomer;
        String invoice;
        String paymentIntent;

        Envelope(boolean keep) {
            this.keep = keep;
        }

        String subject() {
            return subjectOf(
                    (String) objectType, (String) objectId, customer, previousCustomer, invoice, paymentIntent);
        }

        StripeEvent toEvent(String payload) {
            if (object instanceof String kind && kind.startsWith("v2.")) {
                throw new WebhookRejectedException(
                        Reason.UNSUPPORTED_EVENT,
                        "A " + kind + " (API v2) event is not "
                                + "supported: configure the endpoint for v1 snapshot events.");
            }
            if (relatedObject && !hasDataObject) {
                throw new WebhookRejectedException(
                        Reason.UNSUPPORTED_EVENT,
                        "A thin event (related_object, no "
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
                return new StripeEvent(
                        eventId,
                        eventType,
                        Instant.ofEpochSecond(seconds),
                        Boolean.TRUE.equals(livemode),
                        (String) apiVersion,
                        (String) objectId,
                        (String) objectType,
                        payload,
                        subject());
            } catch (IllegalArgumentException e) {
                throw malformed(e.getMessage());
            }
        }
    }
}
