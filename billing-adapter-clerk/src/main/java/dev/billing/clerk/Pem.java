package dev.billing.clerk;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Reads the PEM public key Clerk shows as "JWT public key" ({@code CLERK_JWT_KEY}). */
final class Pem {
    /** RS256 keys below this size are refused (RFC 7518 §3.3). */
    static final int MIN_RSA_BITS = 2048;
    /** Larger keys are refused too: verification cost grows with the modulus and Clerk uses 2048. */
    static final int MAX_RSA_BITS = 8192;

    private static final String BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String END = "-----END PUBLIC KEY-----";

    private Pem() {}

    /**
     * Parses an X.509 SubjectPublicKeyInfo PEM block (or its bare Base64 body). Literal {@code \n} sequences, as
     * left by putting a multi-line PEM into a single-line environment variable, are accepted.
     */
    static RSAPublicKey parseRsaPublicKey(String pem) {
        if (pem == null || pem.isBlank()) {
            throw new IllegalArgumentException("PEM public key is empty");
        }
        String text = pem.replace("\\n", "\n").strip();
        if (text.contains("PRIVATE KEY")) {
            throw new IllegalArgumentException(
                    "expected Clerk's PEM public key, got a private key: never configure a private key here");
        }
        if (text.contains("BEGIN RSA PUBLIC KEY")) {
            throw new IllegalArgumentException(
                    "expected an X.509 '" + BEGIN + "' block, got a PKCS#1 'BEGIN RSA PUBLIC KEY' block");
        }
        if (text.startsWith(BEGIN)) {
            int end = text.indexOf(END);
            if (end < 0) {
                throw new IllegalArgumentException("PEM public key has no '" + END + "' line");
            }
            text = text.substring(BEGIN.length(), end);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("PEM public key body is not Base64");
        }
        PublicKey key;
        try {
            key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("PEM public key is not an RSA public key");
        }
        RSAPublicKey rsa = (RSAPublicKey) key;
        requireStrongEnough(rsa);
        return rsa;
    }

    static void requireStrongEnough(RSAPublicKey key) {
        int bits = key.getModulus().bitLength();
        if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
            throw new IllegalArgumentException(
                    "RSA public key has " + bits + " bits; RS256 needs " + MIN_RSA_BITS + " to " + MAX_RSA_BITS);
        }
    }
}
