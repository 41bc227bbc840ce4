package dev.billing.clerk;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a JWKS document (RFC 7517 §5) into the keys this verifier may use: {@code kty=RSA}, {@code use} absent or
 * {@code sig}, {@code alg} absent or {@code RS256}, a well-formed {@code kid} (or none), and a modulus of 2048 to
 * 8192 bits. Every other entry is skipped and reported, never fatal; only a document that is not a key set at
 * all is an error.
 */
final class JwksDocument {
    /** Entries beyond this many are not looked at. */
    static final int MAX_KEYS = 64;

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(
                            StreamReadConstraints.builder().maxNestingDepth(16).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * The outcome of parsing one document.
     *
     * @param keys    the usable keys
     * @param weak    key ids (or {@code "(no kid)"}) of RSA signing keys skipped for being under 2048 bits
     * @param skipped how many other entries were skipped (other key types or uses, bad members, duplicates)
     */
    record Parsed(KeySet keys, List<String> weak, int skipped) {}

    private JwksDocument() {}

    /**
     * @throws IllegalArgumentException when the body is not a JSON object with a {@code keys} array
     */
    static Parsed parse(byte[] body, Instant loadedAt) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("JWKS response is not JSON");
        }
        if (root == null || !root.isObject() || !root.path("keys").isArray()) {
            throw new IllegalArgumentException("JWKS response has no 'keys' array");
        }
        Map<String, RSAPublicKey> byKid = new LinkedHashMap<>();
        List<RSAPublicKey> all = new ArrayList<>();
        List<String> weak = new ArrayList<>();
        int skipped = 0;
        int seen = 0;
        for (JsonNode jwk : root.get("keys")) {
            if (++seen > MAX_KEYS) {
                skipped++;
                continue;
            }
            if (!jwk.isObject()
                    || !"RSA".equals(text(jwk, "kty"))
                    || !optional(jwk, "use", "sig")
                    || !optional(jwk, "alg", TokenShape.RS256)) {
                skipped++;
                continue;
            }
            String kid = text(jwk, "kid");
            if ((jwk.has("kid") && !TokenShape.isValidKid(kid)) || (kid != null && byKid.containsKey(kid))) {
                skipped++;
                continue;
            }
            RSAPublicKey key = rsaKey(text(jwk, "n"), text(jwk, "e"));
            if (key == null) {
                skipped++;
                continue;
            }
            int bits = key.getModulus().bitLength();
            if (bits < Pem.MIN_RSA_BITS) {
                weak.add(kid == null ? "(no kid)" : kid);
                continue;
            }
            if (bits > Pem.MAX_RSA_BITS) {
                skipped++;
                continue;
            }
            if (kid != null) {
                byKid.put(kid, key);
            }
            all.add(key);
        }
        return new Parsed(new KeySet(byKid, all, loadedAt), List.copyOf(weak), skipped);
    }

    private static boolean optional(JsonNode jwk, String member, String required) {
        JsonNode value = jwk.get(member);
        return value == null || (value.isTextual() && required.equals(value.textValue()));
    }

    private static String text(JsonNode jwk, String member) {
        JsonNode value = jwk.get(member);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    private static RSAPublicKey rsaKey(String n, String e) {
        if (n == null || e == null || n.length() > 2048 || e.length() > 16) {
            return null;
        }
        try {
            BigInteger modulus = new BigInteger(1, Base64.getUrlDecoder().decode(n));
            BigInteger exponent = new BigInteger(1, Base64.getUrlDecoder().decode(e));
            if (modulus.signum() <= 0 || exponent.compareTo(BigInteger.valueOf(3)) < 0 || !exponent.testBit(0)) {
                return null;
            }
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, exponent));
        } catch (IllegalArgumentException | GeneralSecurityException ex) {
            return null;
        }
    }
}
