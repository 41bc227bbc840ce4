package dev.billing.stripe;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * The strict JSON tokeniser the event readers share: Jackson's byte-level streaming parser (RFC 8259 only: no
 * comments, single quotes, unquoted names, leading zeros, NaN, trailing commas or raw control characters in
 * strings), and the one place a token becomes a kept {@link JsonElement} for the decoders.
 */
final class StrictJson {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            // A parse error never quotes the payload (personal data) into a message or a log.
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            // Metadata keys are the sender's: canonical names are enough, the JVM's string pool is not theirs.
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            // The body is already bounded by the route (and signed): Jackson's own limits would refuse events the
            // readers accept by design, such as deep nesting in a part nobody reads.
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .maxNameLength(Integer.MAX_VALUE)
                    .build())
            .build();
    private static final JsonPrimitive TRUE = new JsonPrimitive(true);
    private static final JsonPrimitive FALSE = new JsonPrimitive(false);

    private StrictJson() {}

    /**
     * A parser over UTF-8 bytes (the caller has checked the encoding). A zero byte in the first four would make
     * Jackson read the bytes as UTF-16 or UTF-32; it is never valid JSON in UTF-8, so it is refused here.
     */
    static JsonParser parser(byte[] utf8) throws IOException {
        for (int i = 0; i < Math.min(4, utf8.length); i++) {
            if (utf8[i] == 0) {
                throw new IOException("a zero byte where JSON begins");
            }
        }
        return FACTORY.createParser(utf8);
    }

    static JsonParser parser(String json) throws IOException {
        return FACTORY.createParser(json);
    }

    /** The scalar at the parser's current token as a tree value; numbers keep their literal (decoders read it). */
    static JsonElement scalar(JsonParser parser) throws IOException {
        return switch (parser.currentToken()) {
            case VALUE_STRING -> new JsonPrimitive(parser.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new JsonPrimitive(new Literal(parser.getText()));
            case VALUE_TRUE -> TRUE;
            case VALUE_FALSE -> FALSE;
            case VALUE_NULL -> JsonNull.INSTANCE;
            default -> throw new IllegalStateException("not a scalar: " + parser.currentToken());
        };
    }

    /** A JSON number as written, converted only when asked (as Gson's own tree keeps it). */
    static final class Literal extends Number {
        private static final long serialVersionUID = 1L;
        private final String text;

        Literal(String text) {
            this.text = text;
        }

        @Override
        public int intValue() {
            return decimal().intValue();
        }

        @Override
        public long longValue() {
            return decimal().longValue();
        }

        @Override
        public float floatValue() {
            return Float.parseFloat(text);
        }

        @Override
        public double doubleValue() {
            return Double.parseDouble(text);
        }

        private BigDecimal decimal() {
            return new BigDecimal(text);
        }

        @Override
        public String toString() {
            return text;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Literal literal && literal.text.equals(text);
        }

        @Override
        public int hashCode() {
            return text.hashCode();
        }
    }
}
