package dev.billing.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.core.error.StoreException;
import java.util.Map;

/** String maps (Stripe metadata) to and from the JSON text of a {@code jsonb} column. */
final class JsonMaps {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

    private JsonMaps() {}

    static String write(Map<String, String> map) {
        try {
            return MAPPER.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new StoreException("metadata could not be written as JSON", e);
        }
    }

    static Map<String, String> read(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return MAPPER.readValue(json, STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new StoreException("stored metadata is not a JSON object of strings", e);
        }
    }
}
