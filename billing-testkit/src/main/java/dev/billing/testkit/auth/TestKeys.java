package dev.billing.testkit.auth;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Generates RSA key pairs for token tests. Generating a 2048-bit key takes tens of milliseconds: create keys
 * once per test class, not per test.
 *
 * <p>Usage: {@code TestKey key = TestKeys.rsa2048("ins_test_1");}
 */
public final class TestKeys {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private TestKeys() {}

    /** A fresh 2048-bit RSA key pair under the given {@code kid}. */
    public static TestKey rsa2048(String kid) {
        return new TestKey(kid, generate(2048));
    }

    /** A fresh 2048-bit RSA key pair with a generated {@code kid} ({@code ins_test_<n>}). */
    public static TestKey rsa2048() {
        return rsa2048("ins_test_" + SEQUENCE.incrementAndGet());
    }

    /** A fresh 1024-bit RSA key pair: too weak for RS256, for the "weak keys are ignored" tests. */
    public static TestKey rsa1024Weak(String kid) {
        return new TestKey(kid, generate(1024));
    }

    private static KeyPair generate(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA key generation unavailable", e);
        }
    }
}
