package dev.billing.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.billing.core.error.InvalidRequestException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * The API's JSON: strict on the way in (unknown fields, duplicate keys, trailing tokens and scalar coercions such as
 * {@code "1"} or {@code 1.5} for an integer are refused), plain on the way out ({@link Instant}s as ISO-8601 text,
 * and a record field without a value left out rather than written as {@code null}: /openapi.json lists such fields as
 * optional, never as nullable; the values of a map, such as a stored webhook payload, are written as they are).
 * Parse failures become {@link InvalidRequestException}s whose messages name the field, never echo the input.
 *
 * <p>Usage: {@code UsageRequest body = json.read(bytes, UsageRequest.class);}
 */
public final class JsonCodec {
    private static final int MAX_NAME_CHARS = 64;

    private final ObjectMapper mapper;

    public JsonCodec() {
        SimpleModule module = new SimpleModule("billing-http");
        module.addSerializer(Instant.class, ToStringSerializer.instance);
        ObjectMapper m = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .defaultPropertyInclusion(
                        JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.ALWAYS))
                .addModule(module)
                .build();
        for (LogicalType type :
                new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean, LogicalType.Textual}) {
            m.coercionConfigFor(type)
                    .setCoercion(
                            CoercionInputShape.String,
                            type == LogicalType.Textual ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(
                            CoercionInputShape.EmptyString,
                            type == LogicalType.Textual ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(
                            CoercionInputShape.Boolean,
                            type == LogicalType.Boolean ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(
                            CoercionInputShape.Integer,
                            type == LogicalType.Integer ? CoercionAction.TryConvert : CoercionAction.Fail);
        }
        this.mapper = m;
    }

    /**
     * Reads a JSON object into {@code type}; an empty body reads as {@code {}}.
     *
     * @throws InvalidRequestException {@code invalid_json}, {@code unknown_field} or {@code invalid_<field>}
     */
    public <T> T read(byte[] body, Class<T> type) {
        byte[] json = body == null || isBlank(body) ? "{}".getBytes(java.nio.charset.StandardCharsets.US_ASCII) : body;
        try {
            T value = mapper.readValue(json, type);
            if (value == null) { // the literal `null`
                throw invalidJson("The body must be a JSON object.");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            String name = safeName(e.getPropertyName());
            throw new InvalidRequestException("unknown_field", name, "Unknown field '" + name + "'.");
        } catch (InputCoercionException e) { // a number too large for its field, e.g. 2^63 for a long
            String name = currentName(e);
            throw name == null
                    ? invalidJson("A number in the body is out of range.")
                    : invalidField(name, name + " is out of range.");
        } catch (MismatchedInputException e) {
            String name = fieldOf(e);
            if (name == null) {
                throw invalidJson("The body must be a JSON object.");
            }
            throw invalidField(name, name + " has the wrong type" + expected(e) + ".");
        } catch (JsonParseException e) {
            throw invalidJson(
                    e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
                            ? "The body has a duplicate field."
                            : "The body is not valid JSON.");
        } catch (StreamReadException e) {
            throw invalidJson("The body is not valid JSON.");
        } catch (JsonMappingException e) {
            // A record constructor refused the values, or another binding problem.
            String name = fieldOf(e);
            throw name == null ? invalidJson("The body could not be read.") : invalidField(name, name + " is invalid.");
        } catch (IOException e) {
            throw invalidJson("The body could not be read.");
        }
    }

    /** Serializes a response body. */
    public byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String writeString(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A stored JSON object (a webhook payload) as a map to embed in an answer; text that is not a JSON object comes
     * back as {@code {"unparsed": text}} rather than failing the answer.
     */
    public Map<String, Object> embeddable(String json) {
        try {
            return mapper.readValue(json, new TypeReference<Map<String, Object>>() {});
        } catch (IOException | RuntimeException e) {
            return Map.of("unparsed", json);
        }
    }

    /** The configured mapper, for the OpenAPI document and tests. */
    public ObjectMapper mapper() {
        return mapper;
    }

    private static InvalidRequestException invalidJson(String message) {
        return new InvalidRequestException("invalid_json", message);
    }

    private static InvalidRequestException invalidField(String name, String message) {
        return new InvalidRequestException("invalid_" + snake(name), name, message);
    }

    private static String expected(MismatchedInputException e) {
        Class<?> target = e.getTargetType();
        if (target == null) {
            return "";
        }
        if (target == long.class || target == Long.class || target == int.class || target == Integer.class) {
            return ": a whole number is expected";
        }
        if (target == boolean.class || target == Boolean.class) {
            return ": true or false is expected";
        }
        if (target == String.class) {
            return ": a string is expected";
        }
        return "";
    }

    private static String fieldOf(JsonMappingException e) {
        for (int i = e.getPath().size() - 1; i >= 0; i--) {
            String name = e.getPath().get(i).getFieldName();
            if (name != null) {
                return safeName(name);
            }
        }
        return null;
    }

    private static String currentName(InputCoercionException e) {
        try {
            Object processor = e.getProcessor();
            if (processor instanceof JsonParser parser && parser.currentName() != null) {
                return safeName(parser.currentName());
            }
        } catch (IOException | RuntimeException ignored) {
            // fall through: no name
        }
        return null;
    }

    /** A field name safe to put in a message: at most 64 word characters. */
    static String safeName(String name) {
        if (name == null) {
            return "field";
        }
        String cleaned = name.replaceAll("[^A-Za-z0-9_]", "");
        if (cleaned.isEmpty()) {
            return "field";
        }
        return cleaned.length() > MAX_NAME_CHARS ? cleaned.substring(0, MAX_NAME_CHARS) : cleaned;
    }

    /** {@code atPeriodEnd} -> {@code at_period_end}. */
    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }
}
