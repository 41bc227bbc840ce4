package dev.billing.clerk;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.billing.core.error.IdentityRejectedException;
import dev.billing.core.error.IdentityRejectedException.Reason;
import java.io.IOException;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Cheap structural checks run on every token before any cryptography: size, alphabet, compact-JWS shape, and the
 * protected header ({@code alg}, {@code typ}, {@code kid}, {@code crit}, {@code zip}). jjwt checks most of this again; doing it
 * here first gives each rejection a precise {@link Reason} and keeps hostile input away from key lookup.
 */
final class TokenShape {
    /** The only accepted signature algorithm. */
    static final String RS256 = "RS256";
    /** Longest accepted {@code kid}. Clerk's are about 30 characters ({@code ins_...}). */
    static final int MAX_KID_CHARS = 128;

    private static final Pattern KID = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_KID_CHARS + "}");
    private static final int MAX_HEADER_CHARS = 1024;

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(
                            StreamReadConstraints.builder().maxNestingDepth(8).build())
                    .build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION) // {"alg":"RS256","alg":"none"} is hostile
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** The claims are read again for their JSON types only; Clerk's claims nest a few levels (the {@code o} claim). */
    private static final ObjectMapper CLAIMS = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(
                            StreamReadConstraints.builder().maxNestingDepth(16).build())
                    .build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final String[] TIME_CLAIMS = {"exp", "iat", "nbf"};

    private TokenShape() {}

    /**
     * Checks the verified token's time claims are JSON numbers (RFC 7519 NumericDate) when present: jjwt also reads
     * a string such as {@code "1795100001"} or an ISO date as a date, and a token written that way did not come from
     * Clerk.
     *
     * @throws IdentityRejectedException MALFORMED
     */
    static void checkTimeClaims(String token) {
        int firstDot = token.indexOf('.');
        int secondDot = token.indexOf('.', firstDot + 1);
        JsonNode claims;
        try {
            claims = CLAIMS.readTree(Base64.getUrlDecoder().decode(token.substring(firstDot + 1, secondDot)));
        } catch (IOException | RuntimeException e) {
            throw reject(Reason.MALFORMED, "token claims are not a valid JSON object");
        }
        if (claims == null || !claims.isObject()) {
            throw reject(Reason.MALFORMED, "token claims are not a JSON object");
        }
        for (String name : TIME_CLAIMS) {
            JsonNode value = claims.get(name);
            if (value != null && !value.isNumber()) {
                throw reject(Reason.MALFORMED, "token " + name + " is not a NumericDate (a JSON number)");
            }
        }
    }

    /**
     * @throws IdentityRejectedException MISSING, TOO_LARGE, MALFORMED or UNSUPPORTED_ALGORITHM
     */
    static TokenHeader inspect(String token, int maxChars) {
        checkPresentAndSize(token, maxChars);
        int length = token.length();
        int firstDot = -1;
        int secondDot = -1;
        int dots = 0;
        for (int i = 0; i < length; i++) {
            char c = token.charAt(i);
            if (c == '.') {
                if (dots == 0) {
                    firstDot = i;
                } else if (dots == 1) {
                    secondDot = i;
                }
                dots++;
            } else if (!isBase64Url(c)) {
                throw reject(Reason.MALFORMED, "token contains characters outside the Base64URL alphabet");
            }
        }
        if (dots == 4) {
            throw reject(Reason.MALFORMED, "encrypted tokens (JWE) are not accepted");
        }
        if (dots != 2) {
            throw reject(Reason.MALFORMED, "token is not a compact JWS (header.payload.signature)");
        }
        if (firstDot == 0 || secondDot == firstDot + 1) {
            throw reject(Reason.MALFORMED, "token has an empty header or payload");
        }
        if (firstDot > MAX_HEADER_CHARS) {
            throw reject(Reason.MALFORMED, "token header is too large");
        }
        JsonNode header = header(token.substring(0, firstDot));

        JsonNode alg = header.get("alg");
        if (alg == null || !alg.isTextual()) {
            throw reject(Reason.MALFORMED, "token header has no alg");
        }
        if (!RS256.equals(alg.textValue())) {
            throw reject(Reason.UNSUPPORTED_ALGORITHM, "only RS256 tokens are accepted");
        }
        if (secondDot == length - 1) {
            throw reject(Reason.MALFORMED, "token has no signature");
        }
        JsonNode typ = header.get("typ");
        if (typ != null && !(typ.isTextual() && "JWT".equals(typ.textValue()))) {
            throw reject(Reason.MALFORMED, "token typ must be JWT when present");
        }
        if (header.has("crit")) {
            throw reject(Reason.MALFORMED, "token header declares critical extensions, none are supported");
        }
        if (header.has("zip") || header.has("enc")) {
            throw reject(Reason.MALFORMED, "compressed or encrypted tokens are not accepted");
        }
        JsonNode kid = header.get("kid");
        if (kid == null) {
            return new TokenHeader(null);
        }
        if (!kid.isTextual() || !KID.matcher(kid.textValue()).matches()) {
            throw reject(Reason.MALFORMED, "token kid must be 1-" + MAX_KID_CHARS + " characters of [A-Za-z0-9._-]");
        }
        return new TokenHeader(kid.textValue());
    }

    /**
     * The checks that run before anything else, cache lookups included: present, not blank, not too long.
     *
     * @throws IdentityRejectedException MISSING or TOO_LARGE
     */
    static void checkPresentAndSize(String token, int maxChars) {
        if (token == null || token.isEmpty()) {
            throw reject(Reason.MISSING, "no bearer token");
        }
        if (token.length() > maxChars) { // before any scanning or decoding
            throw reject(Reason.TOO_LARGE, "token longer than " + maxChars + " characters");
        }
        if (token.isBlank()) {
            throw reject(Reason.MISSING, "no bearer token");
        }
    }

    /** True for key ids this verifier would ever look up (also applied to JWKS entries). */
    static boolean isValidKid(String kid) {
        return kid != null && KID.matcher(kid).matches();
    }

    static IdentityRejectedException reject(Reason reason, String message) {
        return new IdentityRejectedException(reason, message);
    }

    private static JsonNode header(String encoded) {
        byte[] json;
        try {
            json = Base64.getUrlDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw reject(Reason.MALFORMED, "token header is not Base64URL");
        }
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException | RuntimeException e) {
            throw reject(Reason.MALFORMED, "token header is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw reject(Reason.MALFORMED, "token header is not a JSON object");
        }
        return node;
    }

    private static boolean isBase64Url(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
