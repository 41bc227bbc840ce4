package dev.billing.testkit.auth;

import io.jsonwebtoken.Jwts;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints Clerk-shaped session tokens for tests: ordinary RS256 tokens signed with jjwt, and hostile variants
 * built by hand (Base64URL + JDK {@link Signature}/{@link Mac}) so they can break the rules jjwt enforces.
 *
 * <p>A fresh {@link Token} carries Clerk's default claims relative to the minter's clock: {@code iss},
 * {@code sub=user_test}, {@code sid=sess_test}, {@code iat=now}, {@code nbf=now-10s}, {@code exp=now+60s},
 * and the header {@code {"alg":"RS256","typ":"JWT","kid":<key's kid>}}.
 *
 * <p>Usage: {@code String jwt = minter.token().subject("user_1").session("sess_1").expiresIn(Duration.ofMinutes(1)).sign();}
 */
public final class TokenMinter {
    /** Subject of a fresh token. */
    public static final String DEFAULT_SUBJECT = "user_test";
    /** Session id of a fresh token. */
    public static final String DEFAULT_SESSION = "sess_test";

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TestKey key;
    private final String issuer;
    private final Clock clock;

    public TokenMinter(TestKey key, String issuer, Clock clock) {
        this.key = Objects.requireNonNull(key, "key");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A new token with Clerk's default claims; configure it, then call one of its terminal methods. */
    public Token token() {
        return new Token();
    }

    public TestKey key() {
        return key;
    }

    public String issuer() {
        return issuer;
    }

    /** One token being built. Not thread-safe; terminal methods may be called more than once. */
    public final class Token {
        private final Map<String, Object> claims = new LinkedHashMap<>();
        private final Map<String, Object> extraHeaders = new LinkedHashMap<>();
        private String kid = key.kid();
        private TestKey signingKey = key;

        private Token() {
            Instant now = clock.instant();
            claims.put("iss", issuer);
            claims.put("sub", DEFAULT_SUBJECT);
            claims.put("sid", DEFAULT_SESSION);
            claims.put("iat", now.getEpochSecond());
            claims.put("nbf", now.minusSeconds(10).getEpochSecond());
            claims.put("exp", now.plusSeconds(60).getEpochSecond());
        }

        public Token subject(String subject) {
            return claim("sub", subject);
        }

        public Token session(String sessionId) {
            return claim("sid", sessionId);
        }

        public Token issuer(String iss) {
            return claim("iss", iss);
        }

        public Token authorizedParty(String azp) {
            return claim("azp", azp);
        }

        /** {@code exp = now + duration} (negative durations make an expired token). */
        public Token expiresIn(Duration duration) {
            return expiresAt(clock.instant().plus(duration));
        }

        public Token expiresAt(Instant exp) {
            return claim("exp", exp.getEpochSecond());
        }

        public Token notBefore(Instant nbf) {
            return claim("nbf", nbf.getEpochSecond());
        }

        public Token issuedAt(Instant iat) {
            return claim("iat", iat.getEpochSecond());
        }

        /** Sets any claim; a null value removes it. Instants are written as epoch seconds. */
        public Token claim(String name, Object value) {
            Objects.requireNonNull(name, "name");
            if (value == null) {
                claims.remove(name);
            } else {
                claims.put(name, value instanceof Instant instant ? instant.getEpochSecond() : value);
            }
            return this;
        }

        /** Removes a claim (including the defaults: {@code exp}, {@code iat}, {@code iss}, {@code sub}, {@code sid}...). */
        public Token without(String name) {
            claims.remove(name);
            return this;
        }

        /** The header {@code kid}; null leaves it out. */
        public Token kid(String newKid) {
            this.kid = newKid;
            return this;
        }

        /** Signs with another key (the {@code kid} is left as it is unless changed with {@link #kid(String)}). */
        public Token signedBy(TestKey otherKey) {
            this.signingKey = Objects.requireNonNull(otherKey, "otherKey");
            return this;
        }

        /**
         * Adds or replaces a protected-header parameter, e.g. {@code withHeader("crit", List.of("exp_v2"))}; a null
         * value removes it (even {@code typ}). Tokens with header changes are signed by hand.
         */
        public Token withHeader(String name, Object value) {
            extraHeaders.put(Objects.requireNonNull(name, "name"), value);
            return this;
        }

        /** Current claims, as they would be serialized (a copy). */
        public Map<String, Object> claims() {
            return new LinkedHashMap<>(claims);
        }

        /**
         * A correctly signed RS256 token. Signed by jjwt, unless the token carries extra header parameters or the
         * key is below jjwt's 2048-bit minimum, in which case it is signed by hand with {@code SHA256withRSA}.
         */
        public String sign() {
            if (!extraHeaders.isEmpty() || signingKey.bits() < 2048) {
                return signWithAlgorithm("RS256");
            }
            var builder = Jwts.builder().header().type("JWT");
            if (kid != null) {
                builder.keyId(kid);
            }
            return builder.and()
                    .claims(claims)
                    .signWith(signingKey.privateKey(), Jwts.SIG.RS256)
                    .compact();
        }

        /** {@code alg: none} with an empty signature part. */
        public String unsigned() {
            Map<String, Object> header = header("none");
            return encode(header) + "." + encode(claims) + ".";
        }

        /**
         * The key-confusion attack: {@code alg: HS256} with the RSA public key's PEM text as the HMAC secret, as a
         * naive verifier that passes "the key" to whatever algorithm the header names would accept.
         */
        public String hs256WithPublicKey() {
            String signingInput = encode(header("HS256")) + "." + encode(claims);
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                byte[] secret = signingKey.publicKeyPem().getBytes(StandardCharsets.US_ASCII);
                mac.init(new SecretKeySpec(secret, "HmacSHA256"));
                byte[] tag = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
                return signingInput + "." + B64URL.encodeToString(tag);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * A real signature under another JWS algorithm: {@code RS256}, {@code RS384}, {@code RS512}, {@code PS256}
         * (with this token's RSA key) or {@code ES256} (with a throwaway P-256 key).
         */
        public String signWithAlgorithm(String alg) {
            String signingInput = encode(header(alg)) + "." + encode(claims);
            byte[] data = signingInput.getBytes(StandardCharsets.US_ASCII);
            try {
                Signature signature;
                PrivateKey privateKey = signingKey.privateKey();
                switch (alg) {
                    case "RS256" -> signature = Signature.getInstance("SHA256withRSA");
                    case "RS384" -> signature = Signature.getInstance("SHA384withRSA");
                    case "RS512" -> signature = Signature.getInstance("SHA512withRSA");
                    case "PS256" -> {
                        signature = Signature.getInstance("RSASSA-PSS");
                        signature.setParameter(
                                new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
                    }
                    case "ES256" -> {
                        signature = Signature.getInstance("SHA256withECDSAinP1363Format");
                        privateKey = EcKey.PAIR.getPrivate();
                    }
                    default -> throw new IllegalArgumentException("unsupported test algorithm " + alg);
                }
                signature.initSign(privateKey);
                signature.update(data);
                return signingInput + "." + B64URL.encodeToString(signature.sign());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** A syntactically valid five-part compact JWE ({@code RSA-OAEP-256} / {@code A256GCM}) with random content. */
        public String jwe() {
            Map<String, Object> header = new LinkedHashMap<>();
            header.put("alg", "RSA-OAEP-256");
            header.put("enc", "A256GCM");
            if (kid != null) {
                header.put("kid", kid);
            }
            return encode(header) + "." + random(256) + "." + random(12) + "." + random(128) + "." + random(16);
        }

        /** A correctly signed token whose payload was then edited ({@code sub} gains an {@code _admin} suffix). */
        public String tampered() {
            String signed = sign();
            String[] parts = signed.split("\\.");
            Map<String, Object> edited = new LinkedHashMap<>(claims);
            edited.put("sub", claims.getOrDefault("sub", "") + "_admin");
            return parts[0] + "." + encode(edited) + "." + parts[2];
        }

        /** A correctly signed token padded with a filler claim so that it is at least {@code minChars} long. */
        public String oversized(int minChars) {
            Map<String, Object> saved = new LinkedHashMap<>(claims);
            try {
                claims.put("pad", "x".repeat(Math.max(0, minChars)));
                return sign();
            } finally {
                claims.clear();
                claims.putAll(saved);
            }
        }

        private Map<String, Object> header(String alg) {
            Map<String, Object> header = new LinkedHashMap<>();
            header.put("alg", alg);
            header.put("typ", "JWT");
            if (kid != null) {
                header.put("kid", kid);
            }
            extraHeaders.forEach((name, value) -> {
                if (value == null) {
                    header.remove(name);
                } else {
                    header.put(name, value);
                }
            });
            return header;
        }
    }

    private static String encode(Map<String, Object> json) {
        return B64URL.encodeToString(Json.write(json).getBytes(StandardCharsets.UTF_8));
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return B64URL.encodeToString(b);
    }

    /** A throwaway P-256 key for the ES256 variant, created on first use. */
    private static final class EcKey {
        static final KeyPair PAIR = generate();

        private static KeyPair generate() {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                return generator.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
