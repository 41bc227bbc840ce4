package dev.billing.testkit.auth;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An RSA signing key for tests with its key id ({@code kid}). The public half exports as PEM (what Clerk calls
 * {@code CLERK_JWT_KEY}) and as a JWK (what Clerk serves at {@code /.well-known/jwks.json}).
 *
 * <p>Usage: {@code TestKey key = TestKeys.rsa2048("ins_1"); String pem = key.publicKeyPem();}
 */
public record TestKey(String kid, KeyPair keyPair) {
    public TestKey {
        Objects.requireNonNull(keyPair, "keyPair");
        if (!(keyPair.getPublic() instanceof RSAPublicKey) || !(keyPair.getPrivate() instanceof RSAPrivateKey)) {
            throw new IllegalArgumentException("TestKey holds RSA key pairs only");
        }
    }

    public RSAPublicKey publicKey() {
        return (RSAPublicKey) keyPair.getPublic();
    }

    public RSAPrivateKey privateKey() {
        return (RSAPrivateKey) keyPair.getPrivate();
    }

    /** Modulus size in bits (2048 for {@link TestKeys#rsa2048()}, 1024 for the weak key). */
    public int bits() {
        return publicKey().getModulus().bitLength();
    }

    /** The same key pair under another {@code kid} (null for none). */
    public TestKey withKid(String newKid) {
        return new TestKey(newKid, keyPair);
    }

    /** The public key as an X.509 SubjectPublicKeyInfo PEM block, the format of Clerk's {@code CLERK_JWT_KEY}. */
    public String publicKeyPem() {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .encodeToString(publicKey().getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
    }

    /**
     * The public key as a JWK object ({@code kty, use, alg, kid, n, e}), as a fresh mutable map so a test can
     * change or drop members before serving it.
     */
    public Map<String, Object> jwk() {
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "RSA");
        jwk.put("use", "sig");
        jwk.put("alg", "RS256");
        if (kid != null) {
            jwk.put("kid", kid);
        }
        jwk.put("n", base64Url(publicKey().getModulus()));
        jwk.put("e", base64Url(publicKey().getPublicExponent()));
        return jwk;
    }

    /** {@link #jwk()} serialized as JSON. */
    public String jwkJson() {
        return Json.write(jwk());
    }

    private static String base64Url(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) { // unsigned big-endian, per RFC 7518 §6.3.1
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public String toString() {
        return "TestKey[kid=" + kid + ", bits=" + bits() + "]";
    }
}
